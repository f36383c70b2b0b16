import type { Redis } from 'ioredis';
import { closeRedisClient, createRedisClient, translateRedisError, watchConnection } from '../cache/redis-cache.js';
import type { Logger } from '../logger/logger.js';
import type { AuroraEvent, EventBus, EventHandler } from './event-bus.js';
import { LocalSubscribers, parseEventMessage, stampEvent } from './memory-event-bus.js';

export interface RedisEventBusOptions {
  url: string;
  /** The channel is `${keyPrefix}events`, so deployments sharing one Redis do not hear each other. */
  keyPrefix: string;
  logger: Logger;
  /** CLIENT SETNAME of the two connections (the subscriber adds `-subscriber`). */
  connectionName?: string;
}

/**
 * Fan-out across processes with Redis pub/sub. A connection in subscriber mode can run nothing but (un)subscribe
 * commands, hence two: one subscriber (a `duplicate()` of the publisher, which ioredis resubscribes after every
 * reconnect) and one publisher. Events published while the subscriber is reconnecting are lost (best effort).
 * A process's own events come back through its subscription, so each subscriber gets them exactly once.
 */
export class RedisEventBus implements EventBus {
  readonly kind = 'redis';
  private readonly subscribers: LocalSubscribers;
  private readonly channel: string;
  private closed = false;

  /** Opens the bus; resolves once it is subscribed, so no event published afterwards is missed. */
  static async connect(options: RedisEventBusOptions): Promise<RedisEventBus> {
    const connectionName = options.connectionName ?? 'aurora-events';
    const publisher = createRedisClient({ url: options.url, logger: options.logger, connectionName });
    const subscriber = publisher.duplicate({
      connectionName: `${connectionName}-subscriber`,
      // The copy would inherit the publisher's current setting; the subscriber needs its own first connection.
      enableOfflineQueue: true,
    });
    watchConnection(subscriber, options.logger);
    const bus = new RedisEventBus(publisher, subscriber, options);
    try {
      await subscriber.subscribe(bus.channel);
    } catch (error) {
      await bus.close();
      translateRedisError(error);
    }
    return bus;
  }

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    options: RedisEventBusOptions,
  ) {
    this.channel = `${options.keyPrefix}events`;
    this.subscribers = new LocalSubscribers(options.logger);
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const event = parseEventMessage(message);
      if (!event) {
        options.logger.warn({ channel }, 'Ignoring a malformed event message');
        return;
      }
      this.subscribers.dispatch(event);
    });
  }

  async publish(event: AuroraEvent): Promise<void> {
    if (this.closed) throw new Error('The event bus is closed');
    await this.publisher.publish(this.channel, JSON.stringify(stampEvent(event))).catch(translateRedisError);
  }

  subscribe(orgId: string, handler: EventHandler): () => void {
    if (this.closed) throw new Error('The event bus is closed');
    return this.subscribers.add(orgId, handler);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscribers.clear();
    await Promise.all([closeRedisClient(this.subscriber), closeRedisClient(this.publisher)]);
  }
}
