import type { Db, Executor } from './database.js';

/**
 * Drizzle statements built once per database handle instead of on every call. Building a query costs about as
 * much CPU as PGlite takes to run a simple one, so statements on a hot path (every chat message, every model
 * call) are prepared with `sql.placeholder` and executed with values. On PostgreSQL they become named prepared
 * statements; `name`s given to `prepare()` must be unique across the code base.
 */
export function preparedStatements<Statements>(build: (db: Db) => Statements): (executor: Executor) => Statements {
  const built = new WeakMap<Db, Statements>();
  return (executor) => {
    let statements = built.get(executor.db);
    if (!statements) {
      statements = build(executor.db);
      built.set(executor.db, statements);
    }
    return statements;
  };
}
