import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SecretsConfig } from '../../src/config/config.js';
import { AuditLog, type AuditRecord } from '../../src/platform/audit/audit-log.js';
import type { Database } from '../../src/platform/database/database.js';
import { Forbidden, NotFound, UpstreamUnavailable, ValidationFailed } from '../../src/platform/errors.js';
import { SecretRedactor } from '../../src/platform/logger/secret-redactor.js';
import { createSecretStore } from '../../src/platform/secrets/create-secret-store.js';
import { LocalSecretStore, SecretIntegrityError } from '../../src/platform/secrets/local-secret-store.js';
import { loadMasterKey, type MasterKey, MasterKeyError } from '../../src/platform/secrets/master-key.js';
import { localReference, vaultReference } from '../../src/platform/secrets/secret-names.js';
import type { SecretAccess, SecretData, SecretStore } from '../../src/platform/secrets/secret-store.js';
import { localSecrets } from '../../src/platform/secrets/secrets.schema.js';
import {
  VaultError,
  VaultSecretStore,
  type VaultSecretsConfig,
} from '../../src/platform/secrets/vault-secret-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { VaultStandIn } from '../support/vault-stand-in.js';

const databaseKind = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

interface ContractFixture {
  store: SecretStore;
  database: Database;
  redactor: SecretRedactor;
  /** A reference of this backend's shape that names no secret. */
  unknownReference(orgId: string): string;
  close(): Promise<void>;
}

function access(orgId: string, overrides: Partial<SecretAccess> = {}): SecretAccess {
  return {
    orgId,
    actor: { type: 'user', id: `user-${randomUUID()}` },
    purpose: 'test:secret-store',
    requestId: `request-${randomUUID()}`,
    ...overrides,
  };
}

/** A value no other test produces, long enough for the redactor to remember. */
function plaintext(label: string): string {
  return `${label}-${randomBytes(12).toString('hex')}`;
}

function secretName(): string {
  return `connectors/${randomUUID()}/credentials`;
}

async function auditRows(database: Database, orgId: string): Promise<AuditRecord[]> {
  const page = await new AuditLog(database).list(orgId, { limit: 100 });
  return page.items;
}

/** Every column of every table in `public`, cast to text: none may contain any of the needles. */
async function columnsContaining(database: Database, needles: string[]): Promise<string[]> {
  const columns = await database.query<{ table_name: string; column_name: string }>(
    `select table_name, column_name from information_schema.columns where table_schema = 'public'
     order by table_name, ordinal_position`,
  );
  expect(columns.length).toBeGreaterThan(5);
  const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
  const found: string[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    const conditions = needles.map((_needle, index) => `strpos(${quote(column)}::text, $${index + 1}) > 0`);
    const rows = await database.query<{ count: number }>(
      `select count(*)::int as count from ${quote(table)} where ${conditions.join(' or ')}`,
      needles,
    );
    if ((rows[0]?.count ?? 0) > 0) found.push(`${table}.${column}`);
  }
  return found;
}

/** The plaintext as is, and the encodings a careless store might use (bytea casts to hex text). */
function encodings(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  return [value, bytes.toString('base64'), bytes.toString('hex')];
}

