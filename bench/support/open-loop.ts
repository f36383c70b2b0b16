import { Pool } from 'undici';

/** One request of an open-loop run: its body, and what to do with the answer. */
export interface OpenLoopRequest {
  body: string;
  onResponse(status: number, body: string): void;
}

export interface OpenLoopOptions {
  origin: string;
  path: string;
  headers: Record<string, string>;
  /** Requests per second, sent at even intervals whatever the server's pace. */
  ratePerSecond: number;
  durationSeconds: number;
  /** Keep-alive connections; a request waits for a free one, and that wait counts in its latency. */
  connections: number;
  timeoutSeconds: number;
  next(): OpenLoopRequest;
  /** Called per answer with its latency and when it arrived (ms since the run started). */
  onAnswer?(latencyMs: number, atMs: number): void;
}

export interface OpenLoopResult {
  scheduled: number;
  statusCounts: Map<number, number>;
  errors: number;
  timeouts: number;
  /** Latency of every answered request, measured from the moment it was due to be sent, in ms. */
  latencies: number[];
  /** Seconds from the first send to the last answer (at least the scheduled duration). */
  durationSeconds: number;
  /** Requests that left more than 5 ms after they were due (the generator or the connections fell behind). */
  lateSends: number;
}

/**
 * An open-loop load: requests leave at a fixed rate, evenly spaced, however slowly the server answers, and each
 * latency counts from when the request was due, so a stalled server cannot hide its queue (coordinated omission).
 * autocannon's own rate limit sends each second's quota in a burst, which measures something else.
 */
export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const pool = new Pool(options.origin, { connections: options.connections, pipelining: 1 });
  const result: OpenLoopResult = {
    scheduled: Math.round(options.ratePerSecond * options.durationSeconds),
    statusCounts: new Map(),
    errors: 0,
    timeouts: 0,
    latencies: [],
    durationSeconds: options.durationSeconds,
    lateSends: 0,
  };
  const interval = 1000 / options.ratePerSecond;
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  let lastAnswer = started;

  const send = (due: number) => {
    if (performance.now() - due > 5) result.lateSends++;
    const request = options.next();
    const done = pool
      .request({
        path: options.path,
        method: 'POST',
        headers: options.headers,
        body: request.body,
        headersTimeout: options.timeoutSeconds * 1000,
        bodyTimeout: options.timeoutSeconds * 1000,
      })
      .then(async (response) => {
        const text = await response.body.text();
        const now = performance.now();
        lastAnswer = Math.max(lastAnswer, now);
        result.statusCounts.set(response.statusCode, (result.statusCounts.get(response.statusCode) ?? 0) + 1);
        result.latencies.push(now - due);
        options.onAnswer?.(now - due, now - started);
        request.onResponse(response.statusCode, text);
      })
      .catch((error: unknown) => {
        result.errors++;
        if ((error as { code?: string }).code?.includes('TIMEOUT')) result.timeouts++;
      })
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };

  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(result.scheduled, Math.floor((performance.now() - started) / interval) + 1);
      while (sent < due) send(started + sent++ * interval);
      if (sent >= result.scheduled) resolve();
      else setTimeout(tick, Math.max(0, started + sent * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(inFlight);
  await pool.close();
  result.durationSeconds = Math.max(options.durationSeconds, (lastAnswer - started) / 1000);
  return result;
}
