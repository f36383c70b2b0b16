/** A live update for browsers and WebSocket clients. Every event belongs to one org. */
export interface AuroraEvent<Data = unknown> {
  /** Dotted noun and verb, e.g. `incident.created`. */
  type: string;
  orgId: string;
  data: Data;
  /** Set by the bus on publish when absent. */
  id?: string;
  at?: string;
}

/**
 * The org id of process-to-process housekeeping events (cache invalidation, queue wake-ups). No real org
 * has it, so no user's stream ever carries them.
 */
export const systemOrgId = '00000000-0000-0000-0000-000000000000';

export type EventHandler = (event: AuroraEvent) => void;

/**
 * Fan-out of live updates: in-process in embedded mode, PostgreSQL LISTEN/NOTIFY or Redis pub/sub
 * across processes. Delivery is best effort and at most once: the database stays the source of truth.
 */
export interface EventBus {
  readonly kind: 'memory' | 'postgres' | 'redis';
  publish(event: AuroraEvent): Promise<void>;
  /** Handlers only ever see their own org's events. Returns an unsubscribe function. */
  subscribe(orgId: string, handler: EventHandler): () => void;
  close(): Promise<void>;
}
