import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { logsInsightsQuery } from './aws.tools.js';
import { levelFromMessage } from './connected-telemetry.js';
import { fitPage, offsetPage, windowOf } from './tool-fields.js';

const logs = mockClient(CloudWatchLogsClient);
afterAll(() => logs.restore());

describe('fitPage', () => {
  const page = (count: number) => ({
    connection: { id: 'c', name: 'n' },
    items: Array.from({ length: count }, (_, index) => ({ index, text: 'x'.repeat(100) })),
    nextPageToken: 'next',
  });

  it('keeps a page that fits as it is', () => {
    expect(fitPage(page(3), 2_000)).toEqual(page(3));
  });

  it('drops whole items from the end until the indented JSON fits, counting them', () => {
    const fitted = fitPage(page(100), 2_000);
    expect(JSON.stringify(fitted, null, 2).length).toBeLessThanOrEqual(2_000);
    expect(fitted.items.length).toBeGreaterThan(5);
    expect(fitted.items.length + (fitted.omitted ?? 0)).toBe(100);
    // The largest prefix: one more item would not fit.
    const oneMore = {
      ...fitted,
      items: page(100).items.slice(0, fitted.items.length + 1),
      omitted: (fitted.omitted ?? 0) - 1,
    };
    expect(JSON.stringify(oneMore, null, 2).length).toBeGreaterThan(2_000);
    expect(fitted.nextPageToken).toBe('next');
  });

  it('says so when not even one item fits', () => {
    const fitted = fitPage(page(2), 150);
    expect(fitted.items).toEqual([]);
    expect(fitted.omitted).toBe(2);
    expect(fitted.note).toMatch(/exceeds the output cap/);
  });
});

describe('tool fields', () => {
  it('pages a list by offset tokens and refuses tokens it did not issue', () => {
    const all = [1, 2, 3, 4, 5];
    expect(offsetPage(all, { limit: 2 })).toEqual({ items: [1, 2], nextPageToken: '2' });
    expect(offsetPage(all, { limit: 2, pageToken: '4' })).toEqual({ items: [5] });
    expect(() => offsetPage(all, { limit: 2, pageToken: 'abc' })).toThrow(/not one this tool issued/);
  });

  it('builds a window from lastMinutes or from/to, refusing an empty one', () => {
    const window = windowOf({ lastMinutes: 30, to: '2026-11-27T10:00:00Z' });
    expect(window.from.toISOString()).toBe('2026-11-27T09:30:00.000Z');
    expect(() => windowOf({ lastMinutes: 5, from: '2026-11-27T10:00:00Z', to: '2026-11-27T09:00:00Z' })).toThrow();
  });

  it('guesses a level from an unstructured log line', () => {
    expect(levelFromMessage('ERROR payment timeout')).toBe('error');
    expect(levelFromMessage('panic: runtime error')).toBe('fatal');
    expect(levelFromMessage('[WARN] slow query')).toBe('warn');
    expect(levelFromMessage('GET /health 200')).toBe('info');
  });
});

describe('logsInsightsQuery (aws-sdk-client-mock)', () => {
  const config = {
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIA', secretAccessKey: 'secret' },
    maxAttempts: 1,
  };
  const window = { from: new Date('2026-11-27T09:00:00Z'), to: new Date('2026-11-27T10:00:00Z') };

  it('stops a query still running at the deadline and returns what arrived, with its status', async () => {
    logs.reset();
    logs.on(StartQueryCommand).resolves({ queryId: 'slow' });
    logs
      .on(GetQueryResultsCommand)
      .resolves({ status: 'Running', results: [[{ field: '@message', value: 'partial' }]] });
    logs.on(StopQueryCommand).resolves({ success: true });
    const result = await logsInsightsQuery(config, {
      logGroupNames: ['/app'],
      queryString: 'fields @message',
      window,
      limit: 10,
      pollIntervalMs: 20,
      deadlineMs: 100,
    });
    expect(result.status).toMatch(/^Running \(stopped after/);
    expect(result.rows).toEqual([{ '@message': 'partial' }]);
    expect(logs.commandCalls(StopQueryCommand)[0]?.args[0].input).toEqual({ queryId: 'slow' });
    expect(logs.commandCalls(StartQueryCommand)[0]?.args[0].input).toMatchObject({
      startTime: 1_795_770_000,
      endTime: 1_795_773_600,
    });
  });

  it('maps an SDK error to a domain error naming the code', async () => {
    logs.reset();
    logs
      .on(StartQueryCommand)
      .rejects(
        Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }),
      );
    await expect(
      logsInsightsQuery(config, {
        logGroupNames: ['/app'],
        queryString: 'x',
        window,
        limit: 1,
        pollIntervalMs: 1,
        deadlineMs: 10,
      }),
    ).rejects.toThrow('AWS refused StartQuery: AccessDeniedException');
  });
});
