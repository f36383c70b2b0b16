import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, SecretRedactor } from '../logger/logger.js';
import type { AuroraEvent } from './event-bus.js';
import { MemoryEventBus, parseEventMessage } from './memory-event-bus.js';

function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ level: 'trace', format: 'json', redactor: new SecretRedactor(), destination });
  return { logger, text: () => lines.join('') };
}

describe('MemoryEventBus', () => {
  it('delivers to the org subscriber during publish, filling id and at without touching the caller object', async () => {
    const bus = new MemoryEventBus();
    const received: AuroraEvent[] = [];
    bus.subscribe('org-a', (event) => received.push(event));
    const published: AuroraEvent = { type: 'incident.created', orgId: 'org-a', data: { id: 'inc-1' } };
    await bus.publish(published);
    expect(received).toHaveLength(1);
    const [event] = received;
    expect(event).toMatchObject({ type: 'incident.created', orgId: 'org-a', data: { id: 'inc-1' } });
    expect(event?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(event?.at ?? '').toISOString()).toBe(event?.at);
    expect(published.id).toBeUndefined();
    expect(published.at).toBeUndefined();
  });

  it('keeps an id and at the publisher already set', async () => {
    const bus = new MemoryEventBus();
    const received: AuroraEvent[] = [];
    bus.subscribe('org-a', (event) => received.push(event));
    await bus.publish({ type: 't', orgId: 'org-a', data: null, id: 'fixed', at: '2026-01-01T00:00:00.000Z' });
    expect(received[0]).toMatchObject({ id: 'fixed', at: '2026-01-01T00:00:00.000Z' });
  });

  it('never shows one org the events of another', async () => {
    const bus = new MemoryEventBus();
    const orgA: AuroraEvent[] = [];
    const orgB: AuroraEvent[] = [];
    bus.subscribe('org-a', (event) => orgA.push(event));
    bus.subscribe('org-b', (event) => orgB.push(event));
    await bus.publish({ type: 'secret.changed', orgId: 'org-b', data: 'b only' });
    expect(orgA).toEqual([]);
    expect(orgB.map((event) => event.data)).toEqual(['b only']);
  });

  it('stops delivering after unsubscribe, once per subscription, even for a handler subscribed twice', async () => {
    const bus = new MemoryEventBus();
    const calls: string[] = [];
    const handler = (event: AuroraEvent) => calls.push(String(event.data));
    const first = bus.subscribe('org-a', handler);
    bus.subscribe('org-a', handler);
    await bus.publish({ type: 't', orgId: 'org-a', data: 'both' });
    first();
    first();
    await bus.publish({ type: 't', orgId: 'org-a', data: 'one left' });
    expect(calls).toEqual(['both', 'both', 'one left']);
  });

  it('lets a handler unsubscribe itself while the event is being delivered', async () => {
    const bus = new MemoryEventBus();
    const calls: string[] = [];
    const unsubscribe = bus.subscribe('org-a', () => {
      calls.push('self');
      unsubscribe();
    });
    bus.subscribe('org-a', () => calls.push('other'));
    await bus.publish({ type: 't', orgId: 'org-a', data: 1 });
    await bus.publish({ type: 't', orgId: 'org-a', data: 2 });
    expect(calls).toEqual(['self', 'other', 'other']);
  });

  it('logs a throwing handler and still delivers to the others', async () => {
    const { logger, text } = capturingLogger();
    const bus = new MemoryEventBus({ logger });
    const received: unknown[] = [];
    bus.subscribe('org-a', () => {
      throw new Error('socket closed');
    });
    bus.subscribe('org-a', (event) => received.push(event.data));
    await expect(bus.publish({ type: 't', orgId: 'org-a', data: 1 })).resolves.toBeUndefined();
    await bus.publish({ type: 't', orgId: 'org-a', data: 2 });
    expect(received).toEqual([1, 2]);
    expect(text()).toContain('Event handler failed');
    expect(text()).toContain('socket closed');
  });

  it('refuses events without a type or org, and subscriptions without an org', async () => {
    const bus = new MemoryEventBus();
    await expect(bus.publish({ type: '', orgId: 'org-a', data: 1 })).rejects.toThrow(TypeError);
    await expect(bus.publish({ type: 't', orgId: '', data: 1 })).rejects.toThrow(TypeError);
    expect(() => bus.subscribe('', () => undefined)).toThrow(TypeError);
  });

  it('is separate per instance and refuses use after close', async () => {
    const first = new MemoryEventBus();
    const second = new MemoryEventBus();
    const received: unknown[] = [];
    second.subscribe('org-a', (event) => received.push(event.data));
    await first.publish({ type: 't', orgId: 'org-a', data: 1 });
    expect(received).toEqual([]);
    await second.close();
    await expect(second.publish({ type: 't', orgId: 'org-a', data: 2 })).rejects.toThrow(/closed/);
    expect(() => second.subscribe('org-a', () => undefined)).toThrow(/closed/);
  });
});

describe('parseEventMessage', () => {
  it('reads a stamped event and drops anything malformed', () => {
    const event = { type: 't', orgId: 'o', id: 'i', at: '2026-01-01T00:00:00.000Z', data: { n: 1 } };
    expect(parseEventMessage(JSON.stringify({ ...event, extra: true }))).toEqual(event);
    expect(parseEventMessage('not json')).toBeUndefined();
    expect(parseEventMessage('null')).toBeUndefined();
    expect(parseEventMessage(JSON.stringify({ ...event, orgId: 7 }))).toBeUndefined();
    expect(parseEventMessage(JSON.stringify({ type: 't', orgId: 'o' }))).toBeUndefined();
  });
});
