import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pdfDocument } from '../fixtures/knowledge/generate-documents.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';
import { capture, chromiumAvailable, endToEndTitle, launchChromium, newContext, signIn } from '../support/browser.js';
import { deliverScenarioAlert, waitForInvestigation } from '../support/investigations.js';

/**
 * The knowledge base page (upload with progress, live indexing status over SSE, search with highlights, delete)
 * and the incident page's investigation (evidence, charts, hypotheses, report, citations, feedback, re-run),
 * in Debian's Chromium against a real Aurora. No model: the worker runs the deterministic investigation over a
 * built-in scenario bound to the org, as `aurora demo` does.
 */

const scenarioName = 'deploy-checkout-bad-release';

/**
 * Records every value `attribute` takes on elements matching `selector`, from now on (a MutationObserver in the
 * page; as text, since this project's TypeScript has no DOM library), prefixed with the element's document id.
 */
async function recordAttribute(page: Page, selector: string, attribute: string): Promise<void> {
  await page.evaluate(`(() => {
    const selector = ${JSON.stringify(selector)};
    const attribute = ${JSON.stringify(attribute)};
    const seen = [];
    const record = () => {
      for (const element of document.querySelectorAll(selector)) {
        const owner = element.closest('[data-document-id]');
        const value = (owner ? owner.getAttribute('data-document-id') : '') + ':' + element.getAttribute(attribute);
        if (!seen.includes(value)) seen.push(value);
      }
    };
    record();
    new MutationObserver(record).observe(document.body, {
      subtree: true, childList: true, attributes: true, attributeFilter: [attribute],
    });
    globalThis.recorded = seen;
  })()`);
}

const recorded = (page: Page) => page.evaluate(() => (globalThis as unknown as { recorded: string[] }).recorded);

