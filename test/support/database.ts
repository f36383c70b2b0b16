import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { Database } from '../../src/platform/database/database.js';
import { openPglite } from '../../src/platform/database/pglite.adapter.js';
import { openPostgres } from '../../src/platform/database/postgres.adapter.js';
import type { Logger } from '../../src/platform/logger/logger.js';
import { silentLogger } from './logger.js';

export type TestBackend = 'postgres' | 'pglite';

/** PostgreSQL when the run has DATABASE_URL (CI's first pass), PGlite otherwise. */
export function testBackend(): TestBackend {
  return process.env.DATABASE_URL ? 'postgres' : 'pglite';
}

export interface TestDatabase {
  database: Database;
  backend: TestBackend;
  /** Connection URL of this test's own PostgreSQL database; undefined on PGlite. */
  url?: string;
  /** This test's PGlite data directory; undefined on PostgreSQL. */
  dataDir?: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database that belongs to the calling test alone. */
export async function createTestDatabase(logger: Logger = silentLogger()): Promise<TestDatabase> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    const dataDir = copyPgliteTemplate();
    const database = await openPglite(dataDir);
    return {
      database,
      backend: 'pglite',
      dataDir,
      async drop() {
        await database.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const url = await createPostgresDatabase(baseUrl);
  const database = await openPostgres({ url, poolMax: 5, statementTimeoutMs: 30_000, logger });
  return {
    database,
    backend: 'postgres',
    url,
    async drop() {
      await database.close();
      await dropPostgresDatabase(baseUrl, url);
    },
  };
}

/** Creates a migrated database by cloning the template built in global setup; returns its URL. */
export async function createPostgresDatabase(baseUrl: string): Promise<string> {
  const template = inject('postgresTemplate');
  const name = `aurora_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    // CREATE DATABASE … TEMPLATE fails while another session is connected to the template; retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database ${name} template ${template}`);
        break;
      } catch (error) {
        if (attempt >= 20 || (error as { code?: string }).code !== '55006') throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropPostgresDatabase(baseUrl: string, url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

/** A private copy of the migrated PGlite template, in a new temporary directory. */
export function copyPgliteTemplate(into = mkdtempSync(join(tmpdir(), 'aurora-test-'))): string {
  const dataDir = join(into, 'pglite');
  cpSync(inject('pgliteTemplate'), dataDir, { recursive: true });
  return dataDir;
}
