import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Server } from 'oauth2-mock-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerPayload } from '../support/alert-payloads.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';
import { capture, chromiumAvailable, endToEndTitle, launchChromium, newContext, signIn } from '../support/browser.js';
import { ChatClient } from '../support/chat-client.js';
import { OpenAiCompatibleStandIn } from '../support/openai-compatible-stand-in.js';
import { ProviderApisStandIn } from '../support/provider-apis-stand-in.js';
import { ScriptedModel } from '../support/scripted-model.js';
import { tcpProxy } from '../support/tcp-proxy.js';

/**
 * A stand-in for Prometheus's HTTP API (only GET /api/v1/status/buildinfo, as documented in Prometheus's
 * "Management API / status" reference), answering only with the expected bearer token.
 */
async function prometheusStandIn(token: string): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url} ${request.headers.authorization ?? ''}`);
    if (request.headers.authorization !== `Bearer ${token}`) {
      response.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
      return;
    }
    if (request.url !== '/api/v1/status/buildinfo') {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"status":"error"}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        status: 'success',
        data: {
          version: '2.53.1',
          revision: 'e3a1e2d',
          branch: 'HEAD',
          buildUser: 'root@stand-in',
          buildDate: '20240710-10:02:12',
          goVersion: 'go1.22.5',
        },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!chromiumAvailable)(endToEndTitle('web UI: chat, approvals and settings'), () => {
  let app: TestApplication;
  let browser: Browser;
  let org: TestOrganization;
  let context: BrowserContext;
  let page: Page;
  let script: ScriptedModel | undefined;
  /** The browser reaches Aurora through this TCP proxy, so a test can cut its connections. */
  let proxy: Awaited<ReturnType<typeof tcpProxy>>;
  let baseUrl: string;
  let incidentId: string;
  const clients: ChatClient[] = [];
  /** A real OAuth 2.0 server as Google's authorization and token endpoints; Cloud Resource Manager is a stand-in. */
  let oauth: OAuth2Server;
  let google: ProviderApisStandIn;

  const incident = async () =>
    (await api(app, 'GET', `/api/v1/incidents/${incidentId}`, { token: org.tokens.viewer })).body;

  beforeAll(async () => {
    oauth = new OAuth2Server();
    await oauth.issuer.keys.generate('RS256');
    await oauth.start(0, '127.0.0.1');
    // Google answers the token request with the granted scope.
    oauth.service.on('beforeResponse', (response) => {
      if (response.statusCode === 200) response.body.scope = 'https://www.googleapis.com/auth/cloud-platform.read-only';
    });
    google = await ProviderApisStandIn.start({ projects: [{ projectId: 'shop-prod', name: 'Shop Prod' }] });
    const issuer = oauth.issuer.url!;
    [app, browser] = await Promise.all([
      startTestApplication({
        environment: {
          AURORA_APPROVAL_TIMEOUT_SECONDS: '120',
          AURORA_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
          CONNECTOR_GCP_CLIENT_ID: 'aurora-e2e-client',
          CONNECTOR_GCP_CLIENT_SECRET: `client-secret-${randomUUID()}`,
          CONNECTOR_GCP_AUTHORIZATION_URL: `${issuer}/authorize`,
          CONNECTOR_GCP_TOKEN_URL: `${issuer}/token`,
          CONNECTOR_GCP_REVOCATION_URL: `${issuer}/revoke`,
          CONNECTOR_GCP_API_URL: `${google.url}/google`,
        },
        // Only chat gets the script: investigations of the test incident (rca role) must not consume its turns.
        serviceOverrides: { languageModel: ({ role }) => (role === 'chat' ? script?.model : undefined) },
      }),
      launchChromium(),
    ]);
    proxy = await tcpProxy(app.url, 80);
    baseUrl = `http://127.0.0.1:${proxy.port}`;
    org = await createTestOrganization(app, 'chat-ui');
    const integration = await api(app, 'POST', '/api/v1/integrations', {
      token: org.tokens.admin,
      body: { source: 'alertmanager', name: 'prometheus' },
    });
    const delivered = await api(app, 'POST', integration.body.url, {
      body: alertmanagerPayload([{ alertname: 'CheckoutDiskFull', service: 'checkout-db', severity: 'warning' }]),
      headers: { authorization: `Bearer ${integration.body.secret}` },
    });
    expect(delivered.status).toBe(200);
    incidentId = (await api(app, 'GET', '/api/v1/incidents', { token: org.tokens.viewer })).body.items[0].id;
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await browser?.close();
    await proxy?.stop();
    await app?.close();
    await google?.stop();
    await oauth?.stop();
  });
  afterEach(async () => {
    await context?.close();
    script = undefined;
  });

  async function newChat(): Promise<Page> {
    context = await newContext(browser, baseUrl);
    page = await context.newPage();
    await signIn(page, org.adminEmail, org.adminPassword);
    await page.getByRole('link', { name: 'Chat', exact: true }).click();
    await page.waitForURL('**/chat');
    await page.getByTestId('chat-connection').getByText('Connected').waitFor();
    return page;
  }

  async function ask(text: string, mode: 'Ask' | 'Agent' = 'Ask'): Promise<void> {
    await page.getByRole('radio', { name: mode }).check();
    await page.getByRole('textbox', { name: 'Message' }).fill(text);
    await page.getByRole('button', { name: 'Send' }).click();
  }

  it('streams an answer as Markdown with highlighted code, shows a tool card, the model and usage', async () => {
    script = new ScriptedModel(
      [
        [{ text: 'Let me look at the open incidents.' }, { toolCall: { name: 'list_incidents', input: { limit: 5 } } }],
        [
          {
            text: [
              '## Findings\n\n',
              'The **checkout-db** incident is open.\n\n',
              '| service | severity |\n|---|---|\n| checkout-db | warning |\n\n',
              '```bash\n# the pods behind it\nkubectl -n shop get pods --selector "app=checkout-db"\n```\n\n',
              'Raw HTML stays text: <img src=x onerror="globalThis.pwned=1"> ',
              '[a link](javascript:globalThis.pwned=2) ',
              'and more words to stream slowly so the test sees the answer grow token by token.',
            ].flatMap((chunk) => chunk.match(/\s*\S+\s*/g) ?? [chunk]),
          },
        ],
      ],
      { chunkDelayMs: 25, usage: { inputTokens: 1_200, outputTokens: 80 }, modelId: 'scripted-sre-1' },
    );
    await newChat();
    await capture(page, 'chat-empty');
    await ask('What is burning?');

    // The URL names the new session, and the answer is visibly streaming before it completes.
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    await page.locator('[data-testid="assistant-message"][data-status="streaming"]').first().waitFor();
    const card = page.locator('[data-testid="tool-card"][data-tool="list_incidents"]');
    await card.waitFor();
    await page.locator('[data-testid="tool-card"][data-status="ok"]').waitFor();
    const answer = page.locator('[data-testid="assistant-message"]').last();
    await answer.getByRole('heading', { name: 'Findings' }).waitFor();
    await page.locator('[data-testid="assistant-message"][data-status="complete"]').last().waitFor({ timeout: 15_000 });
    await answer.getByText('token by token.').waitFor();

    // Markdown: bold, a table, a highlighted code block; raw HTML shown as text; no script URL.
    expect(await answer.locator('strong').first().textContent()).toBe('checkout-db');
    expect(await answer.locator('table td').first().textContent()).toBe('checkout-db');
    const code = answer.locator('pre code.hljs.language-bash');
    expect(await code.textContent()).toContain('kubectl -n shop get pods');
    expect(await code.locator('span[class^="hljs-"]').count()).toBeGreaterThan(0);
    expect(await answer.locator('img').count()).toBe(0);
    expect(await answer.textContent()).toContain('<img src=x onerror="globalThis.pwned=1">');
    expect(await answer.locator('a', { hasText: 'a link' }).getAttribute('href')).not.toContain('javascript');
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();

    // The tool card opens to its input and output.
    await card.locator('summary').click();
    expect(await card.textContent()).toContain('"limit": 5');
    expect(await card.textContent()).toContain('CheckoutDiskFull');
    expect(await card.textContent()).toMatch(/\d+(\.\d)? m?s/);

    // The model that answered, and this session's usage (two model calls of 1,200 in / 80 out).
    await page.getByTestId('chat-model').getByText('scripted/scripted-sre-1').waitFor();
    await page
      .getByTestId('chat-usage')
      .getByText(/2,400 in · 160 out/)
      .waitFor();
    // The session is listed with its title.
    await page.getByTestId('chat-sessions').getByText('What is burning?').waitFor();
    await capture(page, 'chat-answer');

    // Reloading shows the stored conversation the same way.
    await page.reload();
    await page.locator('[data-testid="tool-card"][data-tool="list_incidents"][data-status="ok"]').waitFor();
    await page.getByRole('heading', { name: 'Findings' }).waitFor();
    expect(await page.locator('[data-testid="user-message"]').textContent()).toBe('What is burning?');
  });

  it('asks for approval of a mutating tool with a countdown; approving runs it', async () => {
    script = new ScriptedModel([
      [{ toolCall: { name: 'update_incident', input: { incidentId, severity: 'critical' } } }],
      [{ text: 'Escalated to **critical**.' }],
    ]);
    await newChat();
    await ask('Escalate the checkout incident', 'Agent');

    const dialog = page.getByRole('dialog', { name: 'Approve this action?' });
    await dialog.waitFor();
    expect(await dialog.getByTestId('approval-summary').textContent()).toContain('severity → critical');
    expect(await dialog.textContent()).toContain('update_incident');
    expect(await dialog.textContent()).toContain(incidentId);
    const countdown = dialog.getByTestId('approval-countdown');
    const first = await countdown.textContent();
    expect(first).toMatch(/^[12]:\d\d left$/);
    await expect.poll(() => countdown.textContent(), { timeout: 5_000 }).not.toBe(first);
    // Nothing changed yet.
    expect((await incident()).severity).toBe('warning');
    await capture(page, 'chat-approval-dialog');

    await dialog.getByRole('button', { name: 'Approve' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('[data-testid="tool-card"][data-tool="update_incident"][data-status="ok"]').waitFor();
    await page.getByText('Escalated to').waitFor();
    const after = await incident();
    expect(after.severity).toBe('critical');
    expect(after.timeline.find((entry: { type: string }) => entry.type === 'severity.changed').actor.id).toBe(
      org.adminUserId,
    );
    await capture(page, 'chat-approved');
  });

  it('denying refuses the action, and the model is told so', async () => {
    script = new ScriptedModel([
      [{ toolCall: { name: 'update_incident', input: { incidentId, severity: 'info' } } }],
      [{ text: 'Understood, I left it as it is.' }],
    ]);
    await newChat();
    await ask('Downgrade the checkout incident to info', 'Agent');
    const dialog = page.getByRole('dialog', { name: 'Approve this action?' });
    await dialog.getByRole('button', { name: 'Deny' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('[data-testid="tool-card"][data-tool="update_incident"][data-status="denied"]').waitFor();
    await page.getByText('Understood, I left it as it is.').waitFor();
    expect(script.prompt(1)).toContain('A human denied this action, so it was NOT performed');
    expect((await incident()).severity).toBe('critical');
    await capture(page, 'chat-denied');
  });

  it("answers another session's approval from the approvals inbox", async () => {
    script = new ScriptedModel([
      [{ toolCall: { name: 'update_incident', input: { incidentId, severity: 'high' } } }],
      [{ text: 'Done.' }],
    ]);
    // An editor's agent run elsewhere (another client) waits for a human.
    const client = await ChatClient.connect(app.url, { token: org.tokens.editor });
    clients.push(client);
    const sessionId = await client.openSession();
    client.send({ type: 'message.send', sessionId, text: 'Set it to high', mode: 'agent' });
    const requested = await client.next('confirmation.requested');

    context = await newContext(browser, baseUrl);
    page = await context.newPage();
    await signIn(page, org.adminEmail, org.adminPassword);
    await page.getByTestId('pending-approvals').waitFor();
    await page.getByRole('link', { name: /^Approvals/ }).click();
    const item = page.locator(`[data-approval-id="${requested.confirmationId}"]`);
    await item.getByTestId('approval-countdown').waitFor();
    expect(await item.textContent()).toContain('severity → high');
    await capture(page, 'approvals-inbox');
    await item.getByRole('button', { name: 'Approve' }).click();
    expect(await client.next('tool.finished')).toMatchObject({ status: 'ok', tool: 'update_incident' });
    expect((await incident()).severity).toBe('high');
    await page.getByText('Nothing waits for approval').waitFor();
  });

  it('resumes a running answer after the connection drops, and cancels a run', async () => {
    const words = Array.from({ length: 60 }, (_, index) => `word${index}`);
    const full = `Slow answer: ${words.join(' ')} end.`;
    script = new ScriptedModel(
      [[{ text: full }], [{ text: 'This one will be cancelled before it ends, '.repeat(20) }]],
      {
        chunkDelayMs: 60,
      },
    );
    await newChat();
    let sockets = 0;
    page.on('websocket', () => sockets++);
    await ask('Tell me slowly');
    const answer = page.locator('[data-testid="assistant-message"]').last();
    await answer.getByText('word5', { exact: false }).waitFor();

    // Cut every connection between the browser and Aurora; the run goes on in the server.
    await proxy.stop();
    await proxy.start();
    // A new socket (with a new ticket) re-opens the session; the server replays the run so far.
    await expect.poll(() => sockets, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    await page.getByTestId('chat-connection').getByText('Connected').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="assistant-message"][data-status="complete"]').waitFor({ timeout: 20_000 });
    // The replay rebuilt the answer: whole, once.
    expect((await answer.textContent())?.trim()).toBe(full);
    expect(await page.locator('[data-testid="assistant-message"]').count()).toBe(1);
    await capture(page, 'chat-resumed');

    await ask('Now something long');
    await page.locator('[data-testid="assistant-message"][data-status="streaming"]').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('[data-testid="assistant-message"][data-status="cancelled"]').waitFor();
    await page.getByText('Answer cancelled.').waitFor();
    await page.getByRole('button', { name: 'Send' }).waitFor();
  });

  it('saves LLM settings without ever showing the key again, and tests the connection', async () => {
    const standIn = await OpenAiCompatibleStandIn.start();
    try {
      standIn.script({ text: 'OK' });
      const key = `sk-test-${randomUUID()}`;
      context = await newContext(browser, baseUrl);
      page = await context.newPage();
      await signIn(page, org.adminEmail, org.adminPassword);
      await page.goto('/settings/llm');
      await page.getByLabel('Provider').selectOption('openai-compatible');
      await page.getByLabel(/^Base URL/).fill(standIn.baseUrl);
      await page.getByLabel('Chat model').fill('stand-in-model');
      await page.getByLabel('New API key').fill(key);
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Model settings saved').waitFor();
      await page.getByTestId('llm-key-state').getByText('A key is stored').waitFor();
      expect(await page.getByLabel('New API key').count()).toBe(0);

      await page.getByRole('button', { name: 'Test connection' }).click();
      await page
        .getByTestId('llm-test-result')
        .getByText(/Connected: openai-compatible\/stand-in-model/)
        .waitFor();
      expect(standIn.requests[0]?.headers.authorization).toBe(`Bearer ${key}`);

      await page.reload();
      await page.getByTestId('llm-key-state').getByText('A key is stored').waitFor();
      expect(await page.getByLabel('Chat model').inputValue()).toBe('stand-in-model');
      expect(await page.content()).not.toContain(key);
      await capture(page, 'settings-llm');

      const stored = await api(app, 'GET', '/api/v1/settings/llm', { token: org.tokens.admin });
      expect(stored.body).toMatchObject({ provider: 'openai-compatible', hasApiKey: true, source: 'organization' });
      expect(stored.text).not.toContain(key);

      // Usage by model and user lists the earlier chats.
      await page.goto('/settings/usage');
      await page.getByTestId('usage-report').getByText('scripted/scripted-sre-1').waitFor();
      await capture(page, 'settings-usage');
    } finally {
      await standIn.stop();
    }
  });

  it('connects Prometheus with a bearer token, shows connections live, completes OAuth, and disconnects', async () => {
    const token = `prom-${randomUUID()}`;
    const prometheus = await prometheusStandIn(token);
    try {
      context = await newContext(browser, baseUrl);
      page = await context.newPage();
      await signIn(page, org.adminEmail, org.adminPassword);
      await page.goto('/settings/connectors');
      const card = page.locator('[data-provider="prometheus"]');
      await card.getByRole('button', { name: 'URL and bearer token' }).click();
      const dialog = page.getByRole('dialog', { name: 'Connect Prometheus' });
      await dialog.getByLabel('URL', { exact: true }).fill(prometheus.url);
      await dialog.getByLabel('Bearer token').fill(token);
      await capture(page, 'connector-form');
      await dialog.getByRole('button', { name: 'Connect' }).click();
      await dialog.waitFor({ state: 'detached' });
      const name = `Prometheus ${new URL(prometheus.url).host} (2.53.1)`;
      const row = page.locator('tr', { has: page.getByRole('cell', { name, exact: true }) });
      await row.getByTestId('connection-status').getByText('active').waitFor();
      expect(prometheus.requests).toContain(`GET /api/v1/status/buildinfo Bearer ${token}`);
      expect(await page.content()).not.toContain(token);

      // A connection made elsewhere (the API) appears without a reload, over the connectors event stream.
      const other = await api(app, 'POST', '/api/v1/connectors/prometheus/connections', {
        token: org.tokens.editor,
        body: { kind: 'bearer', name: 'Made through the API', url: prometheus.url, token },
      });
      expect(other.status).toBe(201);
      await page.getByRole('cell', { name: 'Made through the API', exact: true }).waitFor();
      await capture(page, 'connectors');

      await row.getByRole('button', { name: `Details of ${name}` }).click();
      const detail = page.getByTestId('connection-detail');
      expect(await detail.textContent()).toContain(prometheus.url);
      await page.getByRole('button', { name: 'Disconnect' }).click();
      await page
        .getByRole('dialog', { name: `Disconnect ${name}?` })
        .getByRole('button', { name: 'Disconnect' })
        .click();
      await page.getByText(`${name} disconnected`).waitFor();
      await row.waitFor({ state: 'detached' });

      // OAuth: the button sends the browser to the provider, which sends it back through the callback to here.
      await page.locator('[data-provider="gcp"]').getByRole('button', { name: 'Sign in with OAuth 2.0' }).click();
      await page.waitForURL(/\/settings\/connectors\?connected=gcp&connectionId=/);
      await page
        .getByTestId('oauth-outcome')
        .getByText(/^Connected Google Cloud/)
        .waitFor();
      await page.getByRole('cell', { name: 'Google Cloud', exact: true }).waitFor();
      await capture(page, 'connector-oauth-landed');

      // Failures the callback reports are explained.
      await page.goto('/settings/connectors?error=consent_denied&provider=github');
      await page.getByTestId('oauth-outcome').getByText('you declined the access request').waitFor();
      await page.goto(`/settings/connectors?connected=prometheus&connectionId=${other.body.id}`);
      await page.getByTestId('oauth-outcome').getByText('Connected Made through the API.').waitFor();
      await page.getByRole('button', { name: 'Dismiss' }).click();
      await page.getByTestId('oauth-outcome').waitFor({ state: 'detached' });
    } finally {
      await prometheus.close();
    }
  });
  it('configures a signed-webhook notification channel, showing its signing secret once', async () => {
    context = await newContext(browser, baseUrl);
    page = await context.newPage();
    await signIn(page, org.adminEmail, org.adminPassword);
    await page.goto('/settings/notifications');
    const form = page.getByRole('form', { name: 'Signed webhook' });
    await form.getByLabel('URL').fill('http://127.0.0.1:9/aurora-hook');
    await form.getByRole('button', { name: 'Save' }).click();
    const dialog = page.getByRole('dialog', { name: 'Webhook signing secret' });
    const secret = (await dialog.getByTestId('signing-secret').textContent()) ?? '';
    expect(secret.length).toBeGreaterThan(20);
    await capture(page, 'settings-notifications-secret');
    await dialog.getByRole('button', { name: 'I have copied it' }).click();
    await page.reload();
    await form.getByText('A signing secret is stored').waitFor();
    expect(await page.content()).not.toContain(secret);
    const stored = await api(app, 'GET', '/api/v1/settings/notifications', { token: org.tokens.admin });
    expect(stored.body.webhook).toMatchObject({ url: 'http://127.0.0.1:9/aurora-hook', signingSecretConfigured: true });
    await capture(page, 'settings-notifications');
  });
});
