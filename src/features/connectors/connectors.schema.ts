import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// The accounts tables, named only so the foreign keys below can point at them (features share only their
// index.ts, and accounts' tables are not part of it). Not exported, so drizzle-kit does not see them twice.
const organizations = pgTable('organizations', { id: uuid('id').primaryKey() });
const users = pgTable('users', { id: uuid('id').primaryKey() });
const sessions = pgTable('sessions', { id: uuid('id').primaryKey() });

export const connectionStatuses = ['active', 'needs_reauth', 'error'] as const;
export type ConnectionStatus = (typeof connectionStatuses)[number];

/** Non-secret settings a connection needs to be called (a URL, a Datadog site, a kube context, a role ARN). */
export interface ConnectionSettings {
  url?: string;
  site?: string;
  context?: string;
  server?: string;
  roleArn?: string;
  externalId?: string;
  tenantId?: string;
  clientId?: string;
  clientEmail?: string;
  login?: string;
  team?: string;
}

/** What the post-auth job found: GCP projects, AWS regions and accounts, GitHub repos, Azure subscriptions. */
export interface ConnectionDiscovery {
  projects?: Array<{ projectId: string; name: string }>;
  regions?: string[];
  accounts?: Array<{ id: string; name?: string }>;
  repositories?: Array<{ fullName: string; private: boolean }>;
  subscriptions?: Array<{ id: string; name: string }>;
  truncated?: boolean;
  discoveredAt?: string;
}

/**
 * One connection to a provider. Credentials live in the secret store; the row holds only their reference
 * (`vault:…/aurora/orgs/{orgId}/connectors/{id}` or `local:{uuid}`) and metadata that is safe to show.
 */
export const connectorConnections = pgTable(
  'connector_connections',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    authKind: text('auth_kind').notNull(),
    name: text('name').notNull(),
    secretReference: text('secret_reference').notNull(),
    status: text('status', { enum: connectionStatuses }).notNull().default('active'),
    account: text('account'),
    project: text('project'),
    subscription: text('subscription'),
    region: text('region'),
    scopes: jsonb('scopes').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    settings: jsonb('settings').$type<ConnectionSettings>().notNull().default(sql`'{}'::jsonb`),
    discovery: jsonb('discovery').$type<ConnectionDiscovery>().notNull().default(sql`'{}'::jsonb`),
    /** When the OAuth access token expires (non-secret), so refreshes can be planned without reading the secret. */
    accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true }),
    lastVerifiedAt: timestamp('last_verified_at', { withTimezone: true }),
    lastError: text('last_error'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('connector_connections_org_idx').on(table.orgId, table.provider, table.createdAt)],
);

/**
 * An OAuth authorization in flight: single use (consumedAt), bound to the user and session that started it,
 * valid for 10 minutes. Only the state's SHA-256 is stored; the PKCE verifier is in the secret store.
 */
export const connectorOauthStates = pgTable(
  'connector_oauth_states',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id').references(() => sessions.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    stateHash: text('state_hash').notNull(),
    verifierReference: text('verifier_reference').notNull(),
    scopes: jsonb('scopes').$type<string[]>().notNull(),
    redirectUri: text('redirect_uri').notNull(),
    connectionName: text('connection_name'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('connector_oauth_states_hash_unique').on(table.stateHash),
    index('connector_oauth_states_expiry_idx').on(table.expiresAt),
  ],
);

/** The external id AWS roles must require from Aurora (confused-deputy protection); one per org, not a secret. */
export const connectorAwsExternalIds = pgTable('connector_aws_external_ids', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  externalId: text('external_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