describe.skipIf(!chromiumAvailable)(endToEndTitle('web UI: knowledge base and investigations'), () => {
  let app: TestApplication;
  let browser: Browser;
  let org: TestOrganization;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApplication(), launchChromium()]);
    org = await createTestOrganization(app, 'kb-inv-ui');
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

  it('uploads runbooks with progress, follows processing → indexed live, searches them, and deletes one', async () => {
    await signedIn();
    await page.getByRole('link', { name: 'Knowledge' }).click();
    await page.waitForURL('**/knowledge');
    await page.getByText('Indexing status is live').waitFor();
    await page.evaluate(() => Object.assign(globalThis, { noReload: true }));
    await recordAttribute(page, '[data-testid="document-status"]', 'data-status');

    const word = `zorbulate${randomUUID().slice(0, 6)}`;
    const markdown = [
      `# Checkout rollback runbook`,
      '',
      '## When checkout returns 5xx after a release',
      '',
      `Roll back with kubectl rollout undo, then ${word} the payment cache.`,
      '',
      '```bash',
      'kubectl rollout undo deployment/checkout -n production',
      '```',
    ].join('\n');
    const pdf = await pdfDocument([
      { heading: 'Payments postmortem', paragraphs: ['The certificate expired at midnight.'] },
      { heading: 'Follow-ups', paragraphs: [`Automate certificate renewal and ${word} alerts.`] },
    ]);
    await page.getByLabel('Kind').first().selectOption('runbook');
    await page.getByLabel('Tags').fill('checkout, e2e');
    await page.getByLabel('Files to upload').setInputFiles([
      { name: 'checkout-rollback.md', mimeType: 'text/markdown', buffer: Buffer.from(markdown) },
      { name: 'payments-postmortem.pdf', mimeType: 'application/pdf', buffer: pdf },
    ]);
    // Each file has its own progress bar, full once the server accepted it.
    const uploads = page.getByTestId('uploads');
    await uploads.locator('li[data-upload-state="accepted"]').nth(1).waitFor();
    expect(await uploads.locator('progress').count()).toBe(2);
    expect(await uploads.locator('progress').first().getAttribute('value')).toBe('100');

    const listed = await api(app, 'GET', '/api/v1/knowledge/documents', { token: org.tokens.viewer });
    const byName = (name: string) =>
      (listed.body.items as Array<{ id: string; fileName: string }>).find((item) => item.fileName === name)!.id;
    const markdownId = byName('checkout-rollback.md');
    const pdfId = byName('payments-postmortem.pdf');
    for (const id of [markdownId, pdfId]) {
      await page.locator(`tr[data-document-id="${id}"] [data-status="indexed"]`).waitFor({ timeout: 30_000 });
    }
    // Both went processing → indexed on screen, pushed by the event stream (the list does not poll).
    const statuses = await recorded(page);
    for (const id of [markdownId, pdfId]) {
      expect(statuses).toContain(`${id}:processing`);
      expect(statuses).toContain(`${id}:indexed`);
      expect(statuses.indexOf(`${id}:processing`)).toBeLessThan(statuses.indexOf(`${id}:indexed`));
    }
    expect(await page.evaluate(() => (globalThis as { noReload?: boolean }).noReload)).toBe(true);
    const pdfRow = page.locator(`tr[data-document-id="${pdfId}"]`);
    expect((await pdfRow.locator('td').nth(2).textContent())?.trim()).toBe('2');
    expect(await page.locator(`tr[data-document-id="${markdownId}"]`).textContent()).toContain('#e2e');

    // Dropping a file on the drop zone uploads it like choosing it does.
    await page.evaluate(`(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['# Dropped runbook\\n\\nRestart the cache.'], 'dropped.md', { type: 'text/markdown' }));
      document.querySelector('[data-testid="drop-zone"]')
        .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    })()`);
    await uploads.locator('li', { hasText: 'dropped.md' }).getByText('indexed').waitFor({ timeout: 30_000 });

    // A file that is not a document fails, and the row says why.
    await page.getByLabel('Files to upload').setInputFiles({
      name: 'not-really.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.concat([Buffer.from('MZ\x90\x00'), Buffer.alloc(512, 7)]),
    });
    const failedRow = page.locator('tr', { hasText: 'not-really' });
    await failedRow.locator('[data-status="failed"]').waitFor({ timeout: 30_000 });
    expect(((await failedRow.getByTestId('document-error').textContent()) ?? '').length).toBeGreaterThan(10);
    await capture(page, 'knowledge-indexed');

    // Search: both documents, the word marked, with page numbers for the PDF and a score.
    await page.getByRole('searchbox').fill(word);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.getByTestId('search-results');
    await results.locator('li').nth(1).waitFor();
    const pdfResult = results.locator(`li[data-document-id="${pdfId}"]`);
    expect(await pdfResult.textContent()).toContain('page 2');
    expect(await pdfResult.textContent()).toMatch(/score \d\.\d{3}/);
    expect((await pdfResult.locator('mark').first().textContent())?.toLowerCase()).toBe(word);
    const markdownResult = results.locator(`li[data-document-id="${markdownId}"]`);
    expect(await markdownResult.textContent()).toContain('When checkout returns 5xx after a release');
    expect(await markdownResult.textContent()).toContain('runbook');
    await capture(page, 'knowledge-search');

    // Delete the PDF: gone from the list, the API and the search.
    await pdfRow.getByRole('button', { name: /^Delete / }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete document' }).click();
    await pdfRow.waitFor({ state: 'detached' });
    expect((await api(app, 'GET', `/api/v1/knowledge/documents/${pdfId}`, { token: org.tokens.viewer })).status).toBe(
      404,
    );
    await page.getByRole('searchbox').fill(`${word} certificate`);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await results.locator(`li[data-document-id="${pdfId}"]`).waitFor({ state: 'detached' });
    await results.locator(`li[data-document-id="${markdownId}"]`).waitFor();

    // Re-index goes back through processing to indexed.
    await page
      .locator(`tr[data-document-id="${markdownId}"]`)
      .getByRole('button', { name: /^Re-index / })
      .click();
    await page.locator(`tr[data-document-id="${markdownId}"] [data-status="indexed"]`).waitFor({ timeout: 30_000 });
  });

  it('shows the investigation of a webhook incident: evidence, charts, hypotheses, report, citations, feedback, re-run', async () => {
    await app.services.investigations.bindScenario(org.orgId, scenarioName);
    const incidentId = await deliverScenarioAlert(app, org, scenarioName);
    const first = await waitForInvestigation(app, org.tokens.viewer, incidentId);
    expect(first.status).toBe('completed');

    context = await newContext(browser, app.url);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    page = await context.newPage();
    await signIn(page, org.adminEmail, org.adminPassword);
    await page.goto(`/incidents/${incidentId}`);
    const section = page.getByTestId('investigation');
    await section.locator('[data-testid="investigation-status"][data-status="completed"]').waitFor();

    // The report: confidence badge (no model: at most LIKELY), root cause, remediations with risk and undo.
    const report = page.getByTestId('report');
    expect(await report.getByTestId('confidence').textContent()).toBe(first.report!.confidence);
    expect(['LIKELY', 'INCONCLUSIVE']).toContain(first.report!.confidence);
    expect(await report.getByTestId('root-cause').textContent()).toContain('checkout');
    const remediation = report.getByTestId('remediation').first();
    expect(await remediation.textContent()).toMatch(/Risk.*Undo/s);
    expect(await report.getByTestId('ruled-out').locator('li').count()).toBeGreaterThan(0);

    // Ranked hypotheses with scores, the culprit first.
    const topHypothesis = page.locator('[data-testid="hypotheses"] > li').first();
    expect(await topHypothesis.getAttribute('data-rank')).toBe('1');
    expect(await topHypothesis.textContent()).toContain(first.hypotheses[0]!.service);
    expect(await topHypothesis.getByTestId('hypothesis-score').textContent()).toBe(
      `score ${first.hypotheses[0]!.score.toFixed(3)}`,
    );

    // Evidence: every stored item listed; the root cause's opened, metrics drawn with onset and change markers,
    // the quoted error marked among the log lines, changes as a timeline.
    expect(await page.locator('[data-testid="evidence"] details[data-evidence-id]').count()).toBe(
      first.evidence.length,
    );
    const chart = page.locator('details[data-port="metrics"][open] [data-testid="metric-chart"]').first();
    await chart.waitFor();
    expect(await chart.locator('[data-marker="onset"]').count()).toBe(1);
    expect(await chart.locator('[data-marker="change"]').count()).toBeGreaterThan(0);
    expect(await chart.locator('svg').getAttribute('aria-label')).toMatch(/alert onset at/);
    const logs = page.locator('details[data-port="logs"][open] [data-testid="log-lines"]').first();
    await logs.locator('li[data-quoted="true"]').first().waitFor();
    await page.locator('details[data-port="changes"][open] [data-testid="change-timeline"]').waitFor();
    expect(
      await page.locator('[data-testid="change-timeline"] li[data-near-onset="true"]').first().textContent(),
    ).toContain('before the onset');
    // The run's thoughts (the deterministic pipeline narrates its steps too), oldest first.
    expect(await page.locator('[data-testid="thoughts"] li').count()).toBe(first.thoughts.length);
    expect(first.thoughts.length).toBeGreaterThan(0);
    await capture(page, 'investigation-report');

    // A citation to an item that is closed opens it and brings it into view.
    let closedCitation: string | undefined;
    for (const link of await page.locator('[data-testid="report"] a[data-citation]').all()) {
      const id = (await link.getAttribute('data-citation')) ?? '';
      if ((await page.locator(`details#evidence-${id}`).getAttribute('open')) === null) {
        closedCitation = id;
        break;
      }
    }
    expect(closedCitation).toBeDefined();
    // A real pointer click at the link (Playwright's own click() retries around the sticky header instead).
    const citation = page.locator(`[data-testid="report"] a[data-citation="${closedCitation}"]`).first();
    await citation.scrollIntoViewIfNeeded();
    const box = (await citation.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const revealed = page.locator(`details#evidence-${closedCitation}`);
    await expect.poll(() => revealed.getAttribute('open')).not.toBeNull();
    // In the 900 px viewport, below the sticky header.
    await expect
      .poll(async () => {
        const top = (await revealed.boundingBox())?.y ?? -1;
        return top > 40 && top < 900;
      })
      .toBe(true);
    await capture(page, 'investigation-citation');

    // Copying a remediation puts its command on the clipboard; it is not run.
    const command = first.report!.remediations[0]!.command ?? first.report!.remediations[0]!.change!;
    await remediation.getByRole('button', { name: /^Copy / }).click();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(command);

    // report.md opens with the session.
    const markdownHref = await page.getByRole('link', { name: 'report.md' }).getAttribute('href');
    const markdownResponse = await page.request.get(markdownHref!);
    expect(markdownResponse.status()).toBe(200);
    expect(await markdownResponse.text()).toContain(first.report!.rootCause!.service);

    // Feedback.
    const feedback = page.getByRole('region', { name: 'Was this report right?' });
    await feedback.getByLabel('Helpful', { exact: true }).check();
    await feedback.getByLabel('Comment').fill('Rolled back v2.14.0; errors stopped.');
    await feedback.getByRole('button', { name: 'Send feedback' }).click();
    await page.getByTestId('feedback-recorded').waitFor();
    await page.locator('[data-testid="timeline"] li[data-type="investigation.feedback"]').waitFor();

    // Investigate again: a new run, followed live on the page until it completes.
    await recordAttribute(page, '[data-testid="investigation-status"]', 'data-status');
    await page.getByRole('button', { name: 'Investigate again' }).click();
    await expect
      .poll(async () => (await recorded(page)).some((value) => /:(queued|running)$/.test(value)), { timeout: 15_000 })
      .toBe(true);
    await section.locator('[data-testid="investigation-status"][data-status="completed"]').waitFor({ timeout: 60_000 });
    const second = await waitForInvestigation(app, org.tokens.viewer, incidentId);
    expect(second.investigationId).not.toBe(first.investigationId);
    await page.getByTestId('report').waitFor();
    await expect
      .poll(() => page.locator('[data-testid="timeline"] li[data-type="investigation.started"]').count())
      .toBe(2);
    await expect.poll(() => page.locator('[data-testid="thoughts"] li').count()).toBe(second.thoughts.length);

    // On-call at 3 a.m.: the same page in the dark theme passes the same checks.
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(async () => (await page.locator('html').getAttribute('class')) ?? '').toMatch(/\bdark\b/);
    await capture(page, 'investigation-dark');
  });
});
