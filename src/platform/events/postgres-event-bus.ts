import pg from 'pg';
import { translateDatabaseError } from '../database/database-errors.js';
import type { Logger } from '../logger/logger.js';
import type { AuroraEvent, EventBus, EventHandler } from './event-bus.js';
import { LocalSubscribers, parseEventMessage, type StampedEvent, stampEvent } from './memory-event-bus.js';

export interface PostgresEventBusOptions {
  url: string;
  logger: Logger;
  /** The NOTIFY channel every Aurora process shares. */
  channel?: string;
  /** application_name of the listening connection (the publishing pool adds `-publisher`). */
  applicationName?: string;
  /** Longest JSON payload sent whole; PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
  maxPayloadBytes?: number;
  /** Backoff between attempts to re-establish the listening connection. */
  reconnectDelayMs?: { initial: number; max: number };
}

/** The data of an event that was too big for NOTIFY: subscribers re-read the object from the API. */
export interface TooLargeEventData {
  tooLarge: true;
}

/** True for the stub sent in place of an event too big for NOTIFY; only `id`, `type`, `orgId` and `at` are real. */
export function isTooLargeStub(event: AuroraEvent): event is AuroraEvent<TooLargeEventData> {
  return (
    typeof event.data === 'object' && event.data !== null && (event.data as { tooLarge?: unknown }).tooLarge === true
  );
}

/**
 * Fan-out across processes with PostgreSQL LISTEN/NOTIFY, for scaled mode without Redis.
 *
 * One dedicated connection LISTENs and feeds this process's subscribers; it is re-opened with backoff whenever it
 * drops, and events NOTIFYed while it is down are lost (the bus is best effort; the database is the truth).
 * Publishing goes through a separate two-connection pool rather than the listening connection, so a publish never
 * waits behind, or fails because of, a reconnect cycle, and a broken publish cannot take the subscription down.
 * A process's own events come back through its LISTEN like everyone else's, so each subscriber gets them exactly
 * once and in the same order as other processes see them.
 */
export class PostgresEventBus implements EventBus {
  readonly kind = 'postgres';
  private readonly subscribers: LocalSubscribers;
  private readonly pool: pg.Pool;
  private readonly channel: string;
  private readonly applicationName: string;
  private readonly maxPayloadBytes: number;
  private readonly reconnectDelayMs: { initial: number; max: number };
  private listener: pg.Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectAttempts = 0;
  private closed = false;
  private readonly outbox: Array<{ payload: string; resolve(): void; reject(error: unknown): void }> = [];
  private sending = false;

  /** Opens the bus; resolves once it is LISTENing, so no event published afterwards is missed. */
  static async connect(options: PostgresEventBusOptions): Promise<PostgresEventBus> {
    const bus = new PostgresEventBus(options);
    try {
      await bus.listen();
    } catch (error) {
      await bus.close();
      translateDatabaseError(error);
    }
    return bus;
  }

