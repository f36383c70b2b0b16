import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * `aurora eval` and `aurora investigate` from the built CLI (dist/, so run `npm run build` first): the exact JSON shape
 * of issue 8, and the figures docs/benchmarks.md and eval/README.md claim are the figures a run produces.
 */

const root = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);
const aurora = (...args: string[]) =>
  run(process.execPath, [join(root, 'bin/aurora.js'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, AURORA_DATA_DIR: join(root, '.aurora-eval-test-unused') },
    maxBuffer: 20 * 1024 * 1024,
  });

const categories = [
  'deploy',
  'config',
  'resource_exhaustion',
  'dependency',
  'capacity',
  'network',
  'certificate',
  'data',
  'infrastructure',
] as const;
const evalShape = z
  .object({
    scenarios: z.array(
      z
        .object({
          name: z.string(),
          rankedServices: z.array(z.string()),
          topService: z.string().nullable(),
          topCategory: z.enum(categories).nullable(),
          confidence: z.enum(['CONFIRMED', 'LIKELY', 'INCONCLUSIVE']),
          passTop1: z.boolean(),
          passTop3: z.boolean(),
          keywordsOk: z.boolean(),
        })
        .strict(),
    ),
    summary: z
      .object({ count: z.number().int(), top1: z.number().min(0).max(1), top3: z.number().min(0).max(1) })
      .strict(),
  })
  .strict();

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

describe('aurora eval / aurora investigate', () => {
  it('prints exactly {scenarios, summary} and the figures the docs claim', async () => {
    const { stdout } = await aurora('eval', '--scenarios', 'eval/scenarios', '--json');
    const output = evalShape.parse(JSON.parse(stdout));
    expect(output.summary.count).toBe(output.scenarios.length);
    expect(output.summary.count).toBeGreaterThanOrEqual(24);
    const top1 = output.scenarios.filter((row) => row.passTop1).length / output.summary.count;
    expect(output.summary.top1).toBeCloseTo(top1, 4);
    // Every category is covered.
    const expected = output.scenarios.map((row) => row.name.split('-')[0]);
    expect(new Set(expected)).toEqual(
      new Set([
        'deploy',
        'config',
        'resource',
        'dependency',
        'capacity',
        'network',
        'certificate',
        'data',
        'infrastructure',
      ]),
    );

    const benchmarks = readFileSync(join(root, 'docs', 'benchmarks.md'), 'utf8');
    const readme = readFileSync(join(root, 'eval', 'README.md'), 'utf8');
    const claim = `ranker top-1 ${percent(output.summary.top1)}, top-3 ${percent(output.summary.top3)} on ${output.summary.count} scenarios`;
    expect(benchmarks).toContain(claim);
    expect(readme).toContain(claim);
  });

  it('adds the naive baseline with --with-baseline, and the docs state its figures too', async () => {
    const { stdout } = await aurora('eval', '--scenarios', 'eval/scenarios', '--json', '--with-baseline');
    const output = JSON.parse(stdout) as {
      summary: { count: number };
      comparison: {
        baseline: { summary: { top1: number; top3: number } };
        redHerrings: { count: number; ranker: { top1: number }; baseline: { top1: number } };
      };
    };
    const { baseline, redHerrings } = output.comparison;
    expect(redHerrings.ranker.top1).toBeGreaterThan(redHerrings.baseline.top1);
    expect(baseline.summary.top1).toBeLessThan(0.85);
    const claim = `baseline top-1 ${percent(baseline.summary.top1)}, top-3 ${percent(baseline.summary.top3)}; on the ${redHerrings.count} red-herring scenarios ranker top-1 ${percent(redHerrings.ranker.top1)} vs baseline ${percent(redHerrings.baseline.top1)}`;
    expect(readFileSync(join(root, 'docs', 'benchmarks.md'), 'utf8')).toContain(claim);
    expect(readFileSync(join(root, 'eval', 'README.md'), 'utf8')).toContain(claim);
  });

  it('investigates one scenario: a report whose citations all resolve to the evidence printed beside it', async () => {
    const { stdout } = await aurora(
      'investigate',
      '--scenario',
      'eval/scenarios/certificate-payments-expired-with-innocent-deploy',
      '--json',
    );
    const output = JSON.parse(stdout) as {
      status: string;
      evidence: Array<{
        id: string;
        source: string;
        query: string;
        timeRange: { from: string; to: string };
        excerpt: string;
        hash: string;
      }>;
      hypotheses: Array<{ service: string; category: string; evidenceIds: string[] }>;
      thoughts: unknown[];
      report: {
        rootCause: { service: string; category: string; statement: string } | null;
        confidence: string;
        droppedClaims: string[];
      };
    };
    expect(output.status).toBe('finished');
    expect(output.report.rootCause).toMatchObject({ service: 'payments', category: 'certificate' });
    expect(output.report.confidence).toBe('LIKELY');
    expect(output.report.droppedClaims).toEqual([]);
    const ids = new Set(output.evidence.map((item) => item.id));
    const cited = [...stdout.matchAll(/\[(E\d+(?:, E\d+)*)\]/g)].flatMap((match) => (match[1] ?? '').split(', '));
    expect(cited.length).toBeGreaterThan(3);
    expect(cited.filter((id) => !ids.has(id))).toEqual([]);
    for (const item of output.evidence)
      expect(item).toMatchObject({
        id: expect.stringMatching(/^E\d+$/),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
  });

  it('fails with one clear line for a broken scenario', async () => {
    await expect(aurora('investigate', '--scenario', 'eval/no-such-scenario')).rejects.toMatchObject({
      stderr: expect.stringMatching(/^aurora: .*scenario\.yaml: file not found\n$/),
    });
  });
});
