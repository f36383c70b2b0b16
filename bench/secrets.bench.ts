import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../src/platform/audit/audit-log.js';
import type { Database } from '../src/platform/database/database.js';
import { SecretRedactor } from '../src/platform/logger/secret-redactor.js';
import { createSecretStore } from '../src/platform/secrets/create-secret-store.js';
import type { SecretAccess, SecretData, SecretStore } from '../src/platform/secrets/secret-store.js';
import { VaultStandIn } from '../test/support/vault-stand-in.js';
import { type BenchBackend, backendLabel, benchBackends, openBench } from './support/databases.js';
import type { Suite, SuiteResult, Table } from './support/report.js';
import { ms, ratio, roundSummary, type Summary, summarize, times } from './support/stats.js';

const operations = 500;
const warmup = 25;
const ivAndTag = 12 + 16;
const dataKeyBytes = 32;

/** A secret the size of a typical API token plus a username, as connectors store them. */
function secretData(): SecretData {
  return { username: `svc-${randomBytes(4).toString('hex')}`, token: randomBytes(32).toString('base64url') };
}

interface OpFigures {
  put: Summary;
  get: Summary;
}

async function timeStore(store: SecretStore, access: SecretAccess, count: number): Promise<OpFigures> {
  const secrets = Array.from({ length: count }, (_, index) => ({ name: `bench/secret-${index}`, data: secretData() }));
  const put: number[] = [];
  const references: string[] = [];
  for (const secret of secrets) {
    const started = performance.now();
    references.push(await store.put(access, secret.name, secret.data));
    put.push(performance.now() - started);
  }
  const get: number[] = [];
  for (const [index, reference] of references.entries()) {
    const started = performance.now();
    const data = await store.get(access, reference);
    get.push(performance.now() - started);
    if (data.token !== secrets[index]?.data.token) throw new Error(`secret ${reference} read back wrong`);
  }
  return { put: summarize(put), get: summarize(get) };
}

/**
 * The same work without the store: one plain INSERT of a row shaped like local_secrets (same columns,
 * constraints and byte sizes as a sealed secret, random bytes instead of ciphertext), then one plain SELECT by id.
 * No crypto, no audit row, no upsert, no transaction.
 */
async function timePlainRows(database: Database, count: number): Promise<OpFigures> {
  const table = `bench_plain_${randomBytes(4).toString('hex')}`;
  await database.query(`create table ${table} (like local_secrets including all)`);
  try {
    const orgId = randomUUID();
    const rows = Array.from({ length: count }, (_, index) => {
      const plaintext = Buffer.from(JSON.stringify(secretData()), 'utf8');
      return {
        id: randomUUID(),
        name: `bench/secret-${index}`,
        wrappedKey: randomBytes(ivAndTag + dataKeyBytes),
        ciphertext: randomBytes(ivAndTag + plaintext.length),
      };
    });
    const put: number[] = [];
    for (const row of rows) {
      const started = performance.now();
      await database.query(
        `insert into ${table} (id, org_id, name, wrapped_key, ciphertext, key_id) values ($1, $2, $3, $4, $5, $6)`,
        [row.id, orgId, row.name, row.wrappedKey, row.ciphertext, 'bench-key'],
      );
      put.push(performance.now() - started);
    }
    const get: number[] = [];
    for (const row of rows) {
      const started = performance.now();
      const found = await database.query(`select * from ${table} where id = $1 and org_id = $2`, [row.id, orgId]);
      get.push(performance.now() - started);
      if (found.length !== 1) throw new Error('plain row not found');
    }
    return { put: summarize(put), get: summarize(get) };
  } finally {
    await database.query(`drop table ${table}`);
  }
}

