import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretRedactor } from '../../src/platform/logger/secret-redactor.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
  tablesContaining,
} from '../support/application.js';
import { ChatClient } from '../support/chat-client.js';
import { capturingLogger } from '../support/logger.js';
import { OpenAiCompatibleStandIn } from '../support/openai-compatible-stand-in.js';

/**
 * The real provider path: LLM_PROVIDER=openai-compatible pointed at a local stand-in that streams Chat
 * Completions chunks (text and tool calls) over HTTP, through @ai-sdk/openai-compatible.
 */
describe('an OpenAI-compatible provider (stand-in server)', () => {
  let environmentProvider: OpenAiCompatibleStandIn;
  let orgProvider: OpenAiCompatibleStandIn;
  let app: TestApplication;
  let org: TestOrganization;
  const capture = capturingLogger(new SecretRedactor());
  const environmentKey = `sk-env-${randomBytes(12).toString('hex')}`;
  const orgKey = `sk-org-${randomBytes(12).toString('hex')}`;
  const clients: ChatClient[] = [];
  const responses: string[] = [];

  async function chat(text: string) {
    const client = await ChatClient.connect(app.url, { token: org.tokens.editor });
    clients.push(client);
    const sessionId = await client.openSession();
    client.send({ type: 'message.send', sessionId, text });
    const started = await client.next('run.started');
    const finished = await client.next('run.finished', 20_000);
    return { client, sessionId, runId: started.runId as string, finished };
  }
  const call = async (method: string, path: string, options: Parameters<typeof api>[3] = {}) => {
    const response = await api(app, method, path, options);
    responses.push(response.text);
    return response;
  };

  beforeAll(async () => {
    environmentProvider = await OpenAiCompatibleStandIn.start();
    orgProvider = await OpenAiCompatibleStandIn.start();
    app = await startTestApplication({
      logger: capture.logger,
      redactor: new SecretRedactor(),
      environment: {
        LOG_LEVEL: 'trace',
        LLM_PROVIDER: 'openai-compatible',
        LLM_BASE_URL: environmentProvider.baseUrl,
        LLM_API_KEY: environmentKey,
        LLM_MODEL: 'stand-in-chat',
        LLM_MAX_RETRIES: '2',
        LLM_PRICES: JSON.stringify({ 'stand-in-*': { input: 3, output: 15 } }),
        // Org admins may point at the stand-in's loopback address only because it is allow-listed.
        AURORA_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
      },
    });
    org = await createTestOrganization(app);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await app?.close();
    await environmentProvider?.stop();
    await orgProvider?.stop();
  });

  it('streams text and tool calls, retrying a 429 first', async () => {
    environmentProvider.script(
      { status: 429, message: 'Rate limit reached', retryAfterSeconds: 0 },
      {
        text: 'Checking incidents.',
        toolCalls: [{ name: 'list_incidents', arguments: { limit: 5 } }],
        usage: { promptTokens: 400, completionTokens: 30 },
      },
      { text: 'No incidents are open.', usage: { promptTokens: 600, completionTokens: 20 } },
    );
    const { client, runId, finished } = await chat('Anything open?');
    expect(finished).toMatchObject({ status: 'completed' });
    const frames = client.runFrames(runId);
    const text = frames
      .filter((frame) => frame.type === 'text.delta')
      .map((frame) => frame.delta)
      .join('');
    expect(text).toBe('Checking incidents.No incidents are open.');
    expect(frames.find((frame) => frame.type === 'tool.started')).toMatchObject({
      tool: 'list_incidents',
      input: { limit: 5 },
    });
    expect(frames.find((frame) => frame.type === 'tool.finished')).toMatchObject({
      tool: 'list_incidents',
      status: 'ok',
      output: '[]',
    });
    const usage = frames.find((frame) => frame.type === 'usage');
    expect(usage).toMatchObject({ inputTokens: 1000, outputTokens: 50 });
    expect(usage?.costUsd).toBeCloseTo((1000 * 3 + 50 * 15) / 1_000_000, 10);

    expect(environmentProvider.requests).toHaveLength(3);
    const [, first, second] = environmentProvider.requests;
    expect(first!.headers.authorization).toBe(`Bearer ${environmentKey}`);
    expect(first!.body).toMatchObject({ model: 'stand-in-chat', stream: true });
    expect(first!.body.tools.map((tool: { function: { name: string } }) => tool.function.name).sort()).toEqual([
      'get_incident',
      'knowledge_search',
      'list_incidents',
    ]);
    const toolMessage = second!.body.messages.find((message: { role: string }) => message.role === 'tool');
    expect(toolMessage.content).toContain('<tool_output tool="list_incidents" status="ok">');
    expect(second!.body.messages[0].content).not.toContain(environmentKey);
  });

  it('reports usage per org, user and session, and caches the user cost as api_cost:{userId}', async () => {
    const report = await call('GET', '/api/v1/usage', { token: org.tokens.viewer });
    expect(report.status).toBe(200);
    expect(report.body.totals).toMatchObject({ calls: 2, inputTokens: 1000, outputTokens: 50 });
    expect(report.body.byUser).toEqual([expect.objectContaining({ userId: org.userIds.editor, calls: 2 })]);
    expect(report.body.bySession).toHaveLength(1);
    expect(report.body.byModel).toEqual([
      expect.objectContaining({ provider: 'openai-compatible', model: 'stand-in-chat', priced: true }),
    ]);
    const editorReport = await call('GET', '/api/v1/usage', { token: org.tokens.editor });
    expect(editorReport.body.currentUserCostUsd).toBeCloseTo(report.body.totals.costUsd, 10);
    const cached = await app.platform.cache.get<Record<string, number>>(`api_cost:${org.userIds.editor}`);
    expect(cached?.[org.orgId]).toBeCloseTo(report.body.totals.costUsd, 10);
  });

  it('gives up on repeated 5xx with a clear error', async () => {
    environmentProvider.script({ status: 503 }, { status: 503 }, { status: 503 });
    const { finished } = await chat('Hello?');
    expect(finished.status).toBe('failed');
    expect(finished.error).toContain('HTTP 503');
    expect(finished.error).toContain('gave up after 3 attempts');
  });

  it('lets an org admin override the model settings; the key goes to the secret store and never comes back', async () => {
    expect((await call('GET', '/api/v1/settings/llm', { token: org.tokens.editor })).status).toBe(403);
    const before = await call('GET', '/api/v1/settings/llm', { token: org.tokens.admin });
    expect(before.body).toMatchObject({
      provider: 'openai-compatible',
      model: 'stand-in-chat',
      hasApiKey: true,
      source: 'environment',
    });

    const metadata = await call('PUT', '/api/v1/settings/llm', {
      token: org.tokens.admin,
      body: { provider: 'openai-compatible', baseUrl: 'http://169.254.169.254/v1', model: 'x' },
    });
    expect(metadata.status).toBe(400);

    const saved = await call('PUT', '/api/v1/settings/llm', {
      token: org.tokens.admin,
      body: {
        provider: 'openai-compatible',
        baseUrl: orgProvider.baseUrl,
        apiKey: orgKey,
        model: 'org-chat',
        summaryModel: 'org-summary',
      },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({
      provider: 'openai-compatible',
      baseUrl: orgProvider.baseUrl,
      model: 'org-chat',
      rcaModel: null,
      summaryModel: 'org-summary',
      hasApiKey: true,
      source: 'organization',
    });

    orgProvider.script({ text: 'OK' });
    const tested = await call('POST', '/api/v1/settings/llm/test', { token: org.tokens.admin });
    expect(tested.body).toMatchObject({ ok: true, provider: 'openai-compatible', model: 'org-chat' });
    expect(orgProvider.requests.at(-1)!.headers.authorization).toBe(`Bearer ${orgKey}`);

    // The org's settings now drive chat.
    orgProvider.script({ text: 'Answered by the org model.' });
    const { finished } = await chat('Who answers?');
    expect(finished.status).toBe('completed');
    expect(orgProvider.requests.at(-1)!.body.model).toBe('org-chat');

    // A provider error that echoes the key reaches the admin without it.
    orgProvider.script({ status: 401, echoAuthorization: true });
    const failed = await call('POST', '/api/v1/settings/llm/test', { token: org.tokens.admin });
    expect(failed.body.ok).toBe(false);
    expect(failed.body.error).toContain('Incorrect API key provided');
    expect(failed.body.error).not.toContain(orgKey);

    // Keeping the key: a PUT without apiKey leaves it stored.
    const kept = await call('PUT', '/api/v1/settings/llm', {
      token: org.tokens.admin,
      body: { provider: 'openai-compatible', baseUrl: orgProvider.baseUrl, model: 'org-chat-2' },
    });
    expect(kept.body).toMatchObject({ hasApiKey: true, model: 'org-chat-2' });
  });

  it('never lets either key reach a table, a log line or an API response', async () => {
    app.platform.logger.flush?.();
    for (const key of [environmentKey, orgKey]) {
      for (const encoding of [key, Buffer.from(key).toString('base64')]) {
        expect({ encoding, tables: await tablesContaining(app, encoding) }).toEqual({ encoding, tables: [] });
      }
      expect(capture.text()).not.toContain(key);
      expect(responses.join('\n')).not.toContain(key);
    }
    // The scan works: the settings row holds a secret reference.
    const [row] = await app.platform.database.query<{ api_key_reference: string }>(
      'select api_key_reference from llm_settings where org_id = $1',
      [org.orgId],
    );
    expect(await tablesContaining(app, row!.api_key_reference)).toContain('public.llm_settings');
    expect(capture.text()).toContain('llm');
  });
});
