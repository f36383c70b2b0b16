import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger/logger.js';
import type { AuroraEvent, EventBus, EventHandler } from './event-bus.js';

/** A published event always carries an id and a timestamp. */
export type StampedEvent = AuroraEvent & { id: string; at: string };

/** Fills `id` and `at` when the publisher left them out; returns a copy so the caller's object is untouched. */
export function stampEvent(event: AuroraEvent): StampedEvent {
  if (typeof event.type !== 'string' || event.type === '') throw new TypeError('An event needs a type');
  if (typeof event.orgId !== 'string' || event.orgId === '') throw new TypeError('An event needs an orgId');
  return { ...event, id: event.id ?? randomUUID(), at: event.at ?? new Date().toISOString() };
}

/** Reads an event that arrived from another process; anything malformed is dropped (returns undefined). */
export function parseEventMessage(text: string): StampedEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = value as Partial<Record<keyof StampedEvent, unknown>>;
  if (
    typeof candidate.type !== 'string' ||
    typeof candidate.orgId !== 'string' ||
    typeof candidate.id !== 'string' ||
    typeof candidate.at !== 'string'
  ) {
    return undefined;
  }
  return { type: candidate.type, orgId: candidate.orgId, id: candidate.id, at: candidate.at, data: candidate.data };
}

/**
 * This process's subscribers, grouped by org so a handler can only ever be given its own org's events.
 * Every bus keeps one; the cross-process buses feed it from their network subscription.
 */
export class LocalSubscribers {
  private readonly byOrg = new Map<string, Set<EventHandler>>();

  constructor(private readonly logger?: Logger) {}

  add(orgId: string, handler: EventHandler): () => void {
    if (typeof orgId !== 'string' || orgId === '') throw new TypeError('subscribe needs an orgId');
    // Wrapping gives each subscription its own identity, so one handler subscribed twice is removed once at a time.
    const subscription: EventHandler = (event) => handler(event);
    let handlers = this.byOrg.get(orgId);
    if (!handlers) {
      handlers = new Set();
      this.byOrg.set(orgId, handlers);
    }
    handlers.add(subscription);
    return () => {
      const current = this.byOrg.get(orgId);
      if (!current) return;
      current.delete(subscription);
      if (current.size === 0) this.byOrg.delete(orgId);
    };
  }

  dispatch(event: StampedEvent): void {
    const handlers = this.byOrg.get(event.orgId);
    if (!handlers) return;
    // A copy of the set: a handler may unsubscribe (itself or others) while we iterate.
    for (const handler of [...handlers]) {
      try {
        handler(event);
      } catch (error) {
        // One broken subscriber (say, a closed WebSocket) must not stop the others from getting the event.
        this.logger?.error(
          { err: error, eventId: event.id, eventType: event.type, orgId: event.orgId },
          'Event handler failed',
        );
      }
    }
  }

  clear(): void {
    this.byOrg.clear();
  }

  get size(): number {
    let total = 0;
    for (const handlers of this.byOrg.values()) total += handlers.size;
    return total;
  }
}

export interface MemoryEventBusOptions {
  /** Where handler failures are reported; they are swallowed silently without one. */
  logger?: Logger;
}

/** The embedded-mode bus: delivery happens synchronously inside publish(), to this process only. */
export class MemoryEventBus implements EventBus {
  readonly kind = 'memory';
  private readonly subscribers: LocalSubscribers;
  private closed = false;

  constructor(options: MemoryEventBusOptions = {}) {
    this.subscribers = new LocalSubscribers(options.logger);
  }

  async publish(event: AuroraEvent): Promise<void> {
    if (this.closed) throw new Error('The event bus is closed');
    this.subscribers.dispatch(stampEvent(event));
  }

  subscribe(orgId: string, handler: EventHandler): () => void {
    if (this.closed) throw new Error('The event bus is closed');
    return this.subscribers.add(orgId, handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscribers.clear();
  }
}
