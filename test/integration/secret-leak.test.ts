import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretRedactor } from '../../src/platform/logger/secret-redactor.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  tablesContaining,
} from '../support/application.js';
import { capturingLogger } from '../support/logger.js';
import { VaultStandIn } from '../support/vault-stand-in.js';

describe('a stored secret never reaches the database or the logs', () => {
  let app: TestApplication | undefined;
  let vault: VaultStandIn | undefined;
  afterEach(async () => {
    await app?.close();
    await vault?.stop();
    app = undefined;
    vault = undefined;
  });

  for (const backend of ['local', 'vault (stand-in)'] as const) {
    it(`with the ${backend} secret store`, async () => {
      const redactor = new SecretRedactor();
      const capture = capturingLogger(redactor);
      let environment: Record<string, string> = {};
      if (backend !== 'local') {
        vault = await VaultStandIn.start({ rootToken: 'root-token-for-tests' });
        environment = { SECRETS_BACKEND: 'vault', VAULT_ADDR: vault.address, VAULT_TOKEN: 'root-token-for-tests' };
      }
      app = await startTestApplication({
        logger: capture.logger,
        redactor,
        environment: { ...environment, LOG_LEVEL: 'trace' },
      });
      const org = await createTestOrganization(app);
      const plaintext = `s3cret-${randomBytes(16).toString('hex')}`;

      const access = { orgId: org.orgId, actor: { type: 'user' as const, id: org.adminUserId }, purpose: 'test' };
      const reference = await app.platform.secrets.put(access, 'connectors/leak-probe', { apiKey: plaintext });
      expect(reference).toMatch(backend === 'local' ? /^local:/ : /^vault:kv\/data\/aurora\/orgs\//);
      expect(await app.platform.secrets.get(access, reference)).toEqual({ apiKey: plaintext });

      // A careless adapter logging the value under a key no redaction path knows, and inside an error.
      app.platform.logger.warn({ upstreamResponse: `auth failed for ${plaintext}` }, 'provider call failed');
      app.platform.logger.error({ err: new Error(`token ${plaintext} rejected`) }, 'provider error');
      // A client sending it where a token goes.
      expect((await api(app, 'GET', '/api/v1/members', { token: plaintext })).status).toBe(401);

      const encodings = [plaintext, Buffer.from(plaintext).toString('base64'), Buffer.from(plaintext).toString('hex')];
      for (const encoding of encodings)
        expect({ encoding, tables: await tablesContaining(app, encoding) }).toEqual({ encoding, tables: [] });
      // The scan works: the reference the database may hold is found.
      expect(await tablesContaining(app, reference)).toContain('public.audit_log');

      const logs = capture.text();
      expect(logs).toContain('provider call failed');
      expect(logs).toContain('[REDACTED]');
      expect(logs).not.toContain(plaintext);
    });
  }
});
