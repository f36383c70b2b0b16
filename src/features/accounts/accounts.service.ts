import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { Database, Executor } from '../../platform/database/database.js';
import { Conflict, Forbidden, NotFound, Unauthenticated, ValidationFailed } from '../../platform/errors.js';
import { AccountsRepository, type ApiTokenRow } from './accounts.repository.js';
import { checkPasswordStrength, hashPassword, verifyPassword } from './passwords.js';
import { type Principal, principalAudit } from './principal.js';
import { type Role, roleAtLeast, weakerRole } from './roles.js';
import { generateToken, hashToken } from './secure-tokens.js';

export interface RequestMetadata {
  requestId?: string;
  ip?: string;
  userAgent?: string;
}

export interface ApiTokenView {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  userId: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export const apiTokenPrefix = 'aur_';
// Writing "last used" on every request would turn reads into writes; once a minute is enough to be useful.
const touchIntervalMs = 60_000;

export class AccountsService {
  private readonly repository = new AccountsRepository();

  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
    private readonly options: { sessionTtlHours: number; now?: () => Date },
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Bootstrap: creates an org and makes the user (created if needed) its admin. Used by `aurora admin create`. */
  async createOrganizationWithAdmin(input: {
    organizationName: string;
    email: string;
    password?: string;
    name?: string;
  }): Promise<{ orgId: string; userId: string; createdUser: boolean; generatedPassword?: string }> {
    const organizationName = input.organizationName.trim();
    if (!organizationName) throw new ValidationFailed('The organization name must not be empty');
    const email = normalizeEmail(input.email);
    if (input.password !== undefined) checkPasswordStrength(input.password);
    const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
    // A new user with no password given gets a generated one, shown once by the caller.
    const existing = await this.repository.findUserByEmail(this.database, email);
    const generatedPassword = !existing && input.password === undefined ? generateToken().slice(0, 24) : undefined;
    const newUserHash = passwordHash ?? (generatedPassword ? await hashPassword(generatedPassword) : undefined);

    return this.database.transaction(async (transaction) => {
      if (await this.repository.findOrganizationByName(transaction, organizationName)) {
        throw new Conflict(`An organization named "${organizationName}" already exists`);
      }
      const orgId = randomUUID();
      await this.repository.insertOrganization(transaction, { id: orgId, name: organizationName });
      let user = await this.repository.findUserByEmail(transaction, email);
      const createdUser = !user;
      if (!user) {
        if (!newUserHash) throw new ValidationFailed('A password is required for a new user');
        const userId = randomUUID();
        await this.repository.insertUser(transaction, {
          id: userId,
          email,
          name: input.name ?? email.split('@')[0] ?? email,
          passwordHash: newUserHash,
        });
        user = await this.repository.findUserById(transaction, userId);
      } else if (passwordHash) {
        await this.repository.updateUserPassword(transaction, user.id, passwordHash);
      }
      if (!user) throw new Error('user vanished during creation');
      await this.repository.upsertMembership(transaction, orgId, user.id, 'admin');
      const actor = { type: 'system' as const, id: 'cli' };
      await this.audit.record(
        {
          orgId,
          actor,
          action: 'organization.created',
          targetType: 'organization',
          targetId: orgId,
          details: { name: organizationName },
        },
        transaction,
      );
      await this.audit.record(
        {
          orgId,
          actor,
          action: 'member.added',
          targetType: 'user',
          targetId: user.id,
          details: { email, role: 'admin', createdUser },
        },
        transaction,
      );
      return { orgId, userId: user.id, createdUser, generatedPassword: createdUser ? generatedPassword : undefined };
    });
  }

  /** For CLI commands that act in an org by name (`aurora demo --org`, `aurora investigate --org`): one of its admins. */
  async organizationAdmin(organizationName: string): Promise<Principal> {
    const organization = await this.repository.findOrganizationByName(this.database, organizationName.trim());
    if (!organization) throw new NotFound(`There is no organization named "${organizationName}"`);
    const admin = (await this.repository.listMembers(this.database, organization.id)).find(
      (member) => member.role === 'admin',
    );
    if (!admin) throw new NotFound(`The organization "${organizationName}" has no admin`);
    return { kind: 'session', userId: admin.userId, email: admin.email, orgId: organization.id, role: 'admin' };
  }

