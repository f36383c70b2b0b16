import { Writable } from 'node:stream';
import { createLogger, type Logger, SecretRedactor } from '../../src/platform/logger/logger.js';

export function silentLogger(): Logger {
  return createLogger({ level: 'silent', format: 'json', redactor: new SecretRedactor() });
}

/** A logger whose every line is kept, for tests that read what was logged (e.g. that no secret leaked). */
export function capturingLogger(redactor = new SecretRedactor()): {
  logger: Logger;
  lines: string[];
  text: () => string;
} {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ level: 'trace', format: 'json', redactor, destination });
  return { logger, lines, text: () => lines.join('') };
}
