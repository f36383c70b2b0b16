import { type Logger as PinoLogger, pino } from 'pino';
import type { Config } from '../../config/config.js';
import { SecretRedactor } from './secret-redactor.js';

export type Logger = PinoLogger;

/** Field names whose values are always masked, at the top level and one or two levels down. */
const sensitiveKeys = [
  'password',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'secretId',
  'clientSecret',
  'apiKey',
  'masterKey',
  'authorization',
  'cookie',
  'privateKey',
];

const redactPaths = [
  ...sensitiveKeys,
  ...sensitiveKeys.map((key) => `*.${key}`),
  ...sensitiveKeys.map((key) => `*.*.${key}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-vault-token"]',
  'res.headers["set-cookie"]',
];

export interface LoggerOptions {
  level: Config['log']['level'];
  format: Config['log']['format'];
  redactor: SecretRedactor;
  /** Where log lines go; defaults to stdout. Tests pass a stream to capture them. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const pretty =
    options.format === 'pretty' || (options.format === 'auto' && !options.destination && process.stdout.isTTY === true);
  const base = {
    level: options.level,
    redact: { paths: redactPaths, censor: '[REDACTED]' },
    base: { service: 'aurora' },
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: {
      streamWrite: (line: string) => options.redactor.redact(line),
    },
  };
  if (pretty) {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' },
      },
    });
  }
  return pino(base, (options.destination ?? process.stdout) as pino.DestinationStream);
}

export { SecretRedactor };
