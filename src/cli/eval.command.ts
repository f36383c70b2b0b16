import { evaluateScenarios } from '../features/investigations/index.js';

/**
 * `aurora eval --scenarios DIR [--json] [--with-baseline]`: investigates every scenario with the scenario adapter.
 * No model is wired yet, so every run is deterministic. Needs no database.
 */
export async function evalCommand(options: {
  scenarios: string;
  json?: boolean;
  withBaseline?: boolean;
}): Promise<number> {
  const output = await evaluateScenarios(options.scenarios, { withBaseline: options.withBaseline });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  }
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  const rows = output.scenarios.map(
    (row) =>
      `${row.passTop1 ? 'pass' : row.passTop3 ? 'top3' : 'FAIL'}  ${row.name}  → ${row.topService ?? '-'} (${row.topCategory ?? '-'}, ${row.confidence})${row.keywordsOk ? '' : '  [keywords]'}`,
  );
  process.stdout.write(
    `${rows.join('\n')}\n\n${output.summary.count} scenarios: top-1 ${percent(output.summary.top1)}, top-3 ${percent(output.summary.top3)}\n`,
  );
  if (output.comparison) {
    const { baseline, redHerrings } = output.comparison;
    process.stdout.write(
      `naive baseline: top-1 ${percent(baseline.summary.top1)}, top-3 ${percent(baseline.summary.top3)}\n` +
        `red-herring scenarios (${redHerrings.count}): ranker top-1 ${percent(redHerrings.ranker.top1)}, baseline top-1 ${percent(redHerrings.baseline.top1)}\n`,
    );
  }
  return 0;
}
