import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { constants, gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, signIn } from '../test/support/browser.js';
import { auroraListeningPattern } from './startup.bench.js';
import {
  auroraBin,
  embeddedEnvironment,
  repositoryRoot,
  type StartedProcess,
  startAndProbe,
  stopProcess,
} from './support/processes.js';
import type { Suite, SuiteContext, SuiteResult } from './support/report.js';
import { median, ms, ratio, round, times } from './support/stats.js';

const incidentCount = 1_000;
const environments = [
  'prod-eu-west-1',
  'prod-eu-central-1',
  'prod-us-east-1',
  'prod-us-west-2',
  'prod-ap-southeast-1',
  'prod-ap-northeast-1',
  'staging-eu',
  'staging-us',
  'qa',
  'dev',
] as const;
// Word names, not numbered ones: correlation's title similarity ignores numbers, so "service-001 …" and
// "service-002 …" would be one incident.
const domains = [
  'checkout',
  'payments',
  'cart',
  'catalog',
  'search',
  'inventory',
  'shipping',
  'orders',
  'users',
  'auth',
  'notifications',
  'billing',
  'pricing',
  'reviews',
  'media',
  'ledger',
  'reporting',
  'analytics',
  'scheduler',
  'webhooks',
] as const;
const components = ['api', 'worker', 'gateway', 'consumer', 'cron'] as const;
const serviceCount = incidentCount / environments.length;
const seedConcurrency = 4;
const coldRuns = 5;
const bundleTargetBytes = 300 * 1024;
const interactiveTargetMs = 1_500;
const webAssets = join(repositoryRoot, 'dist', 'web', 'assets');
const run = promisify(execFile);

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run(process.execPath, [auroraBin, ...args], {
    cwd: repositoryRoot,
    env,
    timeout: 120_000,
    maxBuffer: 1024 * 1024,
  });
  return stdout;
}

const gzip9 = (bytes: Buffer) => gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).length;
const kib = (bytes: number) => (bytes / 1024).toFixed(1);

/**
 * Alertmanager groups by (alertname, service); each notification carries that alert in all ten environments.
 * Correlation never joins alerts across environments, and every (service, environment) pair occurs once, so each
 * alert opens its own incident: 100 requests × 10 alerts = 1,000 incidents.
 */
function seedBodies(): string[] {
  const kinds = [
    ['HighErrorRate', 'critical', '5xx rate above 5%'],
    ['HighLatencyP99', 'warning', 'p99 latency above 1s'],
    ['KubePodCrashLooping', 'critical', 'pods are crash looping'],
    ['MemoryUsageHigh', 'warning', 'memory usage above 90%'],
    ['QueueBacklogGrowing', 'info', 'queue backlog is growing'],
  ] as const;
  const bodies: string[] = [];
  for (let serviceIndex = 0; serviceIndex < serviceCount; serviceIndex++) {
    const service = `${domains[serviceIndex % domains.length]}-${components[Math.floor(serviceIndex / domains.length)]}`;
    const [alertname, severity, summary] = kinds[serviceIndex % kinds.length] as (typeof kinds)[number];
    const alerts = environments.map((environment) => {
      const labels = { alertname, service, environment, severity, instance: `${service}.${environment}:8080` };
      return {
        status: 'firing',
        labels,
        annotations: { summary: `${service} ${summary}`, description: `${alertname} on ${service} in ${environment}` },
        startsAt: new Date(Date.now() - serviceIndex * 60_000).toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.monitoring.svc:9090/graph',
        fingerprint: randomBytes(8).toString('hex'),
      };
    });
    bodies.push(
      JSON.stringify({
        receiver: 'aurora',
        status: 'firing',
        alerts,
        groupLabels: { alertname, service },
        commonLabels: { alertname, service, severity },
        commonAnnotations: {},
        externalURL: 'http://alertmanager.monitoring.svc:9093',
        version: '4',
        groupKey: `{}:{alertname="${alertname}", service="${service}"}`,
        truncatedAlerts: 0,
      }),
    );
  }
  return bodies;
}