function describeSecretStoreContract(title: string, open: () => Promise<ContractFixture>) {
  describe(`secret store contract: ${title} on ${databaseKind}`, () => {
    let fixture: ContractFixture;
    beforeAll(async () => {
      fixture = await open();
    });
    afterAll(async () => {
      await fixture?.close();
    });

    it('round-trips a secret and teaches the redactor its values', async () => {
      const orgId = randomUUID();
      const data = { username: 'aurora-bot', token: plaintext('round-trip') };
      const reference = await fixture.store.put(access(orgId), secretName(), data);
      expect(reference.startsWith(`${fixture.store.backend}:`)).toBe(true);
      expect(await fixture.store.get(access(orgId), reference)).toEqual(data);
      expect(fixture.redactor.redact(`header: Bearer ${data.token}`)).toBe('header: Bearer [REDACTED]');
    });

    it('keeps the reference when a secret is updated', async () => {
      const orgId = randomUUID();
      const name = secretName();
      const first = await fixture.store.put(access(orgId), name, { token: plaintext('first') });
      const before = await fixture.store.metadata(access(orgId), first);
      const updated = { token: plaintext('second'), extra: 'value-two' };
      const second = await fixture.store.put(access(orgId), name, updated);
      expect(second).toBe(first);
      expect(await fixture.store.get(access(orgId), first)).toEqual(updated);
      const after = await fixture.store.metadata(access(orgId), first);
      expect(after.createdAt.getTime()).toBe(before.createdAt.getTime());
      expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
    });

    it('keeps the same name in two orgs apart', async () => {
      const [orgA, orgB] = [randomUUID(), randomUUID()];
      const name = secretName();
      const referenceA = await fixture.store.put(access(orgA), name, { token: plaintext('org-a') });
      const referenceB = await fixture.store.put(access(orgB), name, { token: plaintext('org-b') });
      expect(referenceA).not.toBe(referenceB);
      expect((await fixture.store.get(access(orgA), referenceA)).token).toMatch(/^org-a-/);
      expect((await fixture.store.get(access(orgB), referenceB)).token).toMatch(/^org-b-/);
    });

    it("answers NotFound to another org's reference and never returns the value", async () => {
      const [owner, intruder] = [randomUUID(), randomUUID()];
      const secret = plaintext('cross-org');
      const reference = await fixture.store.put(access(owner), secretName(), { token: secret });

      const error = await fixture.store.get(access(intruder), reference).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NotFound);
      expect(JSON.stringify(error)).not.toContain(secret);
      expect((error as Error).message).not.toContain(secret);
      await expect(fixture.store.metadata(access(intruder), reference)).rejects.toBeInstanceOf(NotFound);

      // Deleting from the wrong org is a quiet no-op, not a way to destroy another org's secret.
      await fixture.store.delete(access(intruder), reference);
      expect(await fixture.store.get(access(owner), reference)).toEqual({ token: secret });

      const intruderAudit = await auditRows(fixture.database, intruder);
      const failedRead = intruderAudit.find((row) => row.action === 'secret.read');
      expect(failedRead).toMatchObject({ outcome: 'failure', targetId: reference, targetType: 'secret' });
    });

    it('answers NotFound for an unknown or malformed reference', async () => {
      const orgId = randomUUID();
      await expect(fixture.store.get(access(orgId), fixture.unknownReference(orgId))).rejects.toBeInstanceOf(NotFound);
      await expect(fixture.store.get(access(orgId), 'nonsense')).rejects.toBeInstanceOf(NotFound);
      await expect(fixture.store.metadata(access(orgId), 'nonsense')).rejects.toBeInstanceOf(NotFound);
    });

    it('deletes a secret, after which it is NotFound, and deleting again is fine', async () => {
      const orgId = randomUUID();
      const reference = await fixture.store.put(access(orgId), secretName(), { token: plaintext('deleted') });
      await fixture.store.delete(access(orgId), reference);
      await expect(fixture.store.get(access(orgId), reference)).rejects.toBeInstanceOf(NotFound);
      await expect(fixture.store.metadata(access(orgId), reference)).rejects.toBeInstanceOf(NotFound);
      await fixture.store.delete(access(orgId), reference);
      await fixture.store.delete(access(orgId), fixture.unknownReference(orgId));
    });

    it('describes a secret without its value', async () => {
      const orgId = randomUUID();
      const name = secretName();
      const started = Date.now();
      const reference = await fixture.store.put(access(orgId), name, { token: plaintext('metadata') });
      const metadata = await fixture.store.metadata(access(orgId), reference);
      expect(metadata).toMatchObject({ reference, name });
      expect(metadata.createdAt).toBeInstanceOf(Date);
      // Allow for clock differences between this process and the database.
      expect(Math.abs(metadata.createdAt.getTime() - started)).toBeLessThan(60_000);
      expect(metadata.updatedAt.getTime()).toBeGreaterThanOrEqual(metadata.createdAt.getTime());
      expect(JSON.stringify(metadata)).not.toContain('metadata-');
    });

    it('audits writes, reads, metadata and deletes with the reference, the actor and the purpose', async () => {
      const orgId = randomUUID();
      const name = secretName();
      const who = access(orgId, { actor: { type: 'api_token', id: `token-${randomUUID()}` }, purpose: 'tool:audit' });
      const reference = await fixture.store.put(who, name, { token: plaintext('audited') });
      await fixture.store.get(who, reference);
      await fixture.store.metadata(who, reference);
      await fixture.store.delete(who, reference);
      await fixture.store.get(who, reference).catch(() => undefined);

      const rows = (await auditRows(fixture.database, orgId)).reverse();
      expect(rows.map((row) => [row.action, row.outcome])).toEqual([
        ['secret.write', 'success'],
        ['secret.read', 'success'],
        ['secret.metadata', 'success'],
        ['secret.delete', 'success'],
        ['secret.read', 'failure'],
      ]);
      for (const row of rows) {
        expect(row).toMatchObject({
          orgId,
          actor: who.actor,
          targetType: 'secret',
          targetId: reference,
          requestId: who.requestId,
        });
        expect(row.details).toMatchObject({ purpose: 'tool:audit' });
      }
      expect(rows.slice(0, 4).every((row) => row.details.name === name)).toBe(true);
    });

    it('never writes the plaintext to the database', async () => {
      const orgId = randomUUID();
      const name = secretName();
      const data: SecretData = { password: plaintext('never-in-db'), apiKey: plaintext('api-key') };
      const reference = await fixture.store.put(access(orgId), name, data);
      await fixture.store.get(access(orgId), reference);
      await fixture.store.metadata(access(orgId), reference);

      const needles = [...Object.values(data).flatMap(encodings), ...encodings(JSON.stringify(data)).slice(1)];
      expect(await columnsContaining(fixture.database, needles)).toEqual([]);
      // The scan does find what is stored in the clear (the name), so an empty answer above means something.
      expect(await columnsContaining(fixture.database, [name])).not.toEqual([]);
    });

    it('refuses invalid names and data without echoing the value', async () => {
      const orgId = randomUUID();
      const secret = plaintext('invalid');
      await expect(fixture.store.put(access(orgId), '../escape', { token: secret })).rejects.toBeInstanceOf(
        ValidationFailed,
      );
      const error = await fixture.store
        .put(access(orgId), secretName(), { token: 42 } as unknown as SecretData)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationFailed);
      expect((error as Error).message).not.toContain('42');
    });

    it('answers ping', async () => {
      await expect(fixture.store.ping()).resolves.toBeUndefined();
    });
  });
}

