import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';
import { createPostgresDatabase, dropPostgresDatabase } from '../support/database.js';
import { tcpProxy } from '../support/tcp-proxy.js';

const baseUrl = process.env.DATABASE_URL;

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * PostgreSQL goes away and comes back: a TCP proxy between Aurora and the real server is cut and
 * restored. (Embedded PGlite lives inside the process and cannot go away on its own.)
 */
describe.skipIf(!baseUrl)(
  `database outage${baseUrl ? '' : ' (skipped: needs DATABASE_URL; PGlite runs in-process)'}`,
  () => {
    let app: TestApplication;
    let org: TestOrganization;
    let proxy: Awaited<ReturnType<typeof tcpProxy>>;
    let databaseUrl: string;

    beforeAll(async () => {
      databaseUrl = await createPostgresDatabase(baseUrl!);
      proxy = await tcpProxy(databaseUrl, 5432);
      const viaProxy = new URL(databaseUrl);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      app = await startTestApplication({
        environment: { DATABASE_URL: viaProxy.toString(), AURORA_MIGRATE_ON_START: 'true' },
      });
      org = await createTestOrganization(app);
    });
    let cut = false;
    afterAll(async () => {
      if (cut) await proxy.start(); // a failed assertion must not leave the app unable to shut down cleanly
      await app?.close();
      await dropPostgresDatabase(baseUrl!, databaseUrl);
    });

    it('turns /readyz 503 and requests 503 with Retry-After, then recovers without a restart', async () => {
      expect((await api(app, 'GET', '/readyz')).status).toBe(200);

      await proxy.stop();
      cut = true;
      await waitFor(async () => (await api(app, 'GET', '/readyz')).status === 503);
      const ready = await api(app, 'GET', '/readyz');
      expect(ready.headers.get('content-type')).toContain('application/problem+json');
      expect(ready.body.checks.database.ok).toBe(false);
      expect(ready.body.detail).toMatch(/database/);

      const request = await api(app, 'GET', '/api/v1/members', { token: org.tokens.viewer });
      expect(request.status).toBe(503);
      expect(request.headers.get('content-type')).toContain('application/problem+json');
      expect(Number(request.headers.get('retry-after'))).toBeGreaterThan(0);
      // The process is still serving: liveness does not depend on the database.
      expect((await api(app, 'GET', '/healthz')).status).toBe(200);

      await proxy.start();
      cut = false;
      await waitFor(async () => (await api(app, 'GET', '/readyz')).status === 200);
      const after = await api(app, 'GET', '/api/v1/members', { token: org.tokens.viewer });
      expect(after.status).toBe(200);
    });
  },
);
