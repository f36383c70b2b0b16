import { describe, expect, it } from 'vitest';
import { alertFixtureNames, loadAlertFixture } from '../../../../test/fixtures/alerts/load-fixture.js';
import { ValidationFailed } from '../../../platform/errors.js';
import {
  type AlertSource,
  alertSources,
  alertStatuses,
  type NormalizedAlert,
  type ParsedDelivery,
  type SourceParser,
  severities,
} from '../alert.model.js';
import { parsers } from './index.js';
import { createRandom, fuzzPayloads, mutatePayload, mutationNames } from './payload-fuzzer.js';

const mutationsPerFixture = 1_000;
const receivedAt = new Date('2024-05-14T12:30:00.000Z');
const customMapping = { title: '/event/name', status: '/event/state', fingerprint: '/event/dedup~0key' };

/** Everything the storage layer relies on; returns what is wrong, or null. */
function problemWithAlert(alert: NormalizedAlert, source: AlertSource): string | null {
  const isValidDate = (value: unknown) => value instanceof Date && Number.isFinite(value.getTime());
  const isShortText = (value: unknown, max: number) =>
    typeof value === 'string' && value.length > 0 && value.length <= max && !value.includes('\u0000');
  const isOptionalText = (value: unknown, max: number) => value === null || isShortText(value, max);
  if (alert.source !== source) return `source ${alert.source}`;
  if (!isShortText(alert.fingerprint, 300) || !alert.fingerprint.startsWith(`${source}:`)) return 'fingerprint';
  if (!alertStatuses.includes(alert.status)) return `status ${String(alert.status)}`;
  if (!severities.includes(alert.severity)) return `severity ${String(alert.severity)}`;
  if (!isShortText(alert.title, 500)) return `title of length ${String(alert.title?.length)}`;
  if (!isOptionalText(alert.description, 10_000)) return 'description';
  if (!isOptionalText(alert.externalId, 1_024)) return 'externalId';
  if (!isOptionalText(alert.service, 256)) return 'service';
  if (!isOptionalText(alert.environment, 256)) return 'environment';
  if (!isOptionalText(alert.groupKey, 1_024)) return 'groupKey';
  if (!isValidDate(alert.startsAt)) return 'startsAt';
  if (alert.endsAt !== null && !isValidDate(alert.endsAt)) return 'endsAt';
  if (alert.status === 'firing' && alert.endsAt !== null) return 'endsAt on a firing alert';
  for (const [name, record, max] of [
    ['labels', alert.labels, 1_000],
    ['annotations', alert.annotations, 10_000],
  ] as const) {
    if (typeof record !== 'object' || record === null || Object.getPrototypeOf(record) !== Object.prototype)
      return name;
    const entries = Object.entries(record);
    if (entries.length > 300) return `${name} count ${entries.length}`;
    for (const [key, value] of entries) {
      if (!isShortText(key, 256) || typeof value !== 'string' || value.length > max || value.includes('\u0000')) {
        return `${name}.${key.slice(0, 40)}`;
      }
    }
  }
  for (const [name, link] of Object.entries(alert.links)) {
    if (typeof link !== 'string' || !/^https?:\/\//i.test(link) || link.length > 4_096) return `links.${name}`;
  }
  return null;
}

function problemWithDelivery(result: ParsedDelivery, source: AlertSource): string | null {
  if (!Array.isArray(result.alerts)) return 'alerts is not an array';
  if (result.deliveryId !== null && !(typeof result.deliveryId === 'string' && result.deliveryId.length <= 512)) {
    return 'deliveryId';
  }
  if (result.subscriptionConfirmation && !result.subscriptionConfirmation.subscribeUrl.startsWith('https://sns.')) {
    return 'subscribeUrl';
  }
  for (const alert of result.alerts) {
    const problem = problemWithAlert(alert, source);
    if (problem !== null) return problem;
  }
  return null;
}

interface Outcome {
  parsed: number;
  rejected: number;
  failures: string[];
}

function run(parser: SourceParser, source: AlertSource, inputs: Iterable<unknown>, fixture: string): Outcome {
  const outcome: Outcome = { parsed: 0, rejected: 0, failures: [] };
  let index = 0;
  for (const input of inputs) {
    try {
      const result = parser(input, {
        receivedAt,
        mapping: fixture === 'generic-custom-mapping.json' ? customMapping : undefined,
      });
      const problem = problemWithDelivery(result, source);
      if (problem === null) outcome.parsed += 1;
      else outcome.failures.push(`${fixture} #${index}: ${problem}`);
    } catch (error) {
      if (error instanceof ValidationFailed) outcome.rejected += 1;
      else outcome.failures.push(`${fixture} #${index}: ${error instanceof Error ? error.stack : String(error)}`);
    }
    index += 1;
  }
  return outcome;
}

function sourceOf(fixture: string): AlertSource {
  return fixture.slice(0, fixture.indexOf('-')) as AlertSource;
}

/** SNS wraps the alarm in a JSON string, so the alarm itself is mutated too and re-embedded. */
function* mutatedSnsMessages(envelope: Record<string, unknown>, seed: number, count: number): Generator<unknown> {
  const message = JSON.parse(envelope.Message as string) as unknown;
  for (const mutated of fuzzPayloads(message, { seed, count })) {
    let text: string;
    try {
      text = JSON.stringify(mutated) ?? 'null';
    } catch {
      text = '"unserialisable"';
    }
    yield { ...envelope, Message: text };
  }
}

describe('payload fuzzer', () => {
  it('is deterministic for a seed and varies across seeds', () => {
    const base = loadAlertFixture('alertmanager-multi.json');
    const first = [...fuzzPayloads(base, { seed: 7, count: 20, hugeStringLength: 1_000, maxDepth: 150 })];
    const again = [...fuzzPayloads(base, { seed: 7, count: 20, hugeStringLength: 1_000, maxDepth: 150 })];
    const other = [...fuzzPayloads(base, { seed: 8, count: 20, hugeStringLength: 1_000, maxDepth: 150 })];
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(first));
  });

  it('never modifies its input', () => {
    const base = loadAlertFixture('opsgenie-create.json');
    const snapshot = JSON.stringify(base);
    const random = createRandom(1);
    for (let index = 0; index < 200; index += 1) mutatePayload(base, random);
    expect(JSON.stringify(base)).toBe(snapshot);
  });

  it.each(mutationNames)('applies %s', (name) => {
    const base = loadAlertFixture('pagerduty-incident-triggered.json');
    const outputs = [
      ...fuzzPayloads(base, { seed: 3, count: 30, only: [name], hugeStringLength: 5_000, maxDepth: 300 }),
    ];
    expect(outputs.some((output) => JSON.stringify(output) !== JSON.stringify(base))).toBe(true);
  });

  it('builds deep nesting and huge strings when asked', () => {
    const nested = mutatePayload({ a: 1 }, createRandom(5), {
      only: ['deepNesting'],
      maxDepth: 3_000,
      maxMutations: 1,
    });
    let depth = 0;
    let cursor: unknown = nested;
    while (typeof cursor === 'object' && cursor !== null) {
      cursor = Array.isArray(cursor) ? cursor[0] : Object.values(cursor)[0];
      depth += 1;
    }
    expect(depth).toBeGreaterThanOrEqual(100);
    const huge = mutatePayload('x', createRandom(5), {
      only: ['hugeString'],
      hugeStringLength: 300_000,
      maxMutations: 1,
    });
    expect(typeof huge === 'string' && huge.length >= 300_000).toBe(true);
  });
});