// --- local -----------------------------------------------------------------------------------------------------

function masterKey(): MasterKey {
  const key = randomBytes(32);
  return { key, keyId: `test-${key.subarray(0, 4).toString('hex')}` };
}

describeSecretStoreContract('local', async () => {
  const test = await createTestDatabase();
  const redactor = new SecretRedactor();
  const store = new LocalSecretStore(test.database, new AuditLog(test.database), redactor, masterKey());
  return {
    store,
    database: test.database,
    redactor,
    unknownReference: () => localReference(randomUUID()),
    close: () => test.drop(),
  };
});

describe(`local secret store on ${databaseKind}`, () => {
  let test: TestDatabase;
  let audit: AuditLog;
  const key = masterKey();
  let store: LocalSecretStore;
  const directories: string[] = [];

  beforeAll(async () => {
    test = await createTestDatabase();
    audit = new AuditLog(test.database);
    store = new LocalSecretStore(test.database, audit, new SecretRedactor(), key);
  });
  afterAll(async () => {
    await test?.drop();
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });

  function temporaryDirectory(): string {
    const directory = mkdtempSync(join(tmpdir(), 'aurora-master-key-'));
    directories.push(directory);
    return directory;
  }

  async function storedRow(reference: string) {
    const [row] = await test.database.db
      .select()
      .from(localSecrets)
      .where(eq(localSecrets.id, reference.slice('local:'.length)));
    if (!row) throw new Error('row missing');
    return row;
  }

  it('stores iv, tag and ciphertext, a wrapped data key, and the key id', async () => {
    const orgId = randomUUID();
    const reference = await store.put(access(orgId), secretName(), { token: plaintext('layout') });
    const row = await storedRow(reference);
    expect(row.orgId).toBe(orgId);
    expect(row.keyId).toBe(key.keyId);
    expect(row.wrappedKey.length).toBe(12 + 16 + 32);
    expect(row.ciphertext.length).toBeGreaterThan(12 + 16);
  });

  it('refuses to read with a different master key, with a clear error', async () => {
    const orgId = randomUUID();
    const reference = await store.put(access(orgId), secretName(), { token: plaintext('other-key') });
    const other = new LocalSecretStore(test.database, audit, new SecretRedactor(), masterKey());
    const error = await other.get(access(orgId), reference).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MasterKeyError);
    expect((error as Error).message).toContain(key.keyId);
    expect((error as Error).message).toMatch(/master key/);
  });

  it('detects a wrong key even when it claims the same key id', async () => {
    const orgId = randomUUID();
    const reference = await store.put(access(orgId), secretName(), { token: plaintext('same-id') });
    const impostor = new LocalSecretStore(test.database, audit, new SecretRedactor(), {
      key: randomBytes(32),
      keyId: key.keyId,
    });
    await expect(impostor.get(access(orgId), reference)).rejects.toBeInstanceOf(SecretIntegrityError);
  });

  it.each(['ciphertext', 'wrappedKey'] as const)('refuses tampered %s instead of returning garbage', async (column) => {
    const orgId = randomUUID();
    const reference = await store.put(access(orgId), secretName(), { token: plaintext('tamper') });
    const row = await storedRow(reference);
    const tampered = Buffer.from(row[column]);
    const last = tampered.length - 1;
    tampered[last] = (tampered[last] ?? 0) ^ 0x01;
    await test.database.db
      .update(localSecrets)
      .set({ [column]: tampered })
      .where(eq(localSecrets.id, row.id));
    await expect(store.get(access(orgId), reference)).rejects.toBeInstanceOf(SecretIntegrityError);
    const rows = await auditRows(test.database, orgId);
    expect(rows[0]).toMatchObject({ action: 'secret.read', outcome: 'failure' });
  });

  it('does not decrypt a row moved into another org', async () => {
    const [owner, thief] = [randomUUID(), randomUUID()];
    const reference = await store.put(access(owner), secretName(), { token: plaintext('moved') });
    await test.database.db
      .update(localSecrets)
      .set({ orgId: thief })
      .where(eq(localSecrets.id, reference.slice('local:'.length)));
    await expect(store.get(access(thief), reference)).rejects.toBeInstanceOf(SecretIntegrityError);
  });

  it('keeps one row and one reference when writers race on a new name', async () => {
    const orgId = randomUUID();
    const name = secretName();
    const values = Array.from({ length: 6 }, (_unused, index) => ({ token: plaintext(`race-${index}`) }));
    const references = await Promise.all(values.map((data) => store.put(access(orgId), name, data)));
    expect(new Set(references).size).toBe(1);
    const [reference] = references;
    const stored = await store.get(access(orgId), reference ?? '');
    expect(values).toContainEqual(stored);
  });

  it('generates a master key file with mode 0600 and reuses it on the next load', async () => {
    const keyFile = join(temporaryDirectory(), 'nested', 'master.key');
    const first = await loadMasterKey({ backend: 'local', keyFile });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toEqual(first.key);
    expect(first.key.length).toBe(32);
    expect(first.keyId).toMatch(/^[0-9a-f]{16}$/);
    const second = await loadMasterKey({ backend: 'local', keyFile });
    expect(second.key).toEqual(first.key);
    expect(second.keyId).toBe(first.keyId);
  });

  it('agrees on one key when several loads race to create the file', async () => {
    const keyFile = join(temporaryDirectory(), 'master.key');
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadMasterKey({ backend: 'local', keyFile })));
    expect(new Set(keys.map((loaded) => loaded.keyId)).size).toBe(1);
  });

  it('refuses a key file that other users can read', async () => {
    const keyFile = join(temporaryDirectory(), 'master.key');
    writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o644 });
    chmodSync(keyFile, 0o644);
    await expect(loadMasterKey({ backend: 'local', keyFile })).rejects.toThrow(/chmod 600/);
  });

  it('refuses a key file that holds no key', async () => {
    const keyFile = join(temporaryDirectory(), 'master.key');
    writeFileSync(keyFile, 'not a key', { mode: 0o600 });
    await expect(loadMasterKey({ backend: 'local', keyFile })).rejects.toBeInstanceOf(MasterKeyError);
  });

  it('prefers the configured master key and then writes no file', async () => {
    const keyFile = join(temporaryDirectory(), 'master.key');
    const configured = randomBytes(32);
    const loaded = await loadMasterKey({ backend: 'local', masterKey: configured, keyFile });
    expect(loaded.key).toEqual(configured);
    expect(() => statSync(keyFile)).toThrow();
  });

  it('builds a working local store from configuration', async () => {
    const config: SecretsConfig = { backend: 'local', keyFile: join(temporaryDirectory(), 'master.key') };
    const built = await createSecretStore(config, {
      database: test.database,
      audit,
      redactor: new SecretRedactor(),
    });
    expect(built.backend).toBe('local');
    const orgId = randomUUID();
    const reference = await built.put(access(orgId), secretName(), { token: plaintext('factory') });
    expect(await built.get(access(orgId), reference)).toMatchObject({ token: expect.stringMatching(/^factory-/) });
    await built.close();
  });
});

