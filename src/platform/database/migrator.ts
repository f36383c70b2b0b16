import { fileURLToPath } from 'node:url';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePostgres } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Database } from './database.js';

// Resolved from the package root so it works from src/ (tests) and dist/ (the CLI) alike.
export const migrationsFolder = fileURLToPath(new URL('../../../src/platform/database/migrations', import.meta.url));

const migrationsTable = 'drizzle.__drizzle_migrations';

export interface MigrationStatus {
  total: number;
  applied: number;
  pending: number;
}

export async function migrationStatus(database: Database): Promise<MigrationStatus> {
  const migrations = readMigrationFiles({ migrationsFolder });
  let lastApplied = 0;
  try {
    const rows = await database.query<{ created_at: string | number }>(
      `select created_at from ${migrationsTable} order by created_at desc limit 1`,
    );
    lastApplied = rows[0] ? Number(rows[0].created_at) : 0;
  } catch (error) {
    if ((error as { code?: string }).code !== '42P01') throw error; // undefined_table: nothing applied yet
  }
  const pending = migrations.filter((migration) => migration.folderMillis > lastApplied).length;
  return { total: migrations.length, applied: migrations.length - pending, pending };
}

/** Applies pending migrations. On PostgreSQL an advisory lock makes concurrent `aurora migrate` runs take turns. */
export async function runMigrations(database: Database): Promise<MigrationStatus> {
  const before = await migrationStatus(database);
  if (before.pending > 0) {
    if (database.kind === 'pglite') {
      await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder });
    } else {
      await database.withAdvisoryLock('aurora.migrate', () =>
        migrateNodePostgres(database.db as unknown as NodePgDatabase, { migrationsFolder }),
      );
    }
  }
  const after = await migrationStatus(database);
  return { ...after, applied: after.applied - before.applied };
}
