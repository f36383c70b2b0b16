import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organizations } from '../../src/features/accounts/accounts.schema.js';
import { migrationStatus, runMigrations } from '../../src/platform/database/migrator.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe(`database adapter (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('has every migration applied, and migrating again is a no-op', async () => {
    const status = await migrationStatus(test.database);
    expect(status.pending).toBe(0);
    expect(status.total).toBeGreaterThanOrEqual(2);
    const again = await runMigrations(test.database);
    expect(again.applied).toBe(0);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const committed = randomUUID();
    const rolledBack = randomUUID();
    await test.database.transaction(async (tx) => {
      await tx.db.insert(organizations).values({ id: committed, name: `org-${committed}` });
    });
    await expect(
      test.database.transaction(async (tx) => {
        await tx.db.insert(organizations).values({ id: rolledBack, name: `org-${rolledBack}` });
        const inside = await tx.query<{ count: number }>(
          'select count(*)::int as count from organizations where id = $1',
          [rolledBack],
        );
        expect(inside[0]?.count).toBe(1);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const rows = await test.database.db.select().from(organizations).where(eq(organizations.id, committed));
    expect(rows).toHaveLength(1);
    const gone = await test.database.query('select 1 from organizations where id = $1', [rolledBack]);
    expect(gone).toHaveLength(0);
  });

  it('runs statements issued together in a transaction in the order issued', async () => {
    const id = randomUUID();
    // Neither statement awaits the other: on PostgreSQL they are pipelined, on PGlite queued.
    const [, counted] = await test.database.transaction((tx) =>
      Promise.all([
        tx.query('insert into organizations (id, name) values ($1, $2)', [id, `org-${id}`]),
        tx.query<{ count: number }>('select count(*)::int as count from organizations where id = $1', [id]),
      ]),
    );
    expect(counted[0]?.count).toBe(1);
  });

  it('does not report a commit when a failed statement aborted the transaction', async () => {
    const id = randomUUID();
    let announced = false;
    await expect(
      test.database.transaction(async (tx) => {
        tx.afterCommit(() => {
          announced = true;
        });
        await tx.query('insert into organizations (id, name) values ($1, $2)', [id, `org-${id}`]);
        // A failure nobody awaits: the server aborts the transaction and COMMIT answers ROLLBACK.
        await tx.query('select 1 / 0').catch(() => undefined);
      }),
    ).rejects.toThrow(/rolled back/);
    expect(announced).toBe(false);
    expect(await test.database.query('select 1 from organizations where id = $1', [id])).toHaveLength(0);
  });

  it('enables pgvector on PGlite', async () => {
    const rows = await test.database.query<{ extname: string }>(
      "select extname from pg_extension where extname = 'vector'",
    );
    if (test.backend === 'pglite') {
      expect(rows).toHaveLength(1);
      const distance = await test.database.query<{ d: number }>("select ('[1,0]'::vector <=> '[0,1]'::vector) as d");
      expect(Number(distance[0]?.d)).toBeCloseTo(1);
    } else {
      // Debian's PostgreSQL 15 has no pgvector package; the migration enables it only where it is installed.
      const available = await test.database.query("select 1 from pg_available_extensions where name = 'vector'");
      expect(rows.length).toBe(available.length);
    }
  });

  it('runs several statements at once with exec', async () => {
    await test.database.exec('create temporary table exec_probe (n int); insert into exec_probe values (1), (2);');
    const rows = await test.database.query<{ total: number }>('select sum(n)::int as total from exec_probe');
    expect(rows[0]?.total).toBe(3);
  });
});