// --- vault (stand-in) ------------------------------------------------------------------------------------------

function vaultConfig(address: string, overrides: Partial<VaultSecretsConfig> = {}): VaultSecretsConfig {
  return {
    backend: 'vault',
    address,
    auth: { kind: 'token', token: 'unset' },
    kvMount: 'kv',
    timeoutMs: 2_000,
    ...overrides,
  };
}

describeSecretStoreContract('vault (stand-in)', async () => {
  const test = await createTestDatabase();
  const rootToken = `hvs.root-${randomBytes(8).toString('hex')}`;
  const standIn = await VaultStandIn.start({ rootToken });
  const redactor = new SecretRedactor();
  const store = new VaultSecretStore(
    vaultConfig(standIn.address, { auth: { kind: 'token', token: rootToken } }),
    new AuditLog(test.database),
    redactor,
  );
  return {
    store,
    database: test.database,
    redactor,
    unknownReference: (orgId) => vaultReference('kv', orgId, secretName()),
    async close() {
      await store.close();
      await standIn.stop();
      await test.drop();
    },
  };
});

describe(`vault secret store against the vault (stand-in) on ${databaseKind}`, () => {
  let test: TestDatabase;
  let audit: AuditLog;
  let standIn: VaultStandIn;
  const rootToken = `hvs.root-${randomBytes(8).toString('hex')}`;
  const appRole = { roleId: `role-${randomUUID()}`, secretId: `secret-${randomUUID()}` };

  beforeAll(async () => {
    test = await createTestDatabase();
    audit = new AuditLog(test.database);
    standIn = await VaultStandIn.start({ rootToken, appRole: { ...appRole, ttlSeconds: 3600 } });
  });
  afterAll(async () => {
    await standIn?.stop();
    await test?.drop();
  });
  afterEach(() => {
    standIn.unseal();
    standIn.setStandby(false);
    standIn.delayResponses(0);
  });

  function tokenStore(token = rootToken, overrides: Partial<VaultSecretsConfig> = {}, redactor = new SecretRedactor()) {
    return new VaultSecretStore(
      vaultConfig(standIn.address, { auth: { kind: 'token', token }, ...overrides }),
      audit,
      redactor,
    );
  }

  function requestsSince(count: number) {
    return standIn.requests.slice(count);
  }

  it('uses the documented KV v2 paths, sends the token, and remembers it for redaction', async () => {
    const redactor = new SecretRedactor();
    const store = tokenStore(rootToken, {}, redactor);
    expect(redactor.redact(`token=${rootToken}`)).toBe('token=[REDACTED]');
    const orgId = randomUUID();
    const name = secretName();
    const start = standIn.requests.length;
    const reference = await store.put(access(orgId), name, { token: plaintext('paths') });
    expect(reference).toBe(`vault:kv/data/aurora/orgs/${orgId}/${name}`);
    await store.get(access(orgId), reference);
    await store.metadata(access(orgId), reference);
    await store.delete(access(orgId), reference);
    const path = `aurora/orgs/${orgId}/${name}`;
    expect(requestsSince(start).map((request) => [request.method, request.path, request.status])).toEqual([
      ['POST', `/v1/kv/data/${path}`, 200],
      ['GET', `/v1/kv/data/${path}`, 200],
      ['GET', `/v1/kv/metadata/${path}`, 200],
      ['DELETE', `/v1/kv/metadata/${path}`, 204],
    ]);
    expect(requestsSince(start).every((request) => request.token === rootToken)).toBe(true);
    expect(requestsSince(start).every((request) => request.namespace === undefined)).toBe(true);
  });

  it('reports the KV version and deletes every version', async () => {
    const store = tokenStore();
    const orgId = randomUUID();
    const name = secretName();
    await store.put(access(orgId), name, { token: plaintext('v1') });
    const reference = await store.put(access(orgId), name, { token: plaintext('v2') });
    expect((await store.metadata(access(orgId), reference)).version).toBe(2);
    expect(standIn.versionCount(`aurora/orgs/${orgId}/${name}`)).toBe(2);
    await store.delete(access(orgId), reference);
    expect(standIn.versionCount(`aurora/orgs/${orgId}/${name}`)).toBeUndefined();
  });

  it("does not even ask Vault for another org's reference", async () => {
    const store = tokenStore();
    const reference = await store.put(access(randomUUID()), secretName(), { token: plaintext('not-asked') });
    const start = standIn.requests.length;
    await expect(store.get(access(randomUUID()), reference)).rejects.toBeInstanceOf(NotFound);
    expect(requestsSince(start)).toEqual([]);
  });

  it('sends X-Vault-Namespace when configured, and keeps namespaces apart', async () => {
    const namespaced = tokenStore(rootToken, { namespace: 'team-a' });
    const orgId = randomUUID();
    const start = standIn.requests.length;
    const reference = await namespaced.put(access(orgId), secretName(), { token: plaintext('namespace') });
    await namespaced.get(access(orgId), reference);
    const sent = requestsSince(start);
    expect(sent).toHaveLength(2);
    expect(sent.every((request) => request.namespace === 'team-a')).toBe(true);
    await expect(tokenStore().get(access(orgId), reference)).rejects.toBeInstanceOf(NotFound);
  });

  it('maps 403 to Forbidden and audits the denial', async () => {
    const orgId = randomUUID();
    const reference = await tokenStore().put(access(orgId), secretName(), { token: plaintext('forbidden') });
    const unknownToken = `hvs.unknown-${randomBytes(8).toString('hex')}`;
    const error = await tokenStore(unknownToken)
      .get(access(orgId), reference)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Forbidden);
    expect((error as Error).message).not.toContain(unknownToken);
    expect((await auditRows(test.database, orgId))[0]).toMatchObject({ action: 'secret.read', outcome: 'denied' });

    const narrow = standIn.issueToken({ allowedPrefixes: [`aurora/orgs/${randomUUID()}/`] });
    await expect(tokenStore(narrow).put(access(orgId), secretName(), { token: 'value-x' })).rejects.toBeInstanceOf(
      Forbidden,
    );
  });

  it('logs in with AppRole, sends the client token, and logs in again when the token expires', async () => {
    const redactor = new SecretRedactor();
    const store = new VaultSecretStore(
      vaultConfig(standIn.address, { auth: { kind: 'approle', ...appRole, mount: 'approle' } }),
      audit,
      redactor,
    );
    expect(redactor.redact(appRole.secretId)).toBe('[REDACTED]');
    const logins = standIn.logins;
    const start = standIn.requests.length;
    const orgId = randomUUID();
    const reference = await store.put(access(orgId), secretName(), { token: plaintext('approle') });
    expect(standIn.logins).toBe(logins + 1);
    const [login, write] = requestsSince(start);
    expect(login).toMatchObject({ method: 'POST', path: '/v1/auth/approle/login', token: undefined, status: 200 });
    expect(write?.token).toMatch(/^hvs\.standin-/);
    expect(redactor.redact(write?.token ?? '')).toBe('[REDACTED]');

    standIn.expireTokens();
    const afterExpiry = standIn.requests.length;
    await expect(store.get(access(orgId), reference)).resolves.toMatchObject({ token: expect.any(String) });
    expect(standIn.logins).toBe(logins + 2);
    expect(requestsSince(afterExpiry).map((request) => request.status)).toEqual([403, 200, 200]);

    // Many requests meeting one expired token share a single login.
    standIn.expireTokens();
    await Promise.all(Array.from({ length: 5 }, () => store.get(access(orgId), reference)));
    expect(standIn.logins).toBe(logins + 3);
  });

  it('logs in again before the AppRole lease runs out', async () => {
    const shortLived = await VaultStandIn.start({ appRole: { ...appRole, ttlSeconds: 1 } });
    try {
      const store = new VaultSecretStore(
        vaultConfig(shortLived.address, { auth: { kind: 'approle', ...appRole, mount: 'approle' } }),
        audit,
        new SecretRedactor(),
      );
      const orgId = randomUUID();
      const reference = await store.put(access(orgId), secretName(), { token: plaintext('lease') });
      await new Promise((resolve) => setTimeout(resolve, 850));
      await store.get(access(orgId), reference);
      expect(shortLived.logins).toBe(2);
      expect(shortLived.requests.some((request) => request.status === 403)).toBe(false);
    } finally {
      await shortLived.stop();
    }
  });

  it('gives up after one new login when AppRole is still refused', async () => {
    const narrowRole = await VaultStandIn.start({
      appRole: { ...appRole, ttlSeconds: 3600, allowedPrefixes: ['somewhere-else/'] },
    });
    try {
      const store = new VaultSecretStore(
        vaultConfig(narrowRole.address, { auth: { kind: 'approle', ...appRole, mount: 'approle' } }),
        audit,
        new SecretRedactor(),
      );
      await expect(store.put(access(randomUUID()), secretName(), { token: 'value-y' })).rejects.toBeInstanceOf(
        Forbidden,
      );
      expect(narrowRole.logins).toBe(2);
    } finally {
      await narrowRole.stop();
    }
  });

  it('explains a refused AppRole login without revealing the secret id', async () => {
    const wrongSecret = `wrong-${randomUUID()}`;
    const store = new VaultSecretStore(
      vaultConfig(standIn.address, {
        auth: { kind: 'approle', roleId: appRole.roleId, secretId: wrongSecret, mount: 'approle' },
      }),
      audit,
      new SecretRedactor(),
    );
    const error = await store.put(access(randomUUID()), secretName(), { token: 'value-z' }).catch((caught) => caught);
    expect(error).toBeInstanceOf(VaultError);
    expect((error as Error).message).toContain('invalid role or secret ID');
    expect((error as Error).message).not.toContain(wrongSecret);
  });

  it('answers UpstreamUnavailable on ping and get while Vault is sealed', async () => {
    const store = tokenStore();
    const orgId = randomUUID();
    const reference = await store.put(access(orgId), secretName(), { token: plaintext('sealed') });
    standIn.seal();
    await expect(store.ping()).rejects.toBeInstanceOf(UpstreamUnavailable);
    await expect(store.get(access(orgId), reference)).rejects.toBeInstanceOf(UpstreamUnavailable);
    await expect(store.put(access(orgId), secretName(), { token: 'value-w' })).rejects.toBeInstanceOf(
      UpstreamUnavailable,
    );
    standIn.unseal();
    await expect(store.ping()).resolves.toBeUndefined();
    await expect(store.get(access(orgId), reference)).resolves.toBeDefined();
  });

  it('treats a standby node as healthy', async () => {
    standIn.setStandby(true);
    await expect(tokenStore().ping()).resolves.toBeUndefined();
    expect(standIn.requests.at(-1)).toMatchObject({ path: '/v1/sys/health', status: 429, token: undefined });
  });

  it('answers UpstreamUnavailable quickly when nothing listens on the port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const store = tokenStore(rootToken, { address: `http://127.0.0.1:${port}`, timeoutMs: 5_000 });
    const started = Date.now();
    await expect(store.ping()).rejects.toBeInstanceOf(UpstreamUnavailable);
    await expect(store.get(access(randomUUID()), vaultReference('kv', randomUUID(), 'a'))).rejects.toBeInstanceOf(
      NotFound,
    );
    const orgId = randomUUID();
    await expect(store.get(access(orgId), vaultReference('kv', orgId, 'a'))).rejects.toBeInstanceOf(
      UpstreamUnavailable,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('answers UpstreamUnavailable when Vault does not answer within the timeout', async () => {
    standIn.delayResponses(3_000);
    const store = tokenStore(rootToken, { timeoutMs: 200 });
    const started = Date.now();
    const error = await store.ping().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamUnavailable);
    expect((error as Error).message).toContain('200 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("carries Vault's error text on other 4xx answers, never the token", async () => {
    const store = tokenStore();
    standIn.failNextRequest(400, ['invalid request: the request was rejected', `token ${rootToken} is odd`]);
    const error = await store.put(access(randomUUID()), secretName(), { token: 'value-v' }).catch((caught) => caught);
    expect(error).toBeInstanceOf(VaultError);
    expect((error as VaultError).status).toBe(400);
    expect((error as Error).message).toContain('invalid request: the request was rejected');
    expect(JSON.stringify({ message: (error as Error).message, errors: (error as VaultError).errors })).not.toContain(
      rootToken,
    );
  });

  it('says so when the KV mount does not exist', async () => {
    const store = tokenStore(rootToken, { kvMount: 'missing' });
    const error = await store.put(access(randomUUID()), secretName(), { token: 'value-u' }).catch((caught) => caught);
    expect(error).toBeInstanceOf(VaultError);
    expect((error as Error).message).toMatch(/"missing" a KV version 2 mount/);
  });

  it('builds a Vault store from configuration without contacting Vault', async () => {
    const start = standIn.requests.length;
    const built = await createSecretStore(vaultConfig(standIn.address, { auth: { kind: 'token', token: rootToken } }), {
      database: test.database,
      audit,
      redactor: new SecretRedactor(),
    });
    expect(built.backend).toBe('vault');
    expect(requestsSince(start)).toEqual([]);
    await built.ping();
  });
});