/** Raw KV v2 calls to the stand-in with fetch: a POST of the same body and a GET of the same path. */
async function timeRawVault(standIn: VaultStandIn, count: number): Promise<OpFigures> {
  const orgId = randomUUID();
  const headers = { 'X-Vault-Token': 'root', accept: 'application/json' };
  const paths = Array.from({ length: count }, (_, index) => `aurora/orgs/${orgId}/bench/secret-${index}`);
  const put: number[] = [];
  for (const path of paths) {
    const started = performance.now();
    const response = await fetch(`${standIn.address}/v1/kv/data/${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ data: secretData() }),
    });
    await response.text();
    put.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`raw POST answered ${response.status}`);
  }
  const get: number[] = [];
  for (const path of paths) {
    const started = performance.now();
    const response = await fetch(`${standIn.address}/v1/kv/data/${path}`, { headers });
    JSON.parse(await response.text());
    get.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`raw GET answered ${response.status}`);
  }
  return { put: summarize(put), get: summarize(get) };
}

interface BackendFigures {
  backend: BenchBackend;
  serverVersion: string;
  local: OpFigures;
  plainRows: OpFigures;
  vault: OpFigures;
  rawVault: OpFigures;
}

async function measureBackend(
  backend: BenchBackend,
  databaseUrl: string | undefined,
  context: Parameters<Suite['run']>[0],
): Promise<BackendFigures> {
  const bench = await openBench(backend, databaseUrl, context.logger);
  const keyDirectory = mkdtempSync(join(tmpdir(), 'aurora-bench-key-'));
  const standIn = await VaultStandIn.start({ rootToken: 'root' });
  const access = (): SecretAccess => ({ orgId: randomUUID(), actor: { type: 'system' } });
  const deps = () => ({
    database: bench.database,
    audit: new AuditLog(bench.database),
    redactor: new SecretRedactor(),
  });
  try {
    const label = backendLabel(backend);
    const local = await createSecretStore(
      { backend: 'local', masterKey: randomBytes(32), keyFile: join(keyDirectory, 'master.key') },
      deps(),
    );
    const vault = await createSecretStore(
      {
        backend: 'vault',
        address: standIn.address,
        auth: { kind: 'token', token: 'root' },
        kvMount: 'kv',
        timeoutMs: 5000,
      },
      deps(),
    );

    context.progress(`${label}: warm-up (${warmup} puts + gets per store)`);
    await timeStore(local, access(), warmup);
    await timeStore(vault, access(), warmup);
    await timePlainRows(bench.database, warmup);
    await timeRawVault(standIn, warmup);

    context.progress(`${label}: local store, ${operations} puts then ${operations} gets`);
    const localFigures = await timeStore(local, access(), operations);
    context.progress(`${label}: plain insert/select baseline`);
    const plainRows = await timePlainRows(bench.database, operations);
    context.progress(`${label}: Vault stand-in store, ${operations} puts then ${operations} gets`);
    const vaultFigures = await timeStore(vault, access(), operations);
    context.progress(`${label}: raw fetch baseline`);
    const rawVault = await timeRawVault(standIn, operations);
    await local.close();
    await vault.close();
    return {
      backend,
      serverVersion: bench.serverVersion,
      local: localFigures,
      plainRows,
      vault: vaultFigures,
      rawVault,
    };
  } finally {
    await standIn.stop();
    await bench.drop();
    rmSync(keyDirectory, { recursive: true, force: true });
  }
}

const row = (label: string, summary: Summary, baseline: Summary | undefined) => [
  label,
  String(summary.n),
  ms(summary.p50),
  ms(summary.p95),
  ms(summary.p99),
  ms(summary.max),
  baseline ? times(ratio(summary.p50, baseline.p50)) : '',
  baseline ? times(ratio(summary.p99, baseline.p99)) : '',
];

const jsonOps = (figures: OpFigures) => ({ put: roundSummary(figures.put), get: roundSummary(figures.get) });
const ratios = (store: OpFigures, baseline: OpFigures) => ({
  putP50: Number(ratio(store.put.p50, baseline.put.p50).toFixed(2)),
  putP99: Number(ratio(store.put.p99, baseline.put.p99).toFixed(2)),
  getP50: Number(ratio(store.get.p50, baseline.get.p50).toFixed(2)),
  getP99: Number(ratio(store.get.p99, baseline.get.p99).toFixed(2)),
});

export const secretsSuite: Suite = {
  name: 'secrets',
  title: 'Secret put/get latency (local store and Vault stand-in)',
  async run(context): Promise<SuiteResult> {
    const results: BackendFigures[] = [];
    for (const backend of benchBackends(context.databaseUrl)) {
      results.push(await measureBackend(backend, context.databaseUrl, context));
    }
    const tables: Table[] = results.map((result) => ({
      title: `Database ${backendLabel(result.backend)}, ${result.serverVersion} (ms; ratio = store ÷ the baseline under it)`,
      headers: ['operation', 'n', 'p50', 'p95', 'p99', 'max', 'p50 ratio', 'p99 ratio'],
      rows: [
        row('local store put', result.local.put, result.plainRows.put),
        row('  baseline: plain INSERT', result.plainRows.put, undefined),
        row('local store get', result.local.get, result.plainRows.get),
        row('  baseline: plain SELECT', result.plainRows.get, undefined),
        row('Vault stand-in store put', result.vault.put, result.rawVault.put),
        row('  baseline: raw fetch POST', result.rawVault.put, undefined),
        row('Vault stand-in store get', result.vault.get, result.rawVault.get),
        row('  baseline: raw fetch GET', result.rawVault.get, undefined),
      ],
    }));
    return {
      method: [
        'createSecretStore from src/platform/secrets with {database, audit: new AuditLog(database), redactor: new SecretRedactor()}; local: {backend: local, masterKey: randomBytes(32)}; Vault: {backend: vault, token auth, kvMount kv} against test/support/vault-stand-in.ts (an in-memory HTTP STAND-IN for Vault KV v2, not Vault) in the same process.',
        `Per store: ${operations} sequential puts of distinct names (data {username, token}: ~70 bytes of JSON) under one random org, then ${operations} sequential gets of the returned references; performance.now() around each call. ${warmup} warm-up puts and gets per store are discarded first.`,
        'Every put and get writes an audit_log row, so the Vault store also touches the database; both stores are measured on each database backend (PGlite always, PostgreSQL when DATABASE_URL is set, on a throwaway database).',
        'Local baseline: the same number of plain parameterised INSERTs then SELECT-by-id into a table created LIKE local_secrets (same columns, unique constraint and byte sizes, random bytes instead of ciphertext): no crypto, no audit row, no upsert, no transaction. A regular table rather than a TEMP one, because a pool spreads queries over connections and a temp table exists only on one.',
        'Vault baseline: raw fetch POST {data} and GET of the same kv/data/aurora/orgs/<org>/<name> paths on the same stand-in.',
      ],
      tables,
      figures: {
        operations,
        warmup,
        backends: results.map((result) => ({
          backend: result.backend,
          serverVersion: result.serverVersion,
          local: jsonOps(result.local),
          plainRowsBaseline: jsonOps(result.plainRows),
          localVsBaseline: ratios(result.local, result.plainRows),
          vaultStandIn: jsonOps(result.vault),
          rawFetchBaseline: jsonOps(result.rawVault),
          vaultVsBaseline: ratios(result.vault, result.rawVault),
        })),
      },
      targets: [],
      notes: [
        'A local put is: a SELECT for an existing id, AES-256-GCM sealing (data key + wrapped key), then a transaction with an upsert and the audit INSERT. A local get is a SELECT, two GCM opens and an audit INSERT. The baseline is one round trip.',
        'The Vault stand-in is in-memory and in-process, so the Vault figures show the client overhead (zod parsing, audit row, redactor) over a near-zero server; a real Vault adds its own latency and network.',
      ],
    };
  },
};
