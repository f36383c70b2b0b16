import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

/** Drizzle over either backend. Only the core query builder is used, so no schema generic is needed. */
export type Db = PgDatabase<PgQueryResultHKT>;

/** Something that runs SQL: the database itself, or an open transaction. Repositories accept either. */
export interface Executor {
  readonly db: Db;
  /**
   * Parameterised SQL with $1…$n placeholders. Cast bigint results (`::int`) so both backends agree.
   * In a transaction, statements run in the order `query` was called, and ones issued without awaiting the
   * previous answer share a round trip (PostgreSQL pipelines them; PGlite queues them). Drizzle builders send
   * a microtask later than they are awaited, so where order matters among concurrent statements, use `query`.
   */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Runs `callback` once the surrounding transaction commits (never if it rolls back); outside a
   * transaction, right away. Use it for side effects that must not announce uncommitted data.
   */
  afterCommit(callback: () => void): void;
}

export type Transaction = Executor;

export interface Database extends Executor {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(work: (transaction: Transaction) => Promise<T>): Promise<T>;
  /** Runs SQL without parameters, several statements allowed; returns the last statement's rows. */
  exec<Row = Record<string, unknown>>(text: string): Promise<Row[]>;
  /**
   * Runs `work` while holding a cluster-wide lock named `name`, so only one process does it at a time.
   * Embedded mode has one process by construction, so there it simply runs `work`.
   */
  withAdvisoryLock<T>(name: string, work: () => Promise<T>): Promise<T>;
  /** Throws UpstreamUnavailable when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
