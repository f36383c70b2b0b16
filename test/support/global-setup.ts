import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrationsFolder, runMigrations } from '../../src/platform/database/migrator.js';
import { openPglite } from '../../src/platform/database/pglite.adapter.js';
import { openPostgres } from '../../src/platform/database/postgres.adapter.js';
import { silentLogger } from './logger.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PostgreSQL database each test file clones with CREATE DATABASE … TEMPLATE (empty on PGlite runs). */
    postgresTemplate: string;
    /** A migrated PGlite data directory each test copies (opening a copy is ~5× faster than initdb). */
    pgliteTemplate: string;
  }
}

/**
 * With DATABASE_URL set (as `.ci/run` does), builds one migrated template database so every test file
 * gets its own fresh, isolated copy in milliseconds. Without it, tests use PGlite and this does nothing.
 */
export default async function setup(project: TestProject) {
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsFolder)
    .filter((name) => name.endsWith('.sql'))
    .sort()) {
    hash.update(readFileSync(join(migrationsFolder, file)));
  }
  const migrationsHash = hash.digest('hex').slice(0, 12);
  project.provide('pgliteTemplate', await pgliteTemplate(migrationsHash));

  const url = process.env.DATABASE_URL;
  if (!url) {
    project.provide('postgresTemplate', '');
    return;
  }
  const template = `aurora_test_template_${migrationsHash}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [template]);
    if (exists.rowCount === 0) {
      await admin.query(`create database ${template}`);
      const templateUrl = new URL(url);
      templateUrl.pathname = `/${template}`;
      const database = await openPostgres({
        url: templateUrl.toString(),
        poolMax: 2,
        statementTimeoutMs: 0,
        logger: silentLogger(),
      });
      try {
        await runMigrations(database);
      } finally {
        await database.close();
      }
    }
  } finally {
    await admin.end();
  }
  project.provide('postgresTemplate', template);
}

async function pgliteTemplate(migrationsHash: string): Promise<string> {
  const directory = join(tmpdir(), `aurora-test-pglite-${migrationsHash}`);
  if (existsSync(join(directory, 'PG_VERSION'))) return directory;
  const building = `${directory}.${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const database = await openPglite(building);
  try {
    await runMigrations(database);
  } finally {
    await database.close();
  }
  rmSync(directory, { recursive: true, force: true });
  renameSync(building, directory);
  return directory;
}