async function countIncidents(baseUrl: string, token: string): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const query: string = `limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await fetch(`${baseUrl}/api/v1/incidents?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`GET /api/v1/incidents answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { items: unknown[]; nextCursor: string | null };
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}

async function seed(baseUrl: string, token: string, context: SuiteContext): Promise<{ ms: number; incidents: number }> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const created = await fetch(`${baseUrl}/api/v1/integrations`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ source: 'alertmanager', name: 'ui benchmark' }),
  });
  if (created.status !== 201) throw new Error(`POST /api/v1/integrations answered ${created.status}`);
  const integration = (await created.json()) as { url: string; secret: string };
  const started = performance.now();
  const bodies = seedBodies();
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as string;
      const response = await fetch(`${baseUrl}${integration.url}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${integration.secret}`, 'content-type': 'application/json' },
        body,
      });
      if (!response.ok) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
    }
  };
  await Promise.all(Array.from({ length: seedConcurrency }, worker));
  // Intake commits in batches; wait until every incident is listed.
  let incidents = 0;
  for (let attempt = 0; attempt < 100; attempt++) {
    incidents = await countIncidents(baseUrl, token);
    if (incidents >= incidentCount) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  context.progress(`seeded ${incidents} incidents in ${ms(performance.now() - started)} ms`);
  if (incidents !== incidentCount) throw new Error(`expected ${incidentCount} incidents, found ${incidents}`);
  return { ms: performance.now() - started, incidents };
}

/**
 * Runs before any page script. Records (page clock, ms since navigation start) when the first row link is laid out
 * inside the viewport next to the filter input, then when a message posted at that moment is delivered: the first
 * point the main thread is free to handle input. Also sums long tasks up to then.
 */
function probeScript(rowSelector: string, inputSelector: string): string {
  return `(() => {
  const state = { rowVisibleAt: undefined, interactiveAt: undefined, longTasks: [] };
  Object.defineProperty(window, '__uiBench', { value: state });
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) state.longTasks.push([entry.startTime, entry.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  const check = () => {
    if (state.rowVisibleAt !== undefined) return;
    const row = document.querySelector(${JSON.stringify(rowSelector)});
    const input = document.querySelector(${JSON.stringify(inputSelector)});
    if (!row || !input || input.disabled) return;
    const box = row.getBoundingClientRect();
    if (box.height === 0 || box.width === 0 || box.top >= innerHeight) return;
    state.rowVisibleAt = performance.now();
    observer.disconnect();
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { state.interactiveAt = performance.now(); };
    channel.port2.postMessage(0);
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, attributes: true });
})();`;
}

interface Load {
  rowVisibleMs: number;
  interactiveMs: number;
  responseEndMs: number;
  domContentLoadedMs: number;
  loadEventMs: number;
  /** Long tasks (≥ 50 ms) that started before interactive: their count and their time beyond 50 ms each. */
  longTasks: number;
  blockingMs: number;
  /** responseEnd of the first /api/v1/incidents request, page clock. */
  listResponseEndMs?: number;
  rows?: number;
  focusable?: boolean;
  /** Key press → the next frame after the filter input shows the typed character. */
  inputToFrameMs?: number;
}

interface ServedFile {
  path: string;
  type: string;
  bytes: number;
  gzipBytes: number;
  contentEncoding: string | null;
  /** Fetched before the page was interactive (vs later: prefetch, lazy chunks). */
  beforeInteractive: boolean;
}

async function loadOnce(
  browser: Browser,
  baseURL: string,
  path: string,
  selectors: { row: string; input: string },
  options: { storageState?: Awaited<ReturnType<BrowserContext['storageState']>>; checkInput: boolean },
): Promise<{ load: Load; served: ServedFile[] }> {
  const context = await browser.newContext({
    baseURL,
    storageState: options.storageState,
    viewport: { width: 1400, height: 900 },
  });
  context.setDefaultTimeout(30_000);
  try {
    await context.addInitScript({ content: probeScript(selectors.row, selectors.input) });
    const page = await context.newPage();
    // A new context starts with an empty HTTP cache; disabling it as well keeps repeat fetches cold too.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.clearBrowserCache');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const responses: Array<Promise<Omit<ServedFile, 'beforeInteractive'> | undefined>> = [];
    page.on('response', (response) => {
      const type = response.request().resourceType();
      if (type !== 'script' && type !== 'stylesheet') return;
      responses.push(
        (async () => {
          const body = await response.body().catch(() => undefined);
          if (!body) return undefined;
          return {
            path: new URL(response.url()).pathname,
            type,
            bytes: body.length,
            gzipBytes: gzip9(body),
            contentEncoding: (await response.allHeaders())['content-encoding'] ?? null,
          };
        })(),
      );
    });
    await page.goto(path, { waitUntil: 'commit' });
    // A function, not a string: the page's CSP forbids eval, which Playwright uses for string predicates.
    await page.waitForFunction(
      () => (globalThis as { __uiBench?: { interactiveAt?: number } }).__uiBench?.interactiveAt !== undefined,
      undefined,
      {
        timeout: 30_000,
        polling: 50,
      },
    );
    if (new URL(page.url()).pathname !== path) throw new Error(`ended on ${page.url()}, not ${path}`);
    const load: Load = await page.evaluate(`(() => {
      const state = window.__uiBench;
      const navigation = performance.getEntriesByType('navigation')[0];
      const before = state.longTasks.filter(([start]) => start < state.interactiveAt);
      const list = performance.getEntriesByType('resource').find((entry) => entry.name.includes('/api/v1/incidents?'));
      return {
        rowVisibleMs: state.rowVisibleAt,
        interactiveMs: state.interactiveAt,
        responseEndMs: navigation.responseEnd,
        domContentLoadedMs: navigation.domContentLoadedEventEnd,
        loadEventMs: navigation.loadEventEnd,
        longTasks: before.length,
        blockingMs: before.reduce((sum, [, duration]) => sum + Math.max(0, duration - 50), 0),
        listResponseEndMs: list ? list.responseEnd : undefined,
      };
    })()`);
    if (options.checkInput) {
      load.rows = await page.locator(selectors.row).count();
      const firstRow = page.locator(selectors.row).first();
      await firstRow.focus();
      load.focusable = (await page.evaluate(
        `document.activeElement === document.querySelector(${JSON.stringify(selectors.row)})`,
      )) as boolean;
      load.inputToFrameMs = await measureInput(page, selectors.input);
    }
    // Chunks fetched shortly after interactive (route prefetch, lazy widgets) are reported, not counted as initial.
    await page.waitForTimeout(1_000);
    const fetchedAt = (await page.evaluate(
      `Object.fromEntries(performance.getEntriesByType('resource').map((entry) => [new URL(entry.name).pathname, entry.responseEnd]))`,
    )) as Record<string, number>;
    const served = (await Promise.all(responses))
      .filter((file) => file !== undefined)
      .map((file) => ({ ...file, beforeInteractive: (fetchedAt[file.path] ?? 0) <= load.interactiveMs }));
    return { load, served };
  } finally {
    await context.close();
  }
}

/** Focuses the filter input, presses a key and times keydown → the frame after the input shows it. */
async function measureInput(page: Page, selector: string): Promise<number> {
  await page.locator(selector).focus();
  await page.evaluate(`(() => {
    const element = document.querySelector(${JSON.stringify(selector)});
    element.addEventListener('keydown', (event) => {
      const pressedAt = event.timeStamp;
      const done = () => {
        if (element.value.endsWith('s')) window.__inputMs = performance.now() - pressedAt;
        else requestAnimationFrame(() => setTimeout(done));
      };
      requestAnimationFrame(() => setTimeout(done));
    }, { once: true, capture: true });
  })()`);
  await page.keyboard.press('s');
  const handle = await page.waitForFunction(() => (globalThis as { __inputMs?: number }).__inputMs, undefined, {
    polling: 20,
  });
  return (await handle.jsonValue()) as number;
}

const tinyPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>baseline</title></head>
<body><label>Service <input id="service-filter"></label><table><tbody data-testid="incident-rows">
<tr><td><a data-incident-link href="#1">one incident</a></td></tr></tbody></table></body></html>`;

function startTinyServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    response.end(tinyPage);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    }),
  );
}

function entryFromIndexHtml(): { entry: string[]; modulepreload: string[] } {
  const html = readFileSync(join(repositoryRoot, 'dist', 'web', 'index.html'), 'utf8');
  const entry = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)].map((match) => match[1] as string);
  const modulepreload = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map(
    (match) => match[1] as string,
  );
  return { entry, modulepreload };
}

const describeLoads = (loads: Load[]) => {
  const pick = (key: keyof Load) =>
    loads.map((load) => load[key]).filter((value): value is number => typeof value === 'number');
  const summary = (key: keyof Load) => {
    const values = pick(key);
    return { median: round(median(values), 1), max: round(Math.max(...values), 1) };
  };
  return {
    runs: loads.map((load) =>
      Object.fromEntries(
        Object.entries(load).map(([key, value]) => [key, typeof value === 'number' ? round(value, 1) : value]),
      ),
    ),
    interactive: summary('interactiveMs'),
    rowVisible: summary('rowVisibleMs'),
    responseEnd: summary('responseEndMs'),
    domContentLoaded: summary('domContentLoadedMs'),
    listResponseEnd: summary('listResponseEndMs'),
    blocking: summary('blockingMs'),
    inputToFrame: summary('inputToFrameMs'),
  };
};

