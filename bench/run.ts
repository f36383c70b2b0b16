/**
 * Aurora's platform benchmarks. `npm run bench` builds, then runs every suite;
 * `node --import tsx bench/run.ts queue secrets` runs only those. Set DATABASE_URL to add PostgreSQL figures.
 * Tables go to stdout, progress to stderr, and all figures to bench/results/platform-<date>.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { createLogger, SecretRedactor } from '../src/platform/logger/logger.js';
import { chatSuite } from './chat.bench.js';
import { idleRssSuite } from './idle-rss.bench.js';
import { intakeSuite } from './intake.bench.js';
import { investigationsSuite } from './investigations.bench.js';
import { knowledgeSuite } from './knowledge.bench.js';
import { queueSuite } from './queue.bench.js';
import { secretsSuite } from './secrets.bench.js';
import { startupSuite } from './startup.bench.js';
import { describeMachine, formatMachine } from './support/machine.js';
import { repositoryRoot } from './support/processes.js';
import { renderSuite, type Suite, type SuiteResult } from './support/report.js';
import { uiSuite } from './ui.bench.js';

const suites: Suite[] = [
  startupSuite,
  idleRssSuite,
  queueSuite,
  secretsSuite,
  intakeSuite,
  knowledgeSuite,
  investigationsSuite,
  chatSuite,
  uiSuite,
];

interface ResultsFile {
  benchmark: 'platform';
  updatedAt: string;
  machine: ReturnType<typeof describeMachine>;
  suites: Record<
    string,
    {
      title: string;
      measuredAt: string;
      postgres: boolean;
      durationMs: number;
      /** 1-minute load average before and after the suite: other work on the machine skews the figures. */
      loadAverage: { before: number; after: number };
    } & SuiteResult
  >;
}

async function main(argv: string[]): Promise<number> {
  const requested = argv.filter((argument) => !argument.startsWith('-'));
  const unknown = requested.filter((name) => !suites.some((suite) => suite.name === name));
  if (unknown.length > 0 || argv.includes('--help') || argv.includes('-h')) {
    if (unknown.length > 0) process.stderr.write(`Unknown suite(s): ${unknown.join(', ')}\n`);
    process.stderr.write(
      `Usage: node --import tsx bench/run.ts [suite…]\nSuites: ${suites.map((suite) => `${suite.name} (${suite.title})`).join(', ')}\n` +
        'With no suite, all run. Set DATABASE_URL to also measure on PostgreSQL.\n',
    );
    return unknown.length > 0 ? 2 : 0;
  }
  const selected = requested.length > 0 ? suites.filter((suite) => requested.includes(suite.name)) : suites;
  if (
    selected.some((suite) => ['startup', 'rss', 'intake', 'ui'].includes(suite.name)) &&
    !existsSync(join(repositoryRoot, 'dist', 'cli', 'main.js'))
  ) {
    process.stderr.write('dist/ is missing: run `npm run build` first (or use `npm run bench`).\n');
    return 1;
  }

  const databaseUrl = process.env.DATABASE_URL || undefined;
  const machine = describeMachine();
  const logger = createLogger({
    level: 'warn',
    format: 'json',
    redactor: new SecretRedactor(),
    destination: process.stderr,
  });
  process.stdout.write(
    `Aurora platform benchmarks, ${new Date().toISOString()}\n${formatMachine(machine)}\n` +
      `Load    ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')} (1/5/15-min averages at start)\n` +
      `PostgreSQL: ${databaseUrl ? 'yes (DATABASE_URL is set)' : 'no (set DATABASE_URL to include it)'}\n`,
  );

  const date = new Date().toISOString().slice(0, 10);
  const resultsDirectory = join(repositoryRoot, 'bench', 'results');
  const resultsPath = join(resultsDirectory, `platform-${date}.json`);
  // Suites run on other days or in other invocations today are kept; the ones run now replace theirs.
  let results: ResultsFile = { benchmark: 'platform', updatedAt: '', machine, suites: {} };
  if (existsSync(resultsPath)) {
    try {
      const previous = JSON.parse(readFileSync(resultsPath, 'utf8')) as ResultsFile;
      results = { ...previous, machine, suites: previous.suites ?? {} };
    } catch {
      // A corrupt file is replaced.
    }
  }

  let failed = 0;
  for (const suite of selected) {
    const started = performance.now();
    const loadBefore = loadavg()[0] ?? 0;
    process.stderr.write(`\n[${suite.name}] ${suite.title}\n`);
    try {
      const result = await suite.run({
        databaseUrl,
        logger,
        progress: (message) => process.stderr.write(`[${suite.name}] ${message}\n`),
      });
      const durationMs = Math.round(performance.now() - started);
      const loadAverage = { before: loadBefore, after: loadavg()[0] ?? 0 };
      process.stdout.write(renderSuite(suite.title, result));
      process.stdout.write(
        `(${suite.name}: ${(durationMs / 1000).toFixed(1)} s; 1-min load average ${loadAverage.before.toFixed(2)} → ${loadAverage.after.toFixed(2)} on ${machine.cores} cores)\n`,
      );
      results.suites[suite.name] = {
        title: suite.title,
        measuredAt: new Date().toISOString(),
        postgres: databaseUrl !== undefined,
        durationMs,
        loadAverage,
        ...result,
      };
    } catch (error) {
      failed++;
      process.stderr.write(`[${suite.name}] FAILED: ${(error as Error).stack ?? String(error)}\n`);
    }
  }

  results.updatedAt = new Date().toISOString();
  mkdirSync(resultsDirectory, { recursive: true });
  writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  // bench/ is linted by `npm run lint`; let Biome lay the JSON out as it wants it, so the results file passes.
  const biome = join(repositoryRoot, 'node_modules', '.bin', 'biome');
  if (existsSync(biome)) {
    try {
      execFileSync(biome, ['format', '--write', resultsPath], { stdio: 'ignore' });
    } catch {
      // Unformatted JSON is still valid JSON.
    }
  }
  process.stdout.write(`\nFigures written to ${relative(process.cwd(), resultsPath)}\n`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
