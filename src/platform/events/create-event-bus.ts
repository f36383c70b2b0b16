import type { Logger } from '../logger/logger.js';
import type { EventBus } from './event-bus.js';
import { MemoryEventBus } from './memory-event-bus.js';

export type CreateEventBusOptions =
  | { kind: 'memory'; logger?: Logger }
  | { kind: 'postgres'; url: string; logger: Logger }
  | { kind: 'redis'; url: string; keyPrefix: string; logger: Logger };

/**
 * Builds the bus for the deployment: in-process when embedded, Redis pub/sub when Redis is configured, PostgreSQL
 * LISTEN/NOTIFY otherwise. Async because the cross-process buses are handed out only once they are listening.
 */
export async function createEventBus(options: CreateEventBusOptions): Promise<EventBus> {
  switch (options.kind) {
    case 'memory':
      return new MemoryEventBus({ logger: options.logger });
    case 'postgres': {
      const { PostgresEventBus } = await import('./postgres-event-bus.js');
      return PostgresEventBus.connect({ url: options.url, logger: options.logger });
    }
    case 'redis': {
      const { RedisEventBus } = await import('./redis-event-bus.js');
      return RedisEventBus.connect({ url: options.url, keyPrefix: options.keyPrefix, logger: options.logger });
    }
  }
}