export const uiSuite: Suite = {
  name: 'ui',
  title: 'Web UI: initial bundle size and time to an interactive incidents page',
  async run(context): Promise<SuiteResult> {
    const root = mkdtempSync(join(tmpdir(), 'aurora-bench-ui-'));
    const env = embeddedEnvironment(join(root, 'data'));
    let server: StartedProcess | undefined;
    let tiny: Awaited<ReturnType<typeof startTinyServer>> | undefined;
    let browser: Browser | undefined;
    try {
      const email = 'ui-bench@example.com';
      const password = randomBytes(18).toString('base64url');
      context.progress('admin create, token create, start');
      await cli(['admin', 'create', '--email', email, '--org', 'UI bench', '--password', password], env);
      const token = (await cli(['token', 'create', '--email', email, '--name', 'ui-bench', '--role', 'admin'], env))
        .trim()
        .split('\n')
        .at(-1);
      if (!token) throw new Error('aurora token create printed no token');
      server = await startAndProbe({
        command: process.execPath,
        // The api role alone: intake and the UI, without the worker investigating 1,000 new incidents meanwhile.
        args: [auroraBin, 'start', '--role', 'api'],
        env,
        probePath: '/readyz',
        listeningPattern: auroraListeningPattern,
        timeoutMs: 120_000,
      });
      const baseURL = `http://127.0.0.1:${server.port}`;
      context.progress(`seeding ${incidentCount} incidents`);
      const seeded = await seed(baseURL, token, context);

      browser = await launchChromium();
      const chromiumVersion = browser.version();
      context.progress('signing in through the login form');
      const signInContext = await browser.newContext({ baseURL, viewport: { width: 1400, height: 900 } });
      signInContext.setDefaultTimeout(30_000);
      const signInPage = await signInContext.newPage();
      await signIn(signInPage, email, password);
      const storageState = await signInContext.storageState();
      await signInContext.close();

      const selectors = { row: 'tbody[data-testid="incident-rows"] a[data-incident-link]', input: '#service-filter' };
      const loads: Load[] = [];
      let served: ServedFile[] = [];
      for (let index = 0; index < coldRuns; index++) {
        context.progress(`cold load of /incidents ${index + 1}/${coldRuns}`);
        const result = await loadOnce(browser, baseURL, '/incidents', selectors, { storageState, checkInput: true });
        loads.push(result.load);
        if (index === 0) served = result.served;
      }
      tiny = await startTinyServer();
      const baselineLoads: Load[] = [];
      for (let index = 0; index < coldRuns; index++) {
        context.progress(`cold load of the static baseline page ${index + 1}/${coldRuns}`);
        const result = await loadOnce(browser, `http://127.0.0.1:${tiny.port}`, '/', selectors, {
          checkInput: true,
        });
        baselineLoads.push(result.load);
      }

      // Bundle: what the first cold load of /incidents fetched, compared with index.html and with every JS file built.
      const fromHtml = entryFromIndexHtml();
      const initialJs = served.filter((file) => file.type === 'script' && file.beforeInteractive);
      const laterJs = served.filter((file) => file.type === 'script' && !file.beforeInteractive);
      const css = served.filter((file) => file.type === 'stylesheet');
      const sum = (files: ServedFile[], key: 'bytes' | 'gzipBytes') =>
        files.reduce((total, file) => total + file[key], 0);
      const allJs = readdirSync(webAssets)
        .filter((name) => name.endsWith('.js'))
        .map((name) => {
          const bytes = readFileSync(join(webAssets, name));
          return { name, bytes: bytes.length, gzipBytes: gzip9(bytes) };
        });
      const allJsGzip = allJs.reduce((total, file) => total + file.gzipBytes, 0);
      const allJsRaw = allJs.reduce((total, file) => total + file.bytes, 0);
      const initialGzip = sum(initialJs, 'gzipBytes');
      const missingFromLoad = [...fromHtml.entry, ...fromHtml.modulepreload].filter(
        (path) => !initialJs.some((file) => file.path === path),
      );

      const aurora = describeLoads(loads);
      const baseline = describeLoads(baselineLoads);
      const figures = {
        incidents: seeded.incidents,
        seedMs: round(seeded.ms, 0),
        chromium: chromiumVersion,
        bundle: {
          initialJs: initialJs.map(({ beforeInteractive: _, ...file }) => file),
          initialJsGzipBytes: initialGzip,
          initialJsBytes: sum(initialJs, 'bytes'),
          laterJs: laterJs.map(({ beforeInteractive: _, ...file }) => file),
          css: css.map(({ beforeInteractive: _, ...file }) => file),
          indexHtml: fromHtml,
          allJsFiles: allJs.length,
          allJsGzipBytes: allJsGzip,
          allJsBytes: allJsRaw,
          servedCompressed: served.some((file) => file.contentEncoding !== null),
          targetGzipBytes: bundleTargetBytes,
        },
        incidentsPage: aurora,
        staticBaseline: baseline,
        targetInteractiveMs: interactiveTargetMs,
      };

      const fileRow = (file: ServedFile, note: string) => [
        file.path.replace('/assets/', ''),
        note,
        kib(file.bytes),
        kib(file.gzipBytes),
      ];
      const noteOf = (file: ServedFile) =>
        fromHtml.entry.includes(file.path)
          ? 'entry (index.html)'
          : fromHtml.modulepreload.includes(file.path)
            ? 'modulepreload (index.html)'
            : 'loaded by the route';
      const loadRow = (label: string, described: ReturnType<typeof describeLoads>, baselineMedian: number) => [
        label,
        String(described.runs.length),
        ms(described.interactive.median),
        ms(described.interactive.max),
        ms(described.rowVisible.median),
        ms(described.responseEnd.median),
        ms(described.domContentLoaded.median),
        ms(described.listResponseEnd.median),
        ms(described.blocking.median),
        ms(described.inputToFrame.median),
        times(ratio(described.interactive.median, baselineMedian)),
      ];
      const notes = [
        `Every Aurora load rendered ${[...new Set(loads.map((load) => load.rows))].join('/')} row(s) (the first page of the list); the first row link took focus in ${loads.filter((load) => load.focusable).length}/${loads.length} loads and the filter input showed the typed key in every load.`,
        figures.bundle.servedCompressed
          ? 'Aurora served some JS with a Content-Encoding.'
          : 'Aurora serves /assets uncompressed (no Content-Encoding), so the bytes on the wire are the raw column; gzip figures are what a compressing proxy would send.',
      ];
      if (missingFromLoad.length > 0)
        notes.push(`Named in index.html but not fetched before interactive: ${missingFromLoad.join(', ')}.`);
      if (laterJs.length > 0)
        notes.push(
          `Fetched in the second after interactive (not counted as initial): ${laterJs.map((file) => `${file.path} (${kib(file.gzipBytes)} KiB gz)`).join(', ')}.`,
        );

      return {
        method: [
          'Aurora: the built CLI, `node bin/aurora.js start --role api` (embedded PGlite; no worker, so the 1,000 queued investigation jobs do not run during the loads and every incident stays open), as a child process with only PATH, HOME, AURORA_DATA_DIR=<tmp>, AURORA_HOST=127.0.0.1, AURORA_PORT=0, LOG_LEVEL=warn; `aurora admin create` and `aurora token create --role admin` first.',
          `Seed: ${serviceCount} Alertmanager webhook notifications (POST /hooks/alertmanager/<id>, ${seedConcurrency} at a time), one per (alertname, service) group, each with that alert in ${environments.length} environments; correlation never joins across environments, so every alert opens its own incident: ${incidentCount} open incidents, verified through GET /api/v1/incidents.`,
          `Browser: Debian Chromium (${chromiumVersion}) headless via playwright-core (test/support/browser.ts flags), 1400×900. Signed in once through the login form; each measured load is a new browser context with that session's cookies, an empty HTTP cache, and the cache disabled over CDP.`,
          'Clock: the page\'s own clock (ms since navigation start, the origin of performance.getEntriesByType("navigation")). An init script\'s MutationObserver notes when the first incident row link is laid out inside the viewport next to the service filter input ("row visible"); "interactive" is when a MessageChannel message posted at that moment is delivered, i.e. the main thread is free for input.',
          'After each load the suite checks that the first row link takes focus and times a key press in the filter input → the frame after the input shows it (keydown event.timeStamp → rAF+setTimeout). "Blocking" sums the time beyond 50 ms of each long task before interactive.',
          `Baseline: the same cold load and the same probe on a tiny static HTML page (one input, one row link, ${tinyPage.length} bytes) from a bare Node http server in the benchmark process.`,
          `Bundle: the JS and CSS responses of the first cold load of /incidents, fetched before interactive; sizes are the served bodies, gzip is zlib level 9 of each file. Cross-checked against the entry script and modulepreload links in dist/web/index.html; compared with all ${allJs.length} JS files in dist/web/assets.`,
        ],
        tables: [
          {
            title: 'JS fetched for the first page, /incidents (KiB)',
            headers: ['file', 'why', 'raw', 'gzip -9'],
            rows: [
              ...initialJs.map((file) => fileRow(file, noteOf(file))),
              ['total initial JS', '', kib(sum(initialJs, 'bytes')), kib(initialGzip)],
              ...css.map((file) => fileRow(file, 'stylesheet (not JS)')),
              [`all JS in dist/web/assets (${allJs.length} files)`, 'comparison', kib(allJsRaw), kib(allJsGzip)],
            ],
          },
          {
            title: `Cold load → interactive, ${incidentCount} incidents (ms since navigation start; medians unless stated)`,
            headers: [
              'page',
              'runs',
              'interactive',
              'interactive max',
              'row visible',
              'HTML responseEnd',
              'DOMContentLoaded',
              'list API responseEnd',
              'blocking',
              'key → frame',
              'vs static page',
            ],
            rows: [
              loadRow('static HTML page, bare Node (baseline)', baseline, baseline.interactive.median),
              loadRow('/incidents, Aurora', aurora, baseline.interactive.median),
            ],
          },
        ],
        figures,
        targets: [
          {
            name: 'initial JS for the first page, gzipped',
            target: `< ${kib(bundleTargetBytes)} KiB`,
            measured: `${kib(initialGzip)} KiB (all JS ${kib(allJsGzip)} KiB)`,
            met: initialGzip < bundleTargetBytes,
          },
          {
            name: `time to an interactive incidents page, ${incidentCount} incidents (median of ${coldRuns} cold loads)`,
            target: `< ${interactiveTargetMs} ms`,
            measured: `${ms(aurora.interactive.median)} ms (max ${ms(aurora.interactive.max)} ms)`,
            met: aurora.interactive.median < interactiveTargetMs,
          },
        ],
        notes,
      };
    } finally {
      await browser?.close().catch(() => undefined);
      tiny?.server.close();
      if (server) await stopProcess(server.child);
      rmSync(root, { recursive: true, force: true });
    }
  },
};
