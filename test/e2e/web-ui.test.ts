import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
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
import { waitForInvestigation } from '../support/investigations.js';

const run = promisify(execFile);

/** An Alertmanager integration of `org`, and a function that delivers alerts to it over real HTTP. */
async function alertmanagerHook(app: TestApplication, org: TestOrganization) {
  const created = await api(app, 'POST', '/api/v1/integrations', {
    token: org.tokens.admin,
    body: { source: 'alertmanager', name: `am-${randomUUID().slice(0, 6)}` },
  });
  expect(created.status).toBe(201);
  return async (alertname: string, service: string) => {
    const delivered = await api(app, 'POST', created.body.url, {
      headers: { authorization: `Bearer ${created.body.secret}` },
      body: alertmanagerPayload([{ alertname, service, severity: 'critical' }]),
    });
    expect(delivered.status).toBe(200);
    const list = await api(app, 'GET', `/api/v1/incidents?service=${service}`, { token: org.tokens.admin });
    const incident = list.body.items.find((item: { title: string }) => item.title.includes(alertname));
    expect(incident).toBeDefined();
    return incident as { id: string; title: string };
  };
}

describe.skipIf(!chromiumAvailable)(endToEndTitle('web UI: first run'), () => {
  let app: TestApplication;
  let browser: Browser;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApplication(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('explains `aurora admin create` while no admin exists, and stops once one does', async () => {
    const context = await newContext(browser, app.url);
    const page = await context.newPage();
    await page.goto('/incidents');
    await page.waitForURL('**/login?next=%2Fincidents');
    const firstRun = page.getByTestId('first-run');
    await expect(firstRun.textContent()).resolves.toContain('aurora admin create');
    await capture(page, 'first-run');

    await createTestOrganization(app);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByTestId('first-run').count()).toBe(0);
    await context.close();
  });
});

