import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamUnavailable } from '../../src/platform/errors.js';
import { createEventBus } from '../../src/platform/events/create-event-bus.js';
import type { AuroraEvent, EventBus } from '../../src/platform/events/event-bus.js';
import { isTooLargeStub, PostgresEventBus } from '../../src/platform/events/postgres-event-bus.js';
import { RedisEventBus } from '../../src/platform/events/redis-event-bus.js';
import { capturingLogger, silentLogger } from '../support/logger.js';

const redisUrl = process.env.REDIS_URL;
const databaseUrl = process.env.DATABASE_URL;
/** One id per run: channel, key prefix and connection names, so concurrent runs never hear each other. */
const runId = randomBytes(6).toString('hex');

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** Subscribes and records what arrives. */
function listen(bus: EventBus, orgId: string) {
  const events: AuroraEvent[] = [];
  const unsubscribe = bus.subscribe(orgId, (event) => events.push(event));
  return {
    events,
    unsubscribe,
    data: () => events.map((event) => event.data),
    /** Resolves once an event with this data has arrived. */
    waitFor: (data: unknown, timeoutMs?: number) =>
      waitUntil(() => events.some((event) => JSON.stringify(event.data) === JSON.stringify(data)), timeoutMs),
  };
}

const newOrg = () => `org-${randomUUID()}`;