  /**
   * A member as they stand in the org now (current role), to act as them outside a request of theirs: e.g. an
   * agent's action they approved earlier. Undefined when they are no longer a member.
   */
  async memberPrincipal(orgId: string, userId: string): Promise<Principal | undefined> {
    const [membership, user] = await Promise.all([
      this.repository.findMembership(this.database, orgId, userId),
      this.repository.findUserById(this.database, userId),
    ]);
    if (!membership || !user) return undefined;
    return { kind: 'session', userId, email: user.email, orgId, role: membership.role };
  }

  async isMember(orgId: string, userId: string): Promise<boolean> {
    return (await this.repository.findMembership(this.database, orgId, userId)) !== undefined;
  }

  async hasAdmin(): Promise<boolean> {
    return (await this.repository.countAdmins(this.database)) > 0;
  }

  /** Checks the password and opens a session. Failures are audited and all look the same to the caller. */
  async login(
    input: { email: string; password: string; orgId?: string },
    metadata: RequestMetadata,
  ): Promise<{ token: string; expiresAt: Date; principal: Principal }> {
    const email = normalizeEmail(input.email);
    const user = await this.repository.findUserByEmail(this.database, email);
    const valid = await verifyPassword(user?.passwordHash ?? null, input.password);
    if (!user || !valid || user.disabledAt) {
      await this.audit.record({
        orgId: null,
        actor: { type: 'anonymous' },
        action: 'session.login_failed',
        outcome: 'failure',
        requestId: metadata.requestId,
        ip: metadata.ip,
        details: { email },
      });
      throw new Unauthenticated('The e-mail or password is wrong');
    }
    const organizations = await this.repository.listOrganizationsOfUser(this.database, user.id);
    const organization = input.orgId ? organizations.find((entry) => entry.id === input.orgId) : organizations[0];
    if (!organization) throw new Forbidden('This user is not a member of that organization');

    const token = generateToken();
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.options.sessionTtlHours * 3_600_000);
    const sessionId = randomUUID();
    await this.database.transaction(async (transaction) => {
      await this.repository.insertSession(transaction, {
        id: sessionId,
        tokenHash: hashToken(token),
        userId: user.id,
        orgId: organization.id,
        userAgent: metadata.userAgent?.slice(0, 500),
        ip: metadata.ip,
        expiresAt,
      });
      await this.audit.record(
        {
          orgId: organization.id,
          actor: { type: 'user', id: user.id },
          action: 'session.created',
          targetType: 'session',
          targetId: sessionId,
          requestId: metadata.requestId,
          ip: metadata.ip,
        },
        transaction,
      );
    });
    return {
      token,
      expiresAt,
      principal: {
        kind: 'session',
        userId: user.id,
        email: user.email,
        orgId: organization.id,
        role: organization.role,
        sessionId,
      },
    };
  }

  /** The principal for a session cookie, or undefined when it is unknown or expired. Sessions slide. */
  async authenticateSession(token: string): Promise<Principal | undefined> {
    const now = this.now();
    const session = await this.repository.findSession(this.database, hashToken(token), now);
    if (!session) return undefined;
    if (now.getTime() - session.lastSeenAt.getTime() > touchIntervalMs) {
      const expiresAt = new Date(now.getTime() + this.options.sessionTtlHours * 3_600_000);
      await this.repository.touchSession(this.database, session.sessionId, now, expiresAt);
    }
    return {
      kind: 'session',
      userId: session.userId,
      email: session.email,
      orgId: session.orgId,
      role: session.role,
      sessionId: session.sessionId,
    };
  }

