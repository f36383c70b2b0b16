import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Conflict } from '../errors.js';

/**
 * PGlite keeps its files in one directory and must never be opened by two processes at once.
 * The lock file holds the owner's pid; a lock whose pid no longer runs is stale and is taken over.
 */
export class DataDirLock {
  private constructor(private readonly path: string) {}

  static acquire(directory: string, purpose: string): DataDirLock {
    mkdirSync(directory, { recursive: true });
    const path = join(directory, 'aurora.lock');
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        writeFileSync(path, JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() }), {
          flag: 'wx',
          mode: 0o600,
        });
        return new DataDirLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = readHolder(path);
        if (holder && holder.pid !== process.pid && isRunning(holder.pid)) {
          throw new Conflict(
            `The embedded database in ${directory} is in use by another Aurora process (pid ${holder.pid}, ${holder.purpose}). ` +
              'Stop that process first, or use its HTTP API. To share one database between processes, set DATABASE_URL to a PostgreSQL server.',
            { pid: holder.pid },
          );
        }
        rmSync(path, { force: true });
      }
    }
    throw new Conflict(`Could not lock the embedded database in ${directory}`);
  }

  release(): void {
    const holder = readHolder(this.path);
    if (holder?.pid === process.pid) rmSync(this.path, { force: true });
  }
}

function readHolder(path: string): { pid: number; purpose: string } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown; purpose?: unknown };
    return typeof parsed.pid === 'number'
      ? { pid: parsed.pid, purpose: String(parsed.purpose ?? 'unknown') }
      : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