describe.skipIf(!chromiumAvailable)(endToEndTitle('web UI'), () => {
  let app: TestApplication;
  let browser: Browser;
  let org: TestOrganization;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApplication(), launchChromium()]);
    org = await createTestOrganization(app, 'e2e');
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  afterEach(async () => {
    await context?.close();
  });

  async function signedIn(): Promise<Page> {
    context = await newContext(browser, app.url);
    page = await context.newPage();
    await signIn(page, org.adminEmail, org.adminPassword);
    return page;
  }

  it('signs in, keeps the deep link it was sent from, and rejects a wrong password with the API detail', async () => {
    context = await newContext(browser, app.url);
    page = await context.newPage();
    await page.goto('/settings/members');
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel('E-mail').fill(org.adminEmail);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const problem = page.getByRole('alert');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/401/);

    await page.getByLabel('Password').fill(org.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/settings/members');
    await page.getByRole('cell', { name: org.adminEmail }).waitFor();
    await capture(page, 'signed-in-members');
  });

  it('shows a new incident live when a webhook arrives while the list is open', async () => {
    const deliver = await alertmanagerHook(app, org);
    await signedIn();
    await page.getByTestId('stream-state').getByText('Live').waitFor();
    // A marker on the page's global object proves the row arrives without a reload.
    await page.evaluate(() => Object.assign(globalThis, { noReload: true }));

    const alertname = `DiskFull${randomUUID().slice(0, 6)}`;
    const incident = await deliver(alertname, `svc-${randomUUID().slice(0, 6)}`);
    const row = page.locator(`tr[data-incident-id="${incident.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('new');
    expect(await row.textContent()).toContain('critical');
    expect(await page.evaluate(() => (globalThis as { noReload?: boolean }).noReload)).toBe(true);
    expect(await page.getByTestId('active-summary').textContent()).toMatch(/\d+\s*active/);
    await capture(page, 'incident-live');

    // Filters narrow the list through the API: severity "info" hides the critical incident.
    await page.getByRole('button', { name: 'info', exact: true }).click();
    await page.waitForURL(/severity=info/);
    await row.waitFor({ state: 'detached' });

    // Keyboard only: "/" jumps to the service filter, j moves to the first incident, Enter opens it.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await row.waitFor();
    await page.keyboard.press('/');
    expect(
      await page.evaluate(
        () => (globalThis as { document?: { activeElement?: { id?: string } } }).document?.activeElement?.id,
      ),
    ).toBe('service-filter');
    await page.keyboard.press('Escape');
    await page.locator('h1').click();
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
  });

  it('changes status, merges and detaches from the incident page', async () => {
    const deliver = await alertmanagerHook(app, org);
    const first = await deliver(`ApiLatency${randomUUID().slice(0, 6)}`, `api-${randomUUID().slice(0, 6)}`);
    const second = await deliver(`QueueBacklog${randomUUID().slice(0, 6)}`, `queue-${randomUUID().slice(0, 6)}`);
    // Each new incident is investigated by the worker, which moves its status too: let that finish first.
    await waitForInvestigation(app, org.tokens.admin, first.id);
    await signedIn();
    await page.goto(`/incidents/${first.id}`);
    await page.getByRole('heading', { name: first.title }).waitFor();

    const statusChanges = page.locator('[data-testid="timeline"] li[data-type="status.changed"]');
    const changesBefore = await statusChanges.count();
    await page.getByLabel('Status').selectOption('investigating');
    await expect.poll(() => statusChanges.count()).toBe(changesBefore + 1);
    expect(await statusChanges.last().textContent()).toContain('investigating');
    const afterStatus = await api(app, 'GET', `/api/v1/incidents/${first.id}`, { token: org.tokens.admin });
    expect(afterStatus.body.status).toBe('investigating');

    await page.getByRole('button', { name: 'Merge another incident into this…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Find an incident').fill(second.title);
    await dialog.getByRole('radio').first().check();
    await dialog.getByRole('button', { name: 'Merge into this incident' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('[data-testid="alerts"] > li').nth(1).waitFor();
    await page.locator('[data-testid="timeline"] li[data-type="incident.merged_in"]').waitFor();
    const merged = await api(app, 'GET', `/api/v1/incidents/${second.id}`, { token: org.tokens.admin });
    expect(merged.body).toMatchObject({ status: 'merged', mergedIntoId: first.id });
    await capture(page, 'incident-merged');

    await page
      .getByRole('button', { name: /^Detach alert/ })
      .first()
      .click();
    await page.getByRole('link', { name: 'Open it' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/incidents/') && !url.pathname.endsWith(first.id));
    await page.locator('[data-testid="timeline"] li[data-type="incident.created"]').getByText('detaching').waitFor();
    const detached = await api(app, 'GET', `/api/v1/incidents/${first.id}`, { token: org.tokens.admin });
    expect(detached.body.alerts).toHaveLength(1);
    await capture(page, 'incident-detached');
  });

  it('creates an integration, shows its secret once, and its curl snippet delivers an alert', async () => {
    await signedIn();
    await page.goto('/settings/integrations');
    const name = `generic-${randomUUID().slice(0, 6)}`;
    await page.getByLabel('Source').selectOption('generic');
    await page.getByLabel('Name').fill(name);
    await page.getByRole('button', { name: 'Create integration' }).click();

    const dialog = page.getByRole('dialog');
    const secret = (await dialog.getByTestId('secret-value').textContent()) ?? '';
    const url = (await dialog.getByTestId('webhook-url').textContent()) ?? '';
    expect(secret.length).toBeGreaterThan(20);
    expect(url).toMatch(new RegExp(`^${app.url}/hooks/generic/[0-9a-f-]{36}$`));
    await capture(page, 'integration-secret');

    // Pasted into a shell, the snippet delivers a real alert to the new integration.
    const snippet = (await dialog.locator('pre[data-snippet="Test with curl"]').textContent()) ?? '';
    const { stdout } = await run('bash', ['-c', snippet], { timeout: 10_000 });
    expect(JSON.parse(stdout)).toMatchObject({ accepted: 1 });

    await dialog.getByRole('button', { name: 'I have copied it' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('cell', { name, exact: true }).waitFor();
    expect(await page.content()).not.toContain(secret);
    const row = page.locator('tr', { has: page.getByRole('cell', { name, exact: true }) });
    await row
      .getByText('never')
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    expect(await row.textContent()).not.toContain('never');
  });

  it('switches between light and dark themes and remembers the choice', async () => {
    await signedIn();
    const isDark = async () => ((await page.locator('html').getAttribute('class')) ?? '').split(/\s+/).includes('dark');
    expect(await isDark()).toBe(false);
    await page.getByRole('button', { name: /^Theme:/ }).click();
    await page.getByRole('menuitemradio', { name: 'Dark' }).click();
    expect(await isDark()).toBe(true);
    await capture(page, 'theme-dark');
    await page.reload();
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    expect(await isDark()).toBe(true);
    await page.getByRole('button', { name: /^Theme:/ }).click();
    await page.getByRole('menuitemradio', { name: 'System' }).click();
    expect(await isDark()).toBe(false);

    // "System" follows the browser's preference.
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(isDark).toBe(true);
  });

  it("never shows another org's incident, and the org switcher moves between a user's orgs", async () => {
    const other = await createTestOrganization(app, 'e2e-other');
    const deliverOther = await alertmanagerHook(app, other);
    const hidden = await deliverOther(`OtherOrgOnly${randomUUID().slice(0, 6)}`, `other-${randomUUID().slice(0, 6)}`);

    await signedIn();
    await page.goto(`/incidents/${hidden.id}`);
    await page.getByRole('alert').getByText('Incident not found').waitFor();
    await page.goto('/incidents');
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    await page.getByTestId('stream-state').getByText('Live').waitFor();
    expect(await page.content()).not.toContain(hidden.title);
    await capture(page, 'cross-org-not-found');

    // The same person joins the other org: now the switcher appears, and switching shows that org's incident.
    expect(
      (
        await api(app, 'POST', '/api/v1/members', {
          token: other.tokens.admin,
          body: { email: org.adminEmail, role: 'viewer' },
        })
      ).status,
    ).toBe(201);
    await page.reload();
    await page.getByRole('button', { name: /^Organization:/ }).click();
    await page.getByRole('menuitemradio', { name: new RegExp(other.orgName) }).click();
    await page.locator(`tr[data-incident-id="${hidden.id}"]`).waitFor();
    await capture(page, 'org-switched');
  });
});
