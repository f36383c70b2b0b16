import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Database } from '../../src/platform/database/database.js';
import { runMigrations } from '../../src/platform/database/migrator.js';
import { openPglite } from '../../src/platform/database/pglite.adapter.js';
import { openPostgres } from '../../src/platform/database/postgres.adapter.js';
import type { Logger } from '../../src/platform/logger/logger.js';

export type BenchBackend = 'pglite' | 'postgres';

export interface BenchDatabase {
  backend: BenchBackend;
  database: Database;
  /** Opens a second, independent connection (pool) to the same database; PostgreSQL only. */
  openAnother?: () => Promise<Database>;
  /** e.g. "PGlite 0.5.14 (PostgreSQL 17.x)" or "PostgreSQL 15.x". */
  serverVersion: string;
  drop(): Promise<void>;
}

/** A fresh PGlite data directory, migrated as Aurora migrates it on start. */
export async function openBenchPglite(): Promise<BenchDatabase> {
  const directory = mkdtempSync(join(tmpdir(), 'aurora-bench-'));
  const database = await openPglite(join(directory, 'pglite'));
  await runMigrations(database);
  const [row] = await database.query<{ version: string }>('select version() as version');
  return {
    backend: 'pglite',
    database,
    serverVersion: row?.version.split(' on ')[0] ?? 'unknown',
    async drop() {
      await database.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** An empty database `aurora_bench_<random>` on the server in `baseUrl`; `drop()` removes it (forcibly). */
export async function createThrowawayDatabase(
  baseUrl: string,
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `aurora_bench_${randomBytes(6).toString('hex')}`;
  const run = async (statement: string) => {
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    try {
      await admin.query(statement);
    } finally {
      await admin.end();
    }
  };
  await run(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => run(`drop database if exists ${name} with (force)`) };
}

/** A throwaway database on the server in `baseUrl`, migrated; dropped by `drop()`. */
export async function openBenchPostgres(baseUrl: string, logger: Logger): Promise<BenchDatabase> {
  const throwaway = await createThrowawayDatabase(baseUrl);
  const open = () =>
    openPostgres({ url: throwaway.url, poolMax: 10, statementTimeoutMs: 0, logger, applicationName: 'aurora-bench' });
  const opened: Database[] = [];
  const dropDatabase = async () => {
    for (const database of opened) await database.close().catch(() => undefined);
    await throwaway.drop();
  };
  try {
    const database = await open();
    opened.push(database);
    await runMigrations(database);
    const [row] = await database.query<{ server_version: string }>('show server_version');
    return {
      backend: 'postgres',
      database,
      async openAnother() {
        const another = await open();
        opened.push(another);
        return another;
      },
      serverVersion: `PostgreSQL ${row?.server_version ?? 'unknown'}`,
      drop: dropDatabase,
    };
  } catch (error) {
    await dropDatabase().catch(() => undefined);
    throw error;
  }
}

/** PGlite always; PostgreSQL too when DATABASE_URL is set. */
export function benchBackends(databaseUrl: string | undefined): BenchBackend[] {
  return databaseUrl ? ['pglite', 'postgres'] : ['pglite'];
}

export function openBench(backend: BenchBackend, databaseUrl: string | undefined, logger: Logger) {
  if (backend === 'pglite') return openBenchPglite();
  if (!databaseUrl) throw new Error('PostgreSQL needs DATABASE_URL');
  return openBenchPostgres(databaseUrl, logger);
}

export const backendLabel = (backend: BenchBackend) => (backend === 'pglite' ? 'PGlite (embedded)' : 'PostgreSQL');
