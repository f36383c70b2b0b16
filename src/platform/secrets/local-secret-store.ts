import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { AuditEntry, AuditLog } from '../audit/audit-log.js';
import type { Database } from '../database/database.js';
import { translateDatabaseError } from '../database/database-errors.js';
import { Forbidden } from '../errors.js';
import type { SecretRedactor } from '../logger/secret-redactor.js';
import { type MasterKey, MasterKeyError } from './master-key.js';
import {
  localReference,
  normalizeOrgId,
  parseLocalReference,
  secretNotFound,
  validateSecretData,
  validateSecretName,
} from './secret-names.js';
import type { SecretAccess, SecretData, SecretMetadata, SecretReference, SecretStore } from './secret-store.js';
import { localSecrets } from './secrets.schema.js';

/** A stored secret failed authentication: its bytes were altered, or the row was moved to another org or id. */
export class SecretIntegrityError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SecretIntegrityError';
  }
}

const ivLength = 12;
const tagLength = 16;
const dataKeyLength = 32;

/**
 * Secrets sealed in the database with envelope encryption: each value has its own AES-256-GCM data key,
 * and the data key is sealed with the master key. Both seals bind the org and secret id as AAD, so bytes
 * copied to another row or org do not decrypt.
 */
export class LocalSecretStore implements SecretStore {
  readonly backend = 'local' as const;

  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
    private readonly redactor: SecretRedactor,
    private readonly masterKey: MasterKey,
  ) {}

  async put(access: SecretAccess, name: string, data: SecretData): Promise<SecretReference> {
    const orgId = normalizeOrgId(access.orgId);
    return this.audited(access, 'secret.write', { name }, undefined, async () => {
      validateSecretName(name);
      const values = validateSecretData(data);
      for (const value of Object.values(values)) this.redactor.remember(value);
      const plaintext = Buffer.from(JSON.stringify(values), 'utf8');
      // The id is part of the AAD, so it must be known before sealing. An update keeps the existing id (and so
      // the reference); if a concurrent put created the row first, the guarded upsert changes nothing and we
      // seal again for that row's id.
      for (let attempt = 0; attempt < 5; attempt++) {
        const [existing] = await this.database.db
          .select({ id: localSecrets.id })
          .from(localSecrets)
          .where(and(eq(localSecrets.orgId, orgId), eq(localSecrets.name, name)));
        const id = existing?.id ?? randomUUID();
        const sealed = this.seal(orgId, id, plaintext);
        const reference = localReference(id);
        const written = await this.database.transaction(async (transaction) => {
          const rows = await transaction.db
            .insert(localSecrets)
            .values({ id, orgId, name, ...sealed })
            .onConflictDoUpdate({
              target: [localSecrets.orgId, localSecrets.name],
              set: {
                wrappedKey: sql`excluded.wrapped_key`,
                ciphertext: sql`excluded.ciphertext`,
                keyId: sql`excluded.key_id`,
                updatedAt: sql`now()`,
              },
              setWhere: sql`${localSecrets.id} = excluded.id`,
            })
            .returning({ id: localSecrets.id });
          if (rows.length === 0) return false;
          await this.audit.record(auditEntry(access, 'secret.write', reference, { name }), transaction);
          return true;
        });
        if (written) return { result: reference, reference, audited: true };
      }
      throw new Error(`Could not write secret "${name}": it kept changing underneath (concurrent writers)`);
    });
  }

  async get(access: SecretAccess, reference: SecretReference): Promise<SecretData> {
    const orgId = normalizeOrgId(access.orgId);
    return this.audited(access, 'secret.read', {}, reference, async () => {
      const id = parseLocalReference(reference);
      const [row] = await this.database.db
        .select()
        .from(localSecrets)
        .where(and(eq(localSecrets.id, id), eq(localSecrets.orgId, orgId)));
      if (!row) throw secretNotFound();
      const plaintext = this.open(orgId, row.id, row, reference);
      let values: SecretData;
      try {
        values = validateSecretData(JSON.parse(plaintext.toString('utf8')));
      } catch (error) {
        throw new SecretIntegrityError(`Secret ${reference} decrypted to something that is not secret data`, {
          cause: error,
        });
      }
      for (const value of Object.values(values)) this.redactor.remember(value);
      return { result: values, reference, details: { name: row.name } };
    });
  }

  async delete(access: SecretAccess, reference: SecretReference): Promise<void> {
    const orgId = normalizeOrgId(access.orgId);
    await this.audited(access, 'secret.delete', {}, reference, async () => {
      let id: string;
      try {
        id = parseLocalReference(reference);
      } catch {
        // Not a local reference, so there is nothing here to delete; deleting a missing secret is not an error.
        return { result: undefined, reference, details: { existed: false } };
      }
      return this.database.transaction(async (transaction) => {
        const rows = await transaction.db
          .delete(localSecrets)
          .where(and(eq(localSecrets.id, id), eq(localSecrets.orgId, orgId)))
          .returning({ name: localSecrets.name });
        const name = rows[0]?.name;
        await this.audit.record(
          auditEntry(access, 'secret.delete', reference, { name, existed: rows.length > 0 }),
          transaction,
        );
        return { result: undefined, reference, audited: true };
      });
    });
  }

  async metadata(access: SecretAccess, reference: SecretReference): Promise<SecretMetadata> {
    const orgId = normalizeOrgId(access.orgId);
    return this.audited(access, 'secret.metadata', {}, reference, async () => {
      const id = parseLocalReference(reference);
      const [row] = await this.database.db
        .select({
          name: localSecrets.name,
          createdAt: localSecrets.createdAt,
          updatedAt: localSecrets.updatedAt,
        })
        .from(localSecrets)
        .where(and(eq(localSecrets.id, id), eq(localSecrets.orgId, orgId)));
      if (!row) throw secretNotFound();
      return {
        result: { reference, name: row.name, createdAt: row.createdAt, updatedAt: row.updatedAt },
        reference,
        details: { name: row.name },
      };
    });
  }

  async ping(): Promise<void> {
    try {
      await this.database.query('select 1');
    } catch (error) {
      translateDatabaseError(error);
    }
  }

  async close(): Promise<void> {
    // The database and the master key belong to the caller.
  }

  private seal(
    orgId: string,
    id: string,
    plaintext: Buffer,
  ): { wrappedKey: Buffer; ciphertext: Buffer; keyId: string } {
    const dataKey = randomBytes(dataKeyLength);
    try {
      return {
        ciphertext: encrypt(dataKey, plaintext, additionalData(orgId, id, 'value')),
        wrappedKey: encrypt(this.masterKey.key, dataKey, additionalData(orgId, id, 'data-key')),
        keyId: this.masterKey.keyId,
      };
    } finally {
      dataKey.fill(0);
    }
  }

  private open(
    orgId: string,
    id: string,
    row: { wrappedKey: Buffer; ciphertext: Buffer; keyId: string },
    reference: string,
  ): Buffer {
    if (row.keyId !== this.masterKey.keyId) {
      throw new MasterKeyError(
        `Secret ${reference} was sealed with master key ${row.keyId}, but the configured master key is ` +
          `${this.masterKey.keyId}. Start Aurora with the original AURORA_MASTER_KEY or master.key file.`,
      );
    }
    let dataKey: Buffer;
    try {
      dataKey = decrypt(this.masterKey.key, row.wrappedKey, additionalData(orgId, id, 'data-key'));
    } catch (error) {
      throw new SecretIntegrityError(
        `Secret ${reference} could not be decrypted: its key was altered or it was moved from another org`,
        { cause: error },
      );
    }
    try {
      return decrypt(dataKey, row.ciphertext, additionalData(orgId, id, 'value'));
    } catch (error) {
      throw new SecretIntegrityError(
        `Secret ${reference} could not be decrypted: its ciphertext was altered or it was moved from another org`,
        { cause: error },
      );
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * Runs an operation and records it in the audit log: on success (unless the operation already did, inside its
   * own transaction), and on failure with outcome 'failure' ('denied' for Forbidden). A read whose audit row
   * cannot be written fails, so no value leaves the store unaudited.
   */
  private async audited<T>(
    access: SecretAccess,
    action: string,
    details: Record<string, unknown>,
    reference: string | undefined,
    work: () => Promise<{ result: T; reference: string; details?: Record<string, unknown>; audited?: boolean }>,
  ): Promise<T> {
    let outcome: Awaited<ReturnType<typeof work>>;
    try {
      outcome = await work();
    } catch (error) {
      await recordFailure(this.audit, access, action, reference, details, error);
      throw error;
    }
    if (!outcome.audited) {
      await this.audit.record(auditEntry(access, action, outcome.reference, { ...details, ...outcome.details }));
    }
    return outcome.result;
  }
}

function auditEntry(
  access: SecretAccess,
  action: string,
  reference: string | undefined,
  details: Record<string, unknown>,
  outcome: AuditEntry['outcome'] = 'success',
): AuditEntry {
  return {
    orgId: access.orgId,
    actor: access.actor,
    action,
    targetType: 'secret',
    // A caller-supplied reference could be anything; keep the audit row bounded.
    targetId: reference?.slice(0, 500),
    outcome,
    requestId: access.requestId,
    details: { ...details, purpose: access.purpose },
  };
}

async function recordFailure(
  audit: AuditLog,
  access: SecretAccess,
  action: string,
  reference: string | undefined,
  details: Record<string, unknown>,
  error: unknown,
): Promise<void> {
  const outcome = error instanceof Forbidden ? 'denied' : 'failure';
  try {
    await audit.record(
      auditEntry(access, action, reference, { ...details, error: (error as Error)?.name ?? 'Error' }, outcome),
    );
  } catch {
    // The original error matters more than the audit row that could not describe it (often the same outage).
  }
}

/** `aurora-secret:v1:{orgId}:{id}:{part}`: binds each sealed blob to its org, row and role. */
function additionalData(orgId: string, id: string, part: 'value' | 'data-key'): Buffer {
  return Buffer.from(`aurora-secret:v1:${orgId}:${id.toLowerCase()}:${part}`, 'utf8');
}

/** iv (12) | tag (16) | ciphertext. */
function encrypt(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(ivLength);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagLength });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

function decrypt(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < ivLength + tagLength) throw new Error('sealed value is too short');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, ivLength), { authTagLength: tagLength });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(ivLength, ivLength + tagLength));
  return Buffer.concat([decipher.update(sealed.subarray(ivLength + tagLength)), decipher.final()]);
}