describe('parsers under fuzzing', () => {
  const fixtures = alertFixtureNames();

  // Each mutated body also goes through every other parser, so a payload sent to the wrong integration is safe too.
  it.each(fixtures)(
    `answers ${mutationsPerFixture} mutations of %s, through every parser, with sane alerts or ValidationFailed`,
    (fixture) => {
      const ownSource = sourceOf(fixture);
      const base = loadAlertFixture(fixture);
      const seed = [...fixture].reduce((hash, character) => (hash * 31 + character.charCodeAt(0)) >>> 0, 17);
      const inputs = [...fuzzPayloads(base, { seed, count: mutationsPerFixture })];
      for (const source of alertSources) {
        const outcome = run(parsers[source], source, inputs, fixture);
        expect(outcome.failures).toEqual([]);
        expect(outcome.parsed + outcome.rejected).toBe(mutationsPerFixture);
        // Mutations that leave the payload usable must still parse, not all be rejected.
        if (source === ownSource) expect(outcome.parsed).toBeGreaterThan(0);
      }

      if (ownSource === 'cloudwatch' && (base as { Type?: string }).Type === 'Notification') {
        const inner = run(
          parsers.cloudwatch,
          ownSource,
          mutatedSnsMessages(base as Record<string, unknown>, seed + 1, mutationsPerFixture),
          `${fixture} (Message)`,
        );
        expect(inner.failures).toEqual([]);
        expect(inner.parsed).toBeGreaterThan(0);
      }
    },
  );
});
