import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { defaultWebUiDirectory } from '../../src/server/http/web-ui.js';
import { systemPackageAvailable } from './system-packages.js';

export const chromiumPath = '/usr/bin/chromium';
/** Whether the end-to-end suites run here (they skip, saying why, without Chromium; CI requires it). */
export const chromiumAvailable = systemPackageAvailable(
  existsSync(chromiumPath),
  'Chromium (apt-get install chromium)',
);
export const endToEndTitle = (title: string) =>
  chromiumAvailable ? title : `${title} (skipped: Chromium is not installed at ${chromiumPath})`;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Screenshots each end-to-end test leaves behind (test-results/ is git-ignored; CI can keep it). */
export const screenshotDirectory = join(root, 'test-results', 'e2e');

/**
 * Debian's Chromium, headless, with nothing that reaches the network on its own. Playwright gives every
 * launch a fresh temporary profile (--user-data-dir), removed on close.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`End-to-end tests need Debian's Chromium at ${chromiumPath}: apt-get install -y chromium`);
  }
  if (!existsSync(join(defaultWebUiDirectory, 'index.html'))) {
    throw new Error(`The web UI is not built (${defaultWebUiDirectory}): run npm run build first (npm test does)`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh browser context (its own cookies and storage) aimed at the test server. */
export async function newContext(
  browser: Browser,
  baseURL: string,
  options: { colorScheme?: 'light' | 'dark' } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    colorScheme: options.colorScheme ?? 'light',
    viewport: { width: 1400, height: 900 },
  });
  context.setDefaultTimeout(10_000);
  return context;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDirectory, { recursive: true });
  await page.screenshot({ path: join(screenshotDirectory, `${name}.png`), fullPage: true });
}

/** Signs in through the login form and waits for the incidents page. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/incidents');
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AccessibilityViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * axe-core's WCAG 2.1 A/AA checks on the page as it is now, at or above `impact`. Evaluated over the
 * DevTools protocol, so the page's Content-Security-Policy (no inline scripts) does not block it.
 */
export async function accessibilityViolations(
  page: Page,
  impact: 'critical' | 'serious' = 'critical',
): Promise<AccessibilityViolation[]> {
  // `void 0` last: the script's completion value (axe itself) must not be serialised back.
  await page.evaluate(`${axeSource}\n;void 0;`);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (options: object) => Promise<{ violations: unknown[] }> } })
      .axe;
    const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations as Array<{
      id: string;
      impact: string | null;
      help: string;
      nodes: Array<{ target: string[] }>;
    }>;
  });
  const levels = impact === 'critical' ? ['critical'] : ['critical', 'serious'];
  return violations
    .filter((violation) => levels.includes(violation.impact ?? ''))
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
}

/** Saves the page as a test artifact and checks it with axe-core: no critical or serious WCAG violation. */
export async function capture(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect({ page: name, violations: await accessibilityViolations(page, 'serious') }).toEqual({
    page: name,
    violations: [],
  });
}
