import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAurora, startBareServer } from './startup.bench.js';
import { type ProcessMemory, readProcessMemory, sleep, startPgliteOnly, stopProcess } from './support/processes.js';
import type { Suite, SuiteResult } from './support/report.js';
import { median, round } from './support/stats.js';

const idleMs = 5_000;
const rounds = 3;
const targetMiB = 250;

const mib = (kib: number) => kib / 1024;
const fmt = (kib: number) => mib(kib).toFixed(1);

async function idleThenRead(pid: number, readyAt: number): Promise<ProcessMemory> {
  const remaining = readyAt + idleMs - performance.now();
  if (remaining > 0) await sleep(remaining);
  return readProcessMemory(pid);
}

async function pgliteOnly(pgliteDir: string): Promise<ProcessMemory> {
  const started = await startPgliteOnly(pgliteDir);
  try {
    return await idleThenRead(started.pid, started.spawnedAt + started.readyMs);
  } finally {
    await stopProcess(started.child);
  }
}

export const idleRssSuite: Suite = {
  name: 'rss',
  title: 'Idle RSS (embedded)',
  async run(context): Promise<SuiteResult> {
    const root = mkdtempSync(join(tmpdir(), 'aurora-bench-rss-'));
    const dataDir = join(root, 'data');
    try {
      context.progress(`first start on a fresh data dir, idle ${idleMs / 1000} s`);
      const first = await startAurora(dataDir);
      let fresh: ProcessMemory;
      try {
        fresh = await idleThenRead(first.pid, first.spawnedAt + first.firstOkMs);
      } finally {
        await stopProcess(first.child);
      }

      const aurora: ProcessMemory[] = [];
      const bare: ProcessMemory[] = [];
      for (let round = 0; round < rounds; round++) {
        context.progress(`round ${round + 1}/${rounds}: aurora + bare node server, idle ${idleMs / 1000} s`);
        const server = await startAurora(dataDir);
        const baseline = await startBareServer();
        try {
          const serverReadyAt = server.spawnedAt + server.firstOkMs;
          const baselineReadyAt = baseline.spawnedAt + baseline.firstOkMs;
          aurora.push(await idleThenRead(server.pid, serverReadyAt));
          bare.push(await idleThenRead(baseline.pid, baselineReadyAt));
        } finally {
          await stopProcess(baseline.child);
          await stopProcess(server.child);
        }
      }
      context.progress(`PGlite alone on the same data dir, idle ${idleMs / 1000} s`);
      const pglite = await pgliteOnly(join(dataDir, 'pglite'));

      const auroraRss = median(aurora.map((memory) => memory.rssKiB));
      const auroraPeak = median(aurora.map((memory) => memory.peakKiB));
      const bareRss = median(bare.map((memory) => memory.rssKiB));
      const barePeak = median(bare.map((memory) => memory.peakKiB));
      const figures = {
        idleMs,
        rounds,
        auroraRssKiB: aurora.map((memory) => memory.rssKiB),
        auroraPeakKiB: aurora.map((memory) => memory.peakKiB),
        bareNodeRssKiB: bare.map((memory) => memory.rssKiB),
        bareNodePeakKiB: bare.map((memory) => memory.peakKiB),
        auroraRssMedianMiB: round(mib(auroraRss), 1),
        bareNodeRssMedianMiB: round(mib(bareRss), 1),
        differenceMiB: round(mib(auroraRss - bareRss), 1),
        auroraFreshDataDirRssMiB: round(mib(fresh.rssKiB), 1),
        auroraFreshDataDirPeakMiB: round(mib(fresh.peakKiB), 1),
        pgliteOnlyRssMiB: round(mib(pglite.rssKiB), 1),
        pgliteOnlyPeakMiB: round(mib(pglite.peakKiB), 1),
        targetMiB,
      };
      return {
        method: [
          `Starts \`node bin/aurora.js start\` (all roles, minimal env as in the startup suite) on an existing data dir, waits for /readyz 200, idles ${idleMs / 1000} s, then reads VmRSS (and the peak, VmHWM) from /proc/<pid>/status. ${rounds} rounds; medians shown.`,
          'Also read once, the same way, for the very first start on an empty data dir (initdb, migrations, master key).',
          'Baseline: the bare `node -e` http.createServer process, started alongside in each round and read after the same idle time.',
          'Explanatory: a `node` process that only opens the same PGlite data dir (with pgvector) and runs `select 1`, read after the same idle time.',
          'Figures are MiB (1 MiB = 1,048,576 bytes); the target is compared as 250 MiB.',
        ],
        tables: [
          {
            title: `Resident memory after ${idleMs / 1000} s idle (MiB)`,
            headers: ['process', 'RSS (median)', 'peak RSS (median)', 'runs'],
            rows: [
              ['bare node http server (baseline)', fmt(bareRss), fmt(barePeak), String(bare.length)],
              ['aurora start (embedded, all roles)', fmt(auroraRss), fmt(auroraPeak), String(aurora.length)],
              ['  difference aurora − bare node', fmt(auroraRss - bareRss), fmt(auroraPeak - barePeak), ''],
              ['aurora start, first start on a fresh data dir', fmt(fresh.rssKiB), fmt(fresh.peakKiB), '1'],
              ['PGlite + pgvector alone (explanatory)', fmt(pglite.rssKiB), fmt(pglite.peakKiB), '1'],
            ],
          },
        ],
        figures,
        targets: [
          {
            name: 'idle RSS, embedded (median)',
            target: `≤ ${targetMiB} MiB`,
            measured: `${fmt(auroraRss)} MiB`,
            met: mib(auroraRss) <= targetMiB,
          },
        ],
        notes: [
          `The first start on an empty data dir stays higher (${fmt(fresh.rssKiB)} MiB) after the same idle time: initdb and the first migrations run inside PGlite's WebAssembly instance, whose linear memory can grow but never shrink, so that first process keeps the high-water mark.`,
          `A Node process holding nothing but PGlite + pgvector already sits at ${fmt(pglite.rssKiB)} MiB (bare Node: ${fmt(bareRss)} MiB), so PGlite accounts for ≈ ${fmt(pglite.rssKiB - bareRss)} MiB of Aurora's ${fmt(auroraRss)} MiB; everything else Aurora loads (Fastify, pg-boss, drizzle, pino, features) adds ≈ ${fmt(auroraRss - pglite.rssKiB)} MiB.`,
        ],
      };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};