  private constructor(private readonly options: PostgresEventBusOptions) {
    this.channel = options.channel ?? 'aurora_events';
    this.applicationName = options.applicationName ?? 'aurora-events';
    this.maxPayloadBytes = options.maxPayloadBytes ?? 7_900;
    this.reconnectDelayMs = options.reconnectDelayMs ?? { initial: 250, max: 10_000 };
    this.subscribers = new LocalSubscribers(options.logger);
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: 2,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 5_000,
      application_name: `${this.applicationName}-publisher`,
      options: '-c statement_timeout=5000',
    });
    // An idle pooled connection that dies emits 'error' on the pool; unhandled, that would kill the process.
    this.pool.on('error', (error) => options.logger.warn({ err: error }, 'Event publisher connection lost'));
  }

  async publish(event: AuroraEvent): Promise<void> {
    if (this.closed) throw new Error('The event bus is closed');
    const stamped = stampEvent(event);
    let payload = JSON.stringify(stamped);
    const bytes = Buffer.byteLength(payload, 'utf8');
    if (bytes > this.maxPayloadBytes) {
      this.options.logger.warn(
        { eventId: stamped.id, eventType: stamped.type, orgId: stamped.orgId, bytes },
        'Event too large for NOTIFY; sending a stub, subscribers re-read it from the API',
      );
      const stub: StampedEvent = {
        id: stamped.id,
        type: stamped.type,
        orgId: stamped.orgId,
        at: stamped.at,
        data: { tooLarge: true },
      };
      payload = JSON.stringify(stub);
    }
    return new Promise((resolve, reject) => {
      this.outbox.push({ payload, resolve, reject });
      if (!this.sending) void this.send();
    });
  }

  /**
   * Events published while a NOTIFY is in flight go out together in the next statement, so an alert storm that
   * publishes dozens of events per transaction costs one round trip each time rather than one per event.
   */
  private async send(): Promise<void> {
    this.sending = true;
    try {
      while (this.outbox.length > 0) {
        const batch = this.outbox.splice(0, 500);
        try {
          await this.pool.query(
            'select pg_notify($1, payload) from unnest($2::text[]) with ordinality as x(payload, n) order by n',
            [this.channel, batch.map((entry) => entry.payload)],
          );
          for (const entry of batch) entry.resolve();
        } catch (error) {
          let failure: unknown = error;
          try {
            translateDatabaseError(error);
          } catch (translated) {
            failure = translated;
          }
          for (const entry of batch) entry.reject(failure);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  subscribe(orgId: string, handler: EventHandler): () => void {
    if (this.closed) throw new Error('The event bus is closed');
    return this.subscribers.add(orgId, handler);
  }

  /** Whether the LISTEN connection is up right now (for health reports). */
  get listening(): boolean {
    return this.listener !== undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.subscribers.clear();
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: this.applicationName,
      connectionTimeoutMillis: 5_000,
      // Keepalives notice a silently dead peer; a LISTEN-only connection sends nothing else that would.
      keepAlive: true,
    });
    client.on('error', (error) => this.onListenerLost(client, error));
    client.on('end', () => this.onListenerLost(client));
    client.on('notification', (message) => {
      if (message.channel === this.channel && message.payload !== undefined) this.receive(message.payload);
    });
    try {
      await client.connect();
      await client.query(`listen ${client.escapeIdentifier(this.channel)}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    this.reconnectAttempts = 0;
  }

  private receive(payload: string): void {
    const event = parseEventMessage(payload);
    if (!event) {
      this.options.logger.warn({ channel: this.channel }, 'Ignoring a malformed event notification');
      return;
    }
    this.subscribers.dispatch(event);
  }

  private onListenerLost(client: pg.Client, error?: Error): void {
    // 'error' and 'end' both fire for one loss; only the first, for the current connection, counts.
    if (client !== this.listener) return;
    this.listener = undefined;
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.options.logger.warn(
      { err: error },
      'Lost the PostgreSQL LISTEN connection; live events pause until it is back',
    );
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const { initial, max } = this.reconnectDelayMs;
    // Jitter keeps many processes from reconnecting in lockstep after a database restart.
    const delay = Math.min(initial * 2 ** this.reconnectAttempts, max) * (0.8 + Math.random() * 0.4);
    this.reconnectAttempts++;
    this.reconnectTimer = setTimeout(() => void this.reconnect(), delay);
    // close() cancels the timer; it should not keep a process alive on its own.
    this.reconnectTimer.unref();
  }

  private async reconnect(): Promise<void> {
    this.reconnectTimer = undefined;
    if (this.closed) return;
    try {
      await this.listen();
      if (this.listener) this.options.logger.info('PostgreSQL LISTEN connection restored; live events resume');
    } catch (error) {
      this.options.logger.debug({ err: error, attempt: this.reconnectAttempts }, 'PostgreSQL LISTEN reconnect failed');
      if (!this.closed) this.scheduleReconnect();
    }
  }
}
