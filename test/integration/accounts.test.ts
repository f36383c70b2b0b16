import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';

function sessionCookie(response: { headers: Headers }): string {
  const header = response.headers.get('set-cookie') ?? '';
  const match = /aurora_session=([^;]+)/.exec(header);
  if (!match) throw new Error(`no session cookie in ${header}`);
  return `aurora_session=${match[1]}`;
}

describe('accounts', () => {
  let app: TestApplication;
  let org: TestOrganization;
  beforeAll(async () => {
    app = await startTestApplication();
    org = await createTestOrganization(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('reports whether setup is done', async () => {
    const response = await api(app, 'GET', '/api/v1/setup');
    expect(response.body.hasAdmin).toBe(true);
    expect(response.body.createAdminCommand).toContain('aurora admin create');
  });

  it('signs in with a password, uses the cookie, and signs out', async () => {
    const wrong = await api(app, 'POST', '/api/v1/auth/login', {
      body: { email: org.adminEmail, password: 'wrong-password-123' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const login = await api(app, 'POST', '/api/v1/auth/login', {
      body: { email: org.adminEmail.toUpperCase(), password: org.adminPassword },
    });
    expect(login.status).toBe(200);
    expect(login.body.organization.id).toBe(org.orgId);
    expect(login.body.role).toBe('admin');
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = sessionCookie(login);

    const session = await api(app, 'GET', '/api/v1/auth/session', { cookie });
    expect(session.status).toBe(200);
    expect(session.body.user.email).toBe(org.adminEmail);
    expect(session.body.authenticatedWith).toBe('session');

    const logout = await api(app, 'POST', '/api/v1/auth/logout', { cookie });
    expect(logout.status).toBe(204);
    const after = await api(app, 'GET', '/api/v1/auth/session', { cookie });
    expect(after.status).toBe(401);

    const audit = await api(app, 'GET', '/api/v1/audit-log?action=session.created', { token: org.tokens.admin });
    expect(audit.body.items.length).toBeGreaterThanOrEqual(1);
  });

  it('refuses cookie-authenticated changes from another origin', async () => {
    const login = await api(app, 'POST', '/api/v1/auth/login', {
      body: { email: org.adminEmail, password: org.adminPassword },
    });
    const cookie = sessionCookie(login);
    const crossSite = await api(app, 'POST', '/api/v1/tokens', {
      cookie,
      body: { name: 'csrf' },
      headers: { origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    const sameSite = await api(app, 'POST', '/api/v1/tokens', {
      cookie,
      body: { name: 'same-origin' },
      headers: { origin: app.url },
    });
    expect(sameSite.status).toBe(201);
  });

  it('creates, lists and revokes API tokens; a token never outranks its creator', async () => {
    const created = await api(app, 'POST', '/api/v1/tokens', {
      token: org.tokens.editor,
      body: { name: 'ci', role: 'viewer' },
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^aur_/);
    expect(created.body.apiToken.role).toBe('viewer');
    const tooHigh = await api(app, 'POST', '/api/v1/tokens', {
      token: org.tokens.editor,
      body: { name: 'x', role: 'admin' },
    });
    expect(tooHigh.status).toBe(403);

    const usable = await api(app, 'GET', '/api/v1/members', { token: created.body.token });
    expect(usable.status).toBe(200);
    const list = await api(app, 'GET', '/api/v1/tokens', { token: org.tokens.editor });
    expect(list.body.items.map((item: { id: string }) => item.id)).toContain(created.body.apiToken.id);
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);

    const revoked = await api(app, 'DELETE', `/api/v1/tokens/${created.body.apiToken.id}`, {
      token: org.tokens.editor,
    });
    expect(revoked.status).toBe(204);
    const afterRevoke = await api(app, 'GET', '/api/v1/members', { token: created.body.token });
    expect(afterRevoke.status).toBe(401);
  });

  it('caps a token at its user current role after a demotion', async () => {
    const extra = await createTestOrganization(app, 'demote');
    const before = await api(app, 'POST', '/api/v1/members', {
      token: extra.tokens.editor,
      body: { email: 'nobody@example.com', role: 'viewer' },
    });
    expect(before.status).toBe(403);
    const demote = await api(app, 'PATCH', `/api/v1/members/${extra.userIds.editor}`, {
      token: extra.tokens.admin,
      body: { role: 'viewer' },
    });
    expect(demote.status).toBe(204);
    const create = await api(app, 'POST', '/api/v1/tokens', {
      token: extra.tokens.editor,
      body: { name: 'after demotion', role: 'editor' },
    });
    expect(create.status).toBe(403);
  });

  it('manages members and never removes the last admin', async () => {
    const extra = await createTestOrganization(app, 'members');
    const added = await api(app, 'POST', '/api/v1/members', {
      token: extra.tokens.admin,
      body: { email: `new-${extra.orgId}@example.com`, role: 'editor', password: 'a-long-enough-password' },
    });
    expect(added.status).toBe(201);
    expect(added.body.createdUser).toBe(true);
    const weak = await api(app, 'POST', '/api/v1/members', {
      token: extra.tokens.admin,
      body: { email: `weak-${extra.orgId}@example.com`, role: 'editor', password: 'short' },
    });
    expect(weak.status).toBe(400);
    const members = await api(app, 'GET', '/api/v1/members', { token: extra.tokens.viewer });
    expect(members.body.items).toHaveLength(4);
    const lastAdmin = await api(app, 'DELETE', `/api/v1/members/${extra.adminUserId}`, { token: extra.tokens.admin });
    expect(lastAdmin.status).toBe(409);
    expect(lastAdmin.body.detail).toMatch(/at least one admin/);
    const removed = await api(app, 'DELETE', `/api/v1/members/${added.body.userId}`, { token: extra.tokens.admin });
    expect(removed.status).toBe(204);
  });

  it('switches the session between organizations the user belongs to', async () => {
    const second = await createTestOrganization(app, 'second');
    // Make the first org's admin a viewer of the second org.
    await api(app, 'POST', '/api/v1/members', {
      token: second.tokens.admin,
      body: { email: org.adminEmail, role: 'viewer' },
    });
    const login = await api(app, 'POST', '/api/v1/auth/login', {
      body: { email: org.adminEmail, password: org.adminPassword, orgId: org.orgId },
    });
    const cookie = sessionCookie(login);
    expect(login.body.organizations).toHaveLength(2);
    const switched = await api(app, 'PUT', '/api/v1/auth/session/organization', {
      cookie,
      body: { orgId: second.orgId },
      headers: { origin: app.url },
    });
    expect(switched.status).toBe(200);
    expect(switched.body.organization.id).toBe(second.orgId);
    expect(switched.body.role).toBe('viewer');
    const auditDenied = await api(app, 'GET', '/api/v1/audit-log', { cookie });
    expect(auditDenied.status).toBe(403);
    const stranger = await createTestOrganization(app, 'stranger');
    const notMember = await api(app, 'PUT', '/api/v1/auth/session/organization', {
      cookie,
      body: { orgId: stranger.orgId },
      headers: { origin: app.url },
    });
    expect(notMember.status).toBe(404);
  });

  it('rate-limits repeated failed sign-ins', async () => {
    const extra = await createTestOrganization(app, 'ratelimit');
    let limited: Awaited<ReturnType<typeof api>> | undefined;
    for (let attempt = 0; attempt < 15 && !limited; attempt++) {
      const response = await api(app, 'POST', '/api/v1/auth/login', {
        body: { email: extra.adminEmail, password: `wrong-${attempt}-password` },
      });
      if (response.status === 429) limited = response;
      else expect(response.status).toBe(401);
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
