import { UpstreamUnavailable } from '../errors.js';

const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

const connectionErrorMessages = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection ended unexpectedly',
  'the database system is starting up',
  'the database system is shutting down',
];

/** True when an error (or anything in its cause chain) means the database could not be reached. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    if (current instanceof UpstreamUnavailable) return true;
    if (typeof current === 'object') {
      const code = (current as { code?: unknown }).code;
      if (typeof code === 'string' && (connectionErrorCodes.has(code) || code.startsWith('08'))) return true;
      const message = (current as { message?: unknown }).message;
      if (typeof message === 'string' && connectionErrorMessages.some((fragment) => message.includes(fragment))) {
        return true;
      }
      // AggregateError from a dual-stack connect attempt lists each address's failure.
      const errors = (current as { errors?: unknown }).errors;
      if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Turns connection failures into UpstreamUnavailable so callers answer 503 with Retry-After; rethrows the rest. */
export function translateDatabaseError(error: unknown): never {
  if (error instanceof UpstreamUnavailable) throw error;
  if (isDatabaseUnavailable(error)) {
    throw new UpstreamUnavailable('The database is unavailable', 5, { cause: error });
  }
  throw error;
}
