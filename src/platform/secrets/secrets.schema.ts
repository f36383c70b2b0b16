import { customType, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

/**
 * The local secret store: each value is sealed with its own AES-256-GCM data key, and the data key is
 * sealed with the master key. Nothing here is readable without the master key, which never enters the database.
 */
export const localSecrets = pgTable(
  'local_secrets',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    name: text('name').notNull(),
    wrappedKey: bytea('wrapped_key').notNull(),
    ciphertext: bytea('ciphertext').notNull(),
    keyId: text('key_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique('local_secrets_org_name_unique').on(table.orgId, table.name)],
);