/** The behaviour every EventBus must share. `open` builds one bus instance, i.e. one "process". */
function eventBusContract(open: () => Promise<EventBus>, options: { crossProcess: boolean }) {
  let bus: EventBus;
  beforeAll(async () => {
    bus = await open();
  });
  afterAll(async () => {
    await bus?.close();
  });

  it('delivers an event to its org subscriber with id and at filled in', async () => {
    const org = newOrg();
    const subscriber = listen(bus, org);
    await bus.publish({ type: 'incident.created', orgId: org, data: { incidentId: 'inc-1', tags: ['a', 'b'] } });
    await subscriber.waitFor({ incidentId: 'inc-1', tags: ['a', 'b'] });
    const [event] = subscriber.events;
    expect(event).toMatchObject({ type: 'incident.created', orgId: org });
    expect(event?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(event?.at ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('keeps an id and at the publisher set', async () => {
    const org = newOrg();
    const subscriber = listen(bus, org);
    await bus.publish({ type: 't', orgId: org, data: 'stamped', id: 'my-id', at: '2026-01-01T00:00:00.000Z' });
    await subscriber.waitFor('stamped');
    expect(subscriber.events[0]).toMatchObject({ id: 'my-id', at: '2026-01-01T00:00:00.000Z' });
  });

  it("never shows a subscriber of one org another org's events", async () => {
    const orgA = newOrg();
    const orgB = newOrg();
    const a = listen(bus, orgA);
    const b = listen(bus, orgB);
    await bus.publish({ type: 'secret.rotated', orgId: orgB, data: 'for b' });
    await bus.publish({ type: 'marker', orgId: orgA, data: 'for a' });
    // Events arrive in publish order, so once A has its marker, B's earlier event would have reached A too.
    await a.waitFor('for a');
    await b.waitFor('for b');
    expect(a.data()).toEqual(['for a']);
    expect(b.data()).toEqual(['for b']);
  });

  it('stops delivering to a handler after it unsubscribes', async () => {
    const org = newOrg();
    const leaving = listen(bus, org);
    const staying = listen(bus, org);
    await bus.publish({ type: 't', orgId: org, data: 1 });
    await leaving.waitFor(1);
    leaving.unsubscribe();
    leaving.unsubscribe();
    await bus.publish({ type: 't', orgId: org, data: 2 });
    await staying.waitFor(2);
    expect(leaving.data()).toEqual([1]);
    expect(staying.data()).toEqual([1, 2]);
  });

  it('keeps delivering to the other handlers when one throws', async () => {
    const org = newOrg();
    bus.subscribe(org, () => {
      throw new Error('broken subscriber');
    });
    const healthy = listen(bus, org);
    await bus.publish({ type: 't', orgId: org, data: 1 });
    await bus.publish({ type: 't', orgId: org, data: 2 });
    await healthy.waitFor(2);
    expect(healthy.data()).toEqual([1, 2]);
  });

  it('delivers each event exactly once and in order, including the ones this instance published', async () => {
    const org = newOrg();
    const first = listen(bus, org);
    const second = listen(bus, org);
    const sent = Array.from({ length: 20 }, (_, index) => index);
    for (const index of sent) await bus.publish({ type: 't', orgId: org, data: index });
    await bus.publish({ type: 't', orgId: org, data: 'end' });
    await first.waitFor('end');
    await second.waitFor('end');
    await sleep(100); // room for a duplicate to show up
    expect(first.data()).toEqual([...sent, 'end']);
    expect(second.data()).toEqual([...sent, 'end']);
    expect(new Set(first.events.map((event) => event.id)).size).toBe(21);
  });

  it('keeps the order of events published without waiting for each other (a storm coalesces them)', async () => {
    const org = newOrg();
    const received = listen(bus, org);
    const sent = Array.from({ length: 300 }, (_, index) => index);
    await Promise.all([...sent, 'end'].map((data) => bus.publish({ type: 't', orgId: org, data })));
    await received.waitFor('end');
    expect(received.data()).toEqual([...sent, 'end']);
  });

  it.runIf(options.crossProcess)("lets two instances (two processes) see each other's events", async () => {
    const other = await open();
    try {
      const org = newOrg();
      const here = listen(bus, org);
      const there = listen(other, org);
      await bus.publish({ type: 't', orgId: org, data: 'from here' });
      await other.publish({ type: 't', orgId: org, data: 'from there' });
      await here.waitFor('from there');
      await there.waitFor('from there');
      await sleep(100);
      expect(here.data()).toEqual(['from here', 'from there']);
      expect(there.data()).toEqual(['from here', 'from there']);
    } finally {
      await other.close();
    }
  });

  it('refuses to publish or subscribe once closed', async () => {
    const closing = await open();
    await closing.close();
    await closing.close();
    await expect(closing.publish({ type: 't', orgId: newOrg(), data: 1 })).rejects.toThrow(/closed/);
    expect(() => closing.subscribe(newOrg(), () => undefined)).toThrow(/closed/);
  });
}

describe('event bus contract: memory', () => {
  eventBusContract(() => createEventBus({ kind: 'memory' }), { crossProcess: false });

  it('keeps separate instances apart (one process each)', async () => {
    const first = await createEventBus({ kind: 'memory' });
    const second = await createEventBus({ kind: 'memory' });
    const org = newOrg();
    const subscriber = listen(second, org);
    await first.publish({ type: 't', orgId: org, data: 1 });
    expect(subscriber.events).toEqual([]);
  });
});

describe.skipIf(!databaseUrl)(
  databaseUrl ? 'event bus contract: postgres' : 'event bus contract: postgres (skipped: DATABASE_URL not set)',
  () => {
    eventBusContract(
      () =>
        PostgresEventBus.connect({
          url: databaseUrl ?? '',
          logger: silentLogger(),
          channel: `aurora_events_test_${runId}`,
          applicationName: `aurora-events-test-${runId}`,
        }),
      { crossProcess: true },
    );

    it('is what createEventBus builds for kind postgres', async () => {
      const bus = await createEventBus({ kind: 'postgres', url: databaseUrl ?? '', logger: silentLogger() });
      try {
        expect(bus.kind).toBe('postgres');
        const org = newOrg();
        const subscriber = listen(bus, org);
        await bus.publish({ type: 't', orgId: org, data: 'default channel' });
        await subscriber.waitFor('default channel');
      } finally {
        await bus.close();
      }
    });
  },
);

describe.skipIf(!databaseUrl)(
  databaseUrl ? 'postgres event bus' : 'postgres event bus (skipped: DATABASE_URL not set)',
  () => {
    const channel = `aurora_events_limits_${runId}`;
    const applicationName = `aurora-events-limits-${runId}`;
    const captured = capturingLogger();
    let bus: PostgresEventBus;
    let admin: pg.Client;
    beforeAll(async () => {
      bus = await PostgresEventBus.connect({
        url: databaseUrl ?? '',
        logger: captured.logger,
        channel,
        applicationName,
        reconnectDelayMs: { initial: 100, max: 1_000 },
      });
      admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
    });
    afterAll(async () => {
      await bus?.close();
      await admin?.end();
    });

    it('sends an event at the size limit whole, and a stub with the same id, type and org for a bigger one', async () => {
      const org = newOrg();
      const subscriber = listen(bus, org);
      const fixed = { type: 'knowledge.indexed', orgId: org, id: randomUUID(), at: new Date().toISOString() };
      const overhead = JSON.stringify({ ...fixed, data: '' }).length;
      const atLimit = 'x'.repeat(7_900 - overhead);
      expect(JSON.stringify({ ...fixed, data: atLimit }).length).toBe(7_900);
      await bus.publish({ ...fixed, data: atLimit });
      const bigId = randomUUID();
      await bus.publish({ ...fixed, id: bigId, data: 'é'.repeat(5_000) }); // 10 000 bytes in UTF-8
      await waitUntil(() => subscriber.events.length === 2);
      const [whole, stub] = subscriber.events;
      expect(whole?.data).toBe(atLimit);
      expect(whole && isTooLargeStub(whole)).toBe(false);
      expect(stub).toEqual({
        type: 'knowledge.indexed',
        orgId: org,
        id: bigId,
        at: fixed.at,
        data: { tooLarge: true },
      });
      expect(stub && isTooLargeStub(stub)).toBe(true);
      expect(captured.text()).toContain('Event too large for NOTIFY');
    });

    it('recovers after its listening connection is killed, without duplicating deliveries', async () => {
      const org = newOrg();
      const subscriber = listen(bus, org);
      const killed = await admin.query<{ terminated: boolean }>(
        'select pg_terminate_backend(pid) as terminated from pg_stat_activity where application_name = $1',
        [applicationName],
      );
      expect(killed.rows).toEqual([{ terminated: true }]);
      // Events sent while the listener is down are lost (best effort); keep probing until one arrives.
      const deadline = Date.now() + 15_000;
      for (let probe = 0; !subscriber.events.some((event) => event.type === 'probe'); probe++) {
        if (Date.now() > deadline) throw new Error('the bus did not recover within 15 s');
        await bus.publish({ type: 'probe', orgId: org, data: probe });
        await sleep(200);
      }
      expect(bus.listening).toBe(true);
      const listeners = await admin.query('select pid from pg_stat_activity where application_name = $1', [
        applicationName,
      ]);
      expect(listeners.rowCount).toBe(1);
      await bus.publish({ type: 'after', orgId: org, data: 'after recovery' });
      await subscriber.waitFor('after recovery');
      await sleep(100);
      expect(subscriber.events.filter((event) => event.type === 'after')).toHaveLength(1);
      expect(captured.text()).toContain('Lost the PostgreSQL LISTEN connection');
      expect(captured.text()).toContain('PostgreSQL LISTEN connection restored');
    });

    it('fails with UpstreamUnavailable when PostgreSQL is not there', async () => {
      const port = await closedPort();
      const started = Date.now();
      await expect(
        PostgresEventBus.connect({
          url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
          logger: silentLogger(),
        }),
      ).rejects.toBeInstanceOf(UpstreamUnavailable);
      expect(Date.now() - started).toBeLessThan(3_000);
    });
  },
);

describe.skipIf(!redisUrl)(
  redisUrl ? 'event bus contract: redis' : 'event bus contract: redis (skipped: REDIS_URL not set)',
  () => {
    eventBusContract(
      () =>
        createEventBus({
          kind: 'redis',
          url: redisUrl ?? '',
          keyPrefix: `aurora-test-${runId}:`,
          logger: silentLogger(),
        }),
      { crossProcess: true },
    );
  },
);

describe.skipIf(!redisUrl)(redisUrl ? 'redis event bus' : 'redis event bus (skipped: REDIS_URL not set)', () => {
  it('uses a channel named after the key prefix, so deployments with another prefix do not hear each other', async () => {
    const first = await RedisEventBus.connect({
      url: redisUrl ?? '',
      keyPrefix: `a-${runId}:`,
      logger: silentLogger(),
    });
    const second = await RedisEventBus.connect({
      url: redisUrl ?? '',
      keyPrefix: `b-${runId}:`,
      logger: silentLogger(),
    });
    const raw = new Redis(redisUrl ?? '');
    try {
      const org = newOrg();
      const heard = listen(second, org);
      const own = listen(first, org);
      expect(await raw.pubsub('NUMSUB', `a-${runId}:events`)).toEqual([`a-${runId}:events`, 1]);
      await first.publish({ type: 't', orgId: org, data: 'only a' });
      await second.publish({ type: 't', orgId: newOrg(), data: 'marker' });
      await own.waitFor('only a');
      await sleep(100);
      expect(heard.events).toEqual([]);
    } finally {
      await first.close();
      await second.close();
      await raw.quit();
    }
  });

  it('resubscribes after its subscriber connection is killed', async () => {
    const connectionName = `aurora-events-test-${runId}`;
    const captured = capturingLogger();
    const bus = await RedisEventBus.connect({
      url: redisUrl ?? '',
      keyPrefix: `kill-${runId}:`,
      logger: captured.logger,
      connectionName,
    });
    const raw = new Redis(redisUrl ?? '');
    try {
      const org = newOrg();
      const subscriber = listen(bus, org);
      const clients = String(await raw.client('LIST'));
      const line = clients.split('\n').find((entry) => entry.includes(` name=${connectionName}-subscriber `));
      const id = line?.match(/\bid=(\d+)/)?.[1];
      expect(id).toBeDefined();
      expect(await raw.client('KILL', 'ID', id ?? '')).toBe(1);
      const deadline = Date.now() + 15_000;
      for (let probe = 0; !subscriber.events.some((event) => event.type === 'probe'); probe++) {
        if (Date.now() > deadline) throw new Error('the bus did not resubscribe within 15 s');
        await bus.publish({ type: 'probe', orgId: org, data: probe });
        await sleep(200);
      }
      await bus.publish({ type: 'after', orgId: org, data: 'after' });
      await subscriber.waitFor('after');
      await sleep(100);
      expect(subscriber.events.filter((event) => event.type === 'after')).toHaveLength(1);
      expect(captured.text()).toContain('Redis connection lost');
    } finally {
      await bus.close();
      await raw.quit();
    }
  });

  it('fails fast with UpstreamUnavailable when Redis is not there', async () => {
    const port = await closedPort();
    const started = Date.now();
    await expect(
      createEventBus({ kind: 'redis', url: `redis://127.0.0.1:${port}`, keyPrefix: 'x:', logger: silentLogger() }),
    ).rejects.toBeInstanceOf(UpstreamUnavailable);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

/** A TCP port on which nothing listens: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
