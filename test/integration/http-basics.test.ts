import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';

describe('HTTP basics', () => {
  let app: TestApplication;
  let org: TestOrganization;
  beforeAll(async () => {
    app = await startTestApplication({ environment: { AURORA_BODY_LIMIT_BYTES: '4096' } });
    org = await createTestOrganization(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers liveness and readiness with every port named', async () => {
    const live = await api(app, 'GET', '/healthz');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
    const ready = await api(app, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    expect(Object.keys(ready.body.checks).sort()).toEqual(['database', 'objects', 'queue', 'secrets']);
  });

  it('serves Prometheus metrics including request durations', async () => {
    await api(app, 'GET', '/healthz');
    const metrics = await api(app, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toContain('aurora_http_request_duration_seconds_bucket');
    expect(metrics.text).toMatch(/aurora_process_resident_memory_bytes \d+/);
    expect(metrics.text).toMatch(/aurora_queue_jobs\{queue="investigation.run",state="created"\} 0/);
  });

  it('publishes an OpenAPI 3.1 document listing the API routes', async () => {
    const document = await api(app, 'GET', '/api/v1/openapi.json');
    expect(document.status).toBe(200);
    expect(document.body.openapi).toBe('3.1.0');
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/tokens', '/api/v1/audit-log', '/readyz']),
    );
    expect(
      document.body.paths['/api/v1/tokens'].post.requestBody.content['application/json'].schema.properties,
    ).toHaveProperty('name');
  });

  it('echoes a safe X-Request-Id and replaces an unsafe one', async () => {
    const kept = await api(app, 'GET', '/healthz', { headers: { 'x-request-id': 'trace-123.abc' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-123.abc');
    const replaced = await api(app, 'GET', '/healthz', {
      headers: { 'x-request-id': 'bad id with spaces and <html>' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with a problem+json 404', async () => {
    const response = await api(app, 'GET', '/api/v1/does-not-exist', { token: org.tokens.admin });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 404, title: 'Not found', instance: '/api/v1/does-not-exist' });
    expect(response.body.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('rejects malformed JSON with 400, naming the problem', async () => {
    const response = await api(app, 'POST', '/api/v1/tokens', {
      token: org.tokens.admin,
      rawBody: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.detail).toMatch(/not valid JSON/);
  });

  it('rejects a body that fails the schema with 400 and the failing field', async () => {
    const response = await api(app, 'POST', '/api/v1/tokens', { token: org.tokens.admin, body: { name: '' } });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.errors[0].path).toBe('/name');
  });

  it('rejects an oversized body with 413', async () => {
    const response = await api(app, 'POST', '/api/v1/tokens', {
      token: org.tokens.admin,
      body: { name: 'x'.repeat(10_000) },
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('rejects an unsupported content type with 415', async () => {
    const response = await api(app, 'POST', '/api/v1/tokens', {
      token: org.tokens.admin,
      rawBody: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers 401 without credentials or with a bad token, and 403 when the role is too low', async () => {
    const missing = await api(app, 'GET', '/api/v1/members');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const bad = await api(app, 'GET', '/api/v1/members', { token: 'aur_not-a-real-token' });
    expect(bad.status).toBe(401);
    const viewer = await api(app, 'GET', '/api/v1/audit-log', { token: org.tokens.viewer });
    expect(viewer.status).toBe(403);
    expect(viewer.body.detail).toMatch(/admin role/);
    const editor = await api(app, 'POST', '/api/v1/members', {
      token: org.tokens.editor,
      body: { email: 'x@example.com', role: 'viewer' },
    });
    expect(editor.status).toBe(403);
  });

  it('counts authentication failures in the metrics', async () => {
    await api(app, 'GET', '/api/v1/members', { token: 'aur_wrong' });
    const metrics = await api(app, 'GET', '/metrics');
    expect(metrics.text).toMatch(/aurora_authentication_failures_total\{kind="api_token"\} [1-9]/);
  });
});
