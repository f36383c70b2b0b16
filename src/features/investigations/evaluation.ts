import {
  findScenarioDirectories,
  loadScenario,
  type RootCauseCategory,
  type Scenario,
  scenarioTelemetry,
} from '../telemetry/index.js';
import type { Confidence } from './investigation.model.js';
import { type InvestigationResult, investigateDeterministically } from './investigation-engine.js';

/** One line of `aurora eval --json`, exactly the shape. */
export interface ScenarioEvaluation {
  name: string;
  rankedServices: string[];
  topService: string | null;
  topCategory: RootCauseCategory | null;
  confidence: Confidence;
  passTop1: boolean;
  passTop3: boolean;
  keywordsOk: boolean;
}

export interface EvaluationOutput {
  scenarios: ScenarioEvaluation[];
  /** top1 and top3 are fractions of `count` (0–1). */
  summary: { count: number; top1: number; top3: number };
  /** Only with `withBaseline`: the naive baseline on the same evidence, and figures beyond the shape. */
  comparison?: {
    categoryAccuracy: number;
    keywordsOk: number;
    baseline: {
      scenarios: Array<{ name: string; rankedServices: string[]; passTop1: boolean; passTop3: boolean }>;
      summary: { count: number; top1: number; top3: number };
    };
    redHerrings: {
      count: number;
      scenarios: string[];
      ranker: { top1: number; top3: number };
      baseline: { top1: number; top3: number };
    };
    failures: Array<{ name: string; expected: string; got: string | null; baselineTop: string | null }>;
  };
}

export interface EvaluationOptions {
  withBaseline?: boolean;
  budgetMs?: number;
}

export async function investigateScenario(
  scenario: Scenario,
  options: { budgetMs?: number } = {},
): Promise<InvestigationResult> {
  return investigateDeterministically({
    alerts: scenario.alerts,
    sources: scenarioTelemetry(scenario),
    now: scenario.now,
    budgetMs: options.budgetMs,
  });
}

function fraction(passed: number, count: number): number {
  return count === 0 ? 0 : Math.round((passed / count) * 10_000) / 10_000;
}

/** Does the root-cause text carry every expected keyword and none of the forbidden terms (case-insensitive)? */
export function keywordsMatch(text: string | null, keywords: string[], forbidden: string[]): boolean {
  if (text === null) return false;
  const lower = text.toLowerCase();
  return (
    keywords.every((word) => lower.includes(word.toLowerCase())) &&
    !forbidden.some((word) => lower.includes(word.toLowerCase()))
  );
}

/** `aurora eval`: every scenario under `directory`, investigated with the scenario adapter (deterministic only for now). */
export async function evaluateScenarios(directory: string, options: EvaluationOptions = {}): Promise<EvaluationOutput> {
  const directories = await findScenarioDirectories(directory);
  const scenarios: ScenarioEvaluation[] = [];
  const baselineRows: Array<{ name: string; rankedServices: string[]; passTop1: boolean; passTop3: boolean }> = [];
  const redHerringNames: string[] = [];
  const failures: NonNullable<EvaluationOutput['comparison']>['failures'] = [];
  let categoriesRight = 0;
  for (const scenarioDirectory of directories) {
    const scenario = await loadScenario(scenarioDirectory);
    const result = await investigateScenario(scenario, options);
    const rankedServices = result.hypotheses.map((hypothesis) => hypothesis.service);
    const top = result.hypotheses[0];
    const expected = scenario.expected;
    const rootCause = result.report.rootCause;
    const text = rootCause ? `${rootCause.service} ${rootCause.category} ${rootCause.statement}` : null;
    const row: ScenarioEvaluation = {
      name: scenario.name,
      rankedServices,
      topService: top?.service ?? null,
      topCategory: top?.category ?? null,
      confidence: result.report.confidence,
      passTop1: rankedServices[0] === expected.service,
      passTop3: rankedServices.slice(0, 3).includes(expected.service),
      keywordsOk: keywordsMatch(text, expected.keywords, expected.forbidden),
    };
    scenarios.push(row);
    if (top?.service === expected.service && top.category === expected.category) categoriesRight += 1;
    const baselineServices = result.baseline.map((entry) => entry.service);
    baselineRows.push({
      name: scenario.name,
      rankedServices: baselineServices.slice(0, 5),
      passTop1: baselineServices[0] === expected.service,
      passTop3: baselineServices.slice(0, 3).includes(expected.service),
    });
    if (scenario.redHerrings.length > 0) redHerringNames.push(scenario.name);
    if (!row.passTop1 || top?.category !== expected.category) {
      failures.push({
        name: scenario.name,
        expected: `${expected.service}/${expected.category}`,
        got: top ? `${top.service}/${top.category}` : null,
        baselineTop: baselineServices[0] ?? null,
      });
    }
  }
  const count = scenarios.length;
  const output: EvaluationOutput = {
    scenarios,
    summary: {
      count,
      top1: fraction(scenarios.filter((row) => row.passTop1).length, count),
      top3: fraction(scenarios.filter((row) => row.passTop3).length, count),
    },
  };
  if (options.withBaseline) {
    const inRedHerrings = <T extends { name: string }>(rows: T[]) =>
      rows.filter((row) => redHerringNames.includes(row.name));
    const rankerRed = inRedHerrings(scenarios);
    const baselineRed = inRedHerrings(baselineRows);
    output.comparison = {
      categoryAccuracy: fraction(categoriesRight, count),
      keywordsOk: fraction(scenarios.filter((row) => row.keywordsOk).length, count),
      baseline: {
        scenarios: baselineRows,
        summary: {
          count,
          top1: fraction(baselineRows.filter((row) => row.passTop1).length, count),
          top3: fraction(baselineRows.filter((row) => row.passTop3).length, count),
        },
      },
      redHerrings: {
        count: redHerringNames.length,
        scenarios: redHerringNames,
        ranker: {
          top1: fraction(rankerRed.filter((row) => row.passTop1).length, rankerRed.length),
          top3: fraction(rankerRed.filter((row) => row.passTop3).length, rankerRed.length),
        },
        baseline: {
          top1: fraction(baselineRed.filter((row) => row.passTop1).length, baselineRed.length),
          top3: fraction(baselineRed.filter((row) => row.passTop3).length, baselineRed.length),
        },
      },
      failures,
    };
  }
  return output;
}
