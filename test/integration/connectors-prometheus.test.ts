import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';
import { type PrometheusStack, prometheusStackAvailable, startPrometheusStack } from '../support/prometheus-stack.js';

/**
 * Prometheus connections against a real Prometheus (Debian's), and the SSRF guard on user-supplied connector
 * URLs: metadata and link-local addresses always refused, private ones unless the operator allows them, and
 * redirects re-checked on every hop. Also the per-user, per-endpoint rate limit.
 */
describe.skipIf(!prometheusStackAvailable)('Prometheus connector and outbound URL policy', () => {
  let stack: PrometheusStack;
  let app: TestApplication;
  let org: TestOrganization;
  let redirector: Server;
  let redirectorUrl: string;

  beforeAll(async () => {
    stack = await startPrometheusStack({ webhookUrl: 'http://127.0.0.1:9/unused', bearerToken: 'unused', rules: [] });
    // An "on-prem Prometheus" that redirects its API to the cloud metadata service.
    redirector = createServer((_request, response) => {
      response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/' }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
    app = await startTestApplication({
      environment: { AURORA_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1', CONNECTOR_RATE_LIMIT_PER_MINUTE: '5' },
    });
    org = await createTestOrganization(app, 'prometheus');
  });
  afterAll(async () => {
    await app?.close();
    await stack?.stop();
    await new Promise((resolve) => redirector?.close(resolve));
  });

  it('connects to a real Prometheus with bearer or basic auth, checked with GET /api/v1/status/buildinfo', async () => {
    const version = (
      (await (await fetch(`${stack.prometheusUrl}/api/v1/status/buildinfo`)).json()) as {
        data: { version: string };
      }
    ).data.version;
    const bearer = await api(app, 'POST', '/api/v1/connectors/prometheus/connections', {
      token: org.tokens.editor,
      body: { kind: 'bearer', url: `${stack.prometheusUrl}/`, token: 'prometheus-bearer-token' },
    });
    expect(bearer.status).toBe(201);
    expect(bearer.body).toMatchObject({
      provider: 'prometheus',
      authKind: 'bearer',
      status: 'active',
      settings: { url: stack.prometheusUrl },
      name: `Prometheus ${new URL(stack.prometheusUrl).host} (${version})`,
    });
    const basic = await api(app, 'POST', '/api/v1/connectors/prometheus/connections', {
      token: org.tokens.editor,
      body: { kind: 'basic', name: 'On-prem', url: stack.prometheusUrl, username: 'aurora', password: 'prom-password' },
    });
    expect(basic.status).toBe(201);

    // A tool queries through the connection: the SSRF-guarded fetch, the stored Authorization.
    const result = await app.services.connectors.withCredentials(
      org.orgId,
      basic.body.id,
      { tool: 'prometheus_query', userId: org.userIds.editor },
      async (credentials, connection) => {
        if (credentials.kind !== 'http') throw new Error(`unexpected ${credentials.kind}`);
        expect(credentials.authorization).toBe(`Basic ${Buffer.from('aurora:prom-password').toString('base64')}`);
        const response = await connection.fetch(`${credentials.url}/api/v1/query?query=vector(42)`, {
          headers: { authorization: credentials.authorization },
        });
        return (await response.json()) as { data: { result: Array<{ value: [number, string] }> } };
      },
    );
    expect(result.data.result[0]?.value[1]).toBe('42');
    const connected = await app.services.connectors.listConnectedProviders(org.orgId);
    expect(connected.filter((entry) => entry.provider === 'prometheus')).toHaveLength(2);
  });

  it('refuses metadata addresses, and redirects into them, even when loopback is allowed', async () => {
    const metadata = await api(app, 'POST', '/api/v1/connectors/prometheus/connections', {
      token: org.tokens.admin,
      body: { kind: 'bearer', url: 'http://169.254.169.254/latest', token: 'x' },
    });
    expect(metadata.status).toBe(400);
    expect(metadata.body.detail).toMatch(/link-local/);

    const redirected = await api(app, 'POST', '/api/v1/connectors/grafana/connections', {
      token: org.tokens.admin,
      body: { kind: 'bearer', url: redirectorUrl, token: 'x' },
    });
    expect(redirected.status).toBe(400);
    expect(redirected.body.detail).toMatch(/Grafana URL is not allowed: .*169\.254\.169\.254/);
  });

  it('refuses private and loopback URLs unless the operator allows them', async () => {
    const strict = await startTestApplication();
    try {
      const strictOrg = await createTestOrganization(strict, 'strict');
      for (const url of [stack.prometheusUrl, 'http://10.0.0.5:9090', 'http://localhost:9090']) {
        const response = await api(strict, 'POST', '/api/v1/connectors/prometheus/connections', {
          token: strictOrg.tokens.editor,
          body: { kind: 'bearer', url, token: 'x' },
        });
        expect({ url, status: response.status }).toEqual({ url, status: 400 });
        expect(response.body.detail).toMatch(/private or loopback|loopback name/);
      }
    } finally {
      await strict.close();
    }
  });

  it('limits each user to N requests per endpoint per minute (rate_limit:{userId}:{endpoint})', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      statuses.push((await api(app, 'GET', '/api/v1/connectors/aws/external-id', { token: org.tokens.viewer })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    // Another endpoint and another user have their own windows.
    expect((await api(app, 'GET', '/api/v1/connectors', { token: org.tokens.viewer })).status).toBe(200);
    expect((await api(app, 'GET', '/api/v1/connectors/aws/external-id', { token: org.tokens.admin })).status).toBe(200);
  });
});
