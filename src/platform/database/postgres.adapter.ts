import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Logger } from '../logger/logger.js';
import { runAll, runNow } from './after-commit.js';
import type { Database, Db, Executor } from './database.js';
import { translateDatabaseError } from './database-errors.js';

export interface PostgresOptions {
  url: string;
  poolMax: number;
  statementTimeoutMs: number;
  logger: Logger;
  applicationName?: string;
}

/** PostgreSQL through a `pg` pool. Connection failures surface as UpstreamUnavailable, never as a crash. */
export async function openPostgres(options: PostgresOptions): Promise<Database> {
  // `pipeline` is pg 8.22+'s pipeline mode, not yet in @types/pg.
  const poolConfig: pg.PoolConfig & { pipeline: boolean } = {
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? 'aurora',
    options: options.statementTimeoutMs > 0 ? `-c statement_timeout=${options.statementTimeoutMs}` : undefined,
    // Statements issued without waiting for the previous one's answer go out back to back and share a round trip.
    // Inside a transaction the server still runs them in the order they were issued.
    pipeline: true,
  };
  const pool = new pg.Pool(poolConfig);
  // An idle client losing its connection emits 'error' on the pool; unhandled, that would kill the process.
  pool.on('error', (error) =>
    options.logger.warn({ err: error }, 'PostgreSQL connection lost; the pool will reconnect'),
  );

  const db = drizzle(pool) as unknown as Db;
  const executorFor = (
    connection: pg.Pool | pg.PoolClient,
    drizzleDb: Db,
    afterCommit: Executor['afterCommit'],
  ): Executor => ({
    db: drizzleDb,
    async query<Row>(text: string, params?: readonly unknown[]) {
      try {
        const result = await connection.query(text, params as unknown[] | undefined);
        return result.rows as Row[];
      } catch (error) {
        translateDatabaseError(error);
      }
    },
    afterCommit,
  });
  const root = executorFor(pool, db, runNow);

  let closed = false;
  return {
    kind: 'postgres',
    db,
    query: root.query,
    afterCommit: root.afterCommit,
    async transaction(work) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        translateDatabaseError(error);
      }
      let broken: Error | undefined;
      /** COMMIT answered ROLLBACK: the transaction is over, and a ROLLBACK would only draw a server warning. */
      let endedByServer = false;
      const callbacks: Array<() => void> = [];
      try {
        await client.query('BEGIN');
        const result = await work(
          executorFor(client, drizzle(client) as unknown as Db, (callback) => callbacks.push(callback)),
        );
        // A transaction that hit an error (say, in a pipelined statement whose failure nobody awaited) ends with
        // COMMIT answering ROLLBACK; that must not pass for success.
        const committed = await client.query('COMMIT');
        if (committed.command !== 'COMMIT') {
          endedByServer = true;
          throw new Error(`the transaction was rolled back (${committed.command})`);
        }
        runAll(callbacks);
        return result;
      } catch (error) {
        if (!endedByServer) {
          try {
            await client.query('ROLLBACK');
          } catch (rollbackError) {
            // The connection is gone; do not hand it back to the pool.
            broken = rollbackError as Error;
          }
        }
        translateDatabaseError(error);
      } finally {
        client.release(broken);
      }
    },
    async exec<Row>(text: string) {
      try {
        // Without parameters pg uses the simple protocol, which allows several statements (and returns an array).
        const result = (await pool.query(text)) as pg.QueryResult | pg.QueryResult[];
        const last = Array.isArray(result) ? result.at(-1) : result;
        return (last?.rows ?? []) as Row[];
      } catch (error) {
        translateDatabaseError(error);
      }
    },
    async withAdvisoryLock(name, work) {
      // A dedicated connection holds the lock, so `work` may use the pool freely (even with poolMax 1).
      const lockClient = new pg.Client({ connectionString: options.url, application_name: 'aurora-lock' });
      try {
        await lockClient.connect();
        await lockClient.query('select pg_advisory_lock(hashtext($1))', [name]);
      } catch (error) {
        await lockClient.end().catch(() => undefined);
        translateDatabaseError(error);
      }
      try {
        return await work();
      } finally {
        await lockClient.end().catch(() => undefined); // ending the session releases the lock
      }
    },
    async ping() {
      try {
        await pool.query('select 1');
      } catch (error) {
        translateDatabaseError(error);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
