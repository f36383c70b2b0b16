import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { drizzle } from 'drizzle-orm/pglite';
import { runAll, runNow } from './after-commit.js';
import type { Database, Db, Executor } from './database.js';

/**
 * Embedded PostgreSQL (PGlite, WASM) with pgvector. One connection: PGlite queues statements,
 * and a transaction holds the connection until it ends, so transactions are serialised.
 * `dataDir` undefined means in memory (tests).
 */
export async function openPglite(
  dataDir: string | undefined,
  options: { sharedBuffersMb?: number } = {},
): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // PostgreSQL's default 128 MB of shared buffers is most of an idle embedded process's memory. A laptop-sized
  // workload does as well with 8 MB (pages beyond it come from the OS page cache; intake throughput measured the
  // same at 8 and 16 MB); AURORA_EMBEDDED_SHARED_BUFFERS_MB raises it for bigger ones.
  const client = await PGlite.create({
    dataDir,
    extensions: { vector },
    postgresqlconf: `shared_buffers = ${options.sharedBuffersMb ?? 8}MB\n`,
  });
  const db = drizzle(client) as unknown as Db;
  let closed = false;

  const executorFor = (
    connection: PGlite | PgliteTransaction,
    drizzleDb: Db,
    afterCommit: Executor['afterCommit'],
  ): Executor => ({
    db: drizzleDb,
    async query<Row>(text: string, params?: readonly unknown[]) {
      const result = await connection.query<Row>(text, params as unknown[] | undefined);
      return result.rows;
    },
    afterCommit,
  });

  const root = executorFor(client, db, runNow);
  return {
    kind: 'pglite',
    db,
    query: root.query,
    afterCommit: root.afterCommit,
    async transaction(work) {
      const callbacks: Array<() => void> = [];
      const result = await client.transaction(async (transaction) => {
        const value = await work(
          executorFor(transaction, drizzle(transaction as unknown as PGlite) as unknown as Db, (callback) =>
            callbacks.push(callback),
          ),
        );
        // A statement that failed without `work` noticing has aborted the transaction, and PGlite would still
        // resolve (COMMIT answers ROLLBACK): one more statement tells.
        try {
          await transaction.query('select 1');
        } catch (error) {
          throw new Error(`the transaction was rolled back (${(error as Error).message})`);
        }
        return value;
      });
      runAll(callbacks);
      return result;
    },
    async exec<Row>(text: string) {
      const results = await client.exec(text);
      return (results.at(-1)?.rows ?? []) as Row[];
    },
    withAdvisoryLock: (_name, work) => work(),
    async ping() {
      await client.query('select 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}