  /** The principal for an API token; its role is capped by the user's current role in the org. */
  async authenticateApiToken(token: string): Promise<Principal | undefined> {
    if (!token.startsWith(apiTokenPrefix)) return undefined;
    const now = this.now();
    const row = await this.repository.findApiToken(this.database, hashToken(token), now);
    if (!row) return undefined;
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > touchIntervalMs) {
      await this.repository.touchApiToken(this.database, row.tokenId, now);
    }
    return {
      kind: 'api_token',
      userId: row.userId,
      email: row.email,
      orgId: row.orgId,
      role: weakerRole(row.tokenRole, row.memberRole),
      tokenId: row.tokenId,
    };
  }

  async logout(principal: Principal, metadata: RequestMetadata): Promise<void> {
    if (!principal.sessionId) return;
    await this.database.transaction(async (transaction) => {
      await this.repository.deleteSession(transaction, principal.sessionId!);
      await this.audit.record(
        principalAudit(principal, metadata, {
          action: 'session.ended',
          targetType: 'session',
          targetId: principal.sessionId,
        }),
        transaction,
      );
    });
  }

  /** Moves the session to another org the user belongs to; returns the principal it now carries. */
  async switchOrganization(principal: Principal, orgId: string): Promise<Principal> {
    if (!principal.sessionId) {
      throw new ValidationFailed('Only browser sessions can switch organization; an API token belongs to one');
    }
    const membership = await this.repository.findMembership(this.database, orgId, principal.userId);
    if (!membership) throw new NotFound('Organization not found');
    await this.repository.switchSessionOrganization(this.database, principal.sessionId, orgId);
    return { ...principal, orgId, role: membership.role };
  }

  async describe(principal: Principal) {
    const user = await this.repository.findUserById(this.database, principal.userId);
    const organization = await this.repository.findOrganization(this.database, principal.orgId);
    if (!user || !organization) throw new Unauthenticated('The session is no longer valid');
    const organizations = await this.repository.listOrganizationsOfUser(this.database, principal.userId);
    return {
      user: { id: user.id, email: user.email, name: user.name },
      organization: { id: organization.id, name: organization.name },
      role: principal.role,
      authenticatedWith: principal.kind,
      organizations,
    };
  }

  // --- API tokens ---------------------------------------------------------------------------------

  async createApiToken(
    principal: Principal,
    input: { name: string; role?: Role; expiresInDays?: number },
    metadata: RequestMetadata = {},
  ): Promise<{ token: string; apiToken: ApiTokenView }> {
    const role = input.role ?? principal.role;
    if (!roleAtLeast(principal.role, role)) {
      throw new Forbidden(`A ${principal.role} cannot create a token with the ${role} role`);
    }
    const name = input.name.trim();
    if (!name) throw new ValidationFailed('The token name must not be empty');
    const token = generateToken(apiTokenPrefix);
    const id = randomUUID();
    const expiresAt = input.expiresInDays ? new Date(this.now().getTime() + input.expiresInDays * 86_400_000) : null;
    await this.database.transaction(async (transaction) => {
      await this.repository.insertApiToken(transaction, {
        id,
        orgId: principal.orgId,
        userId: principal.userId,
        name,
        tokenHash: hashToken(token),
        tokenPrefix: token.slice(0, apiTokenPrefix.length + 6),
        role,
        expiresAt,
      });
      await this.audit.record(
        principalAudit(principal, metadata, {
          action: 'api_token.created',
          targetType: 'api_token',
          targetId: id,
          details: { name, role },
        }),
        transaction,
      );
    });
    const row = await this.repository.findApiTokenById(this.database, principal.orgId, id);
    if (!row) throw new Error('token vanished after creation');
    return { token, apiToken: toApiTokenView(row) };
  }

  /** For `aurora token create`: acts as the user, in their only org or the one named. */
  async createApiTokenForUser(input: {
    email: string;
    name: string;
    role?: Role;
    organizationName?: string;
    expiresInDays?: number;
  }): Promise<{ token: string; apiToken: ApiTokenView }> {
    const user = await this.repository.findUserByEmail(this.database, normalizeEmail(input.email));
    if (!user) throw new NotFound(`No user with the e-mail ${input.email}`);
    const organizations = await this.repository.listOrganizationsOfUser(this.database, user.id);
    let organization = organizations[0];
    if (input.organizationName) {
      organization = organizations.find((entry) => entry.name === input.organizationName);
      if (!organization)
        throw new NotFound(`${input.email} is not a member of an organization named "${input.organizationName}"`);
    } else if (organizations.length > 1) {
      throw new ValidationFailed(
        `${input.email} belongs to several organizations (${organizations.map((entry) => entry.name).join(', ')}); choose one with --org`,
      );
    }
    if (!organization) throw new NotFound(`${input.email} is not a member of any organization`);
    const principal: Principal = {
      kind: 'session',
      userId: user.id,
      email: user.email,
      orgId: organization.id,
      role: organization.role,
    };
    return this.createApiToken(principal, input);
  }

  async listApiTokens(principal: Principal): Promise<ApiTokenView[]> {
    const rows = await this.repository.listApiTokens(
      this.database,
      principal.orgId,
      principal.role === 'admin' ? undefined : principal.userId,
    );
    return rows.map(toApiTokenView);
  }

  async revokeApiToken(principal: Principal, tokenId: string, metadata: RequestMetadata = {}): Promise<void> {
    const row = await this.repository.findApiTokenById(this.database, principal.orgId, tokenId);
    if (!row || (row.userId !== principal.userId && principal.role !== 'admin'))
      throw new NotFound('API token not found');
    if (row.revokedAt) return;
    await this.database.transaction(async (transaction) => {
      await this.repository.revokeApiToken(transaction, principal.orgId, tokenId, this.now());
      await this.audit.record(
        principalAudit(principal, metadata, {
          action: 'api_token.revoked',
          targetType: 'api_token',
          targetId: tokenId,
        }),
        transaction,
      );
    });
  }

  // --- Members ------------------------------------------------------------------------------------

  async listMembers(principal: Principal) {
    const rows = await this.repository.listMembers(this.database, principal.orgId);
    return rows.map((row) => ({ ...row, joinedAt: row.joinedAt.toISOString() }));
  }

  /** Adds a user to the org, creating the user when the e-mail is new (then a password is required). */
  async addMember(
    principal: Principal,
    input: { email: string; role: Role; name?: string; password?: string },
    metadata: RequestMetadata = {},
  ): Promise<{ userId: string; createdUser: boolean }> {
    const email = normalizeEmail(input.email);
    if (input.password !== undefined) checkPasswordStrength(input.password);
    const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
    return this.database.transaction(async (transaction) => {
      let user = await this.repository.findUserByEmail(transaction, email);
      const createdUser = !user;
      if (!user) {
        if (!passwordHash) throw new ValidationFailed('A password is required to create a new user');
        const userId = randomUUID();
        await this.repository.insertUser(transaction, {
          id: userId,
          email,
          name: input.name ?? email.split('@')[0] ?? email,
          passwordHash,
        });
        user = await this.repository.findUserById(transaction, userId);
      } else if (await this.repository.findMembership(transaction, principal.orgId, user.id)) {
        throw new Conflict(`${email} is already a member; change their role instead`);
      }
      if (!user) throw new Error('user vanished during creation');
      await this.repository.upsertMembership(transaction, principal.orgId, user.id, input.role);
      await this.audit.record(
        principalAudit(principal, metadata, {
          action: 'member.added',
          targetType: 'user',
          targetId: user.id,
          details: { email, role: input.role, createdUser },
        }),
        transaction,
      );
      return { userId: user.id, createdUser };
    });
  }

  async changeMemberRole(
    principal: Principal,
    userId: string,
    role: Role,
    metadata: RequestMetadata = {},
  ): Promise<void> {
    await this.database.transaction(async (transaction) => {
      const membership = await this.repository.findMembership(transaction, principal.orgId, userId);
      if (!membership) throw new NotFound('Member not found');
      if (membership.role === 'admin' && role !== 'admin') await this.assertNotLastAdmin(transaction, principal.orgId);
      await this.repository.upsertMembership(transaction, principal.orgId, userId, role);
      await this.audit.record(
        principalAudit(principal, metadata, {
          action: 'member.role_changed',
          targetType: 'user',
          targetId: userId,
          details: { from: membership.role, to: role },
        }),
        transaction,
      );
    });
  }

  async removeMember(principal: Principal, userId: string, metadata: RequestMetadata = {}): Promise<void> {
    await this.database.transaction(async (transaction) => {
      const membership = await this.repository.findMembership(transaction, principal.orgId, userId);
      if (!membership) throw new NotFound('Member not found');
      if (membership.role === 'admin') await this.assertNotLastAdmin(transaction, principal.orgId);
      await this.repository.deleteMembership(transaction, principal.orgId, userId);
      await this.audit.record(
        principalAudit(principal, metadata, { action: 'member.removed', targetType: 'user', targetId: userId }),
        transaction,
      );
    });
  }

  private async assertNotLastAdmin(executor: Executor, orgId: string) {
    if ((await this.repository.countAdmins(executor, orgId)) <= 1) {
      throw new Conflict('An organization needs at least one admin; promote someone else first');
    }
  }

  async deleteExpiredSessions(): Promise<number> {
    return this.repository.deleteExpiredSessions(this.database, this.now());
  }
}

function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(normalized) || normalized.length > 320) {
    throw new ValidationFailed(`"${email}" is not a valid e-mail address`);
  }
  return normalized;
}

function toApiTokenView(row: ApiTokenRow): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.tokenPrefix,
    userId: row.userId,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
