import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to embedded mode on localhost:8080 with everything under ./.aurora', () => {
    const config = loadConfig({}, { cwd: '/srv/app' });
    expect(config.server).toMatchObject({ host: 'localhost', port: 8080, bodyLimitBytes: 1024 * 1024 });
    expect(config.dataDir).toBe('/srv/app/.aurora');
    expect(config.database).toEqual({ kind: 'pglite', dataDir: '/srv/app/.aurora/pglite', sharedBuffersMb: 8 });
    expect(config.objects).toEqual({ kind: 'fs', root: '/srv/app/.aurora/objects' });
    expect(config.secrets).toEqual({ backend: 'local', masterKey: undefined, keyFile: '/srv/app/.aurora/master.key' });
    expect(config.redis).toBeUndefined();
    expect(config.migrateOnStart).toBe(true);
  });

  it('switches to scaled adapters from URLs', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://aurora:pw@db:5432/aurora',
      OBJECT_STORE_URL: 's3://aurora-bucket?endpoint=http://seaweed:8333&region=eu-west-1',
      SECRETS_BACKEND: 'vault',
      VAULT_ADDR: 'https://vault:8200/',
      VAULT_ROLE_ID: 'role',
      VAULT_SECRET_ID: 'secret',
      REDIS_URL: 'redis://cache:6379',
    });
    expect(config.database).toMatchObject({
      kind: 'postgres',
      url: 'postgres://aurora:pw@db:5432/aurora',
      poolMax: 10,
    });
    expect(config.migrateOnStart).toBe(false);
    expect(config.objects).toMatchObject({
      kind: 's3',
      bucket: 'aurora-bucket',
      endpoint: 'http://seaweed:8333',
      region: 'eu-west-1',
      forcePathStyle: true,
    });
    expect(config.secrets).toMatchObject({
      backend: 'vault',
      address: 'https://vault:8200',
      auth: { kind: 'approle', roleId: 'role', secretId: 'secret', mount: 'approle' },
      kvMount: 'kv',
    });
    expect(config.redis).toEqual({ url: 'redis://cache:6379', keyPrefix: 'aurora:' });
  });

  it('accepts a base64 or hex master key of 32 bytes', () => {
    const base64 = loadConfig({ AURORA_MASTER_KEY: Buffer.alloc(32, 1).toString('base64') });
    const hex = loadConfig({ AURORA_MASTER_KEY: Buffer.alloc(32, 1).toString('hex') });
    expect(base64.secrets.backend === 'local' && base64.secrets.masterKey?.length).toBe(32);
    expect(hex.secrets.backend === 'local' && hex.secrets.masterKey?.equals(Buffer.alloc(32, 1))).toBe(true);
  });

  it.each([
    [{ AURORA_PORT: 'http' }, /AURORA_PORT/],
    [{ AURORA_PORT: '70000' }, /AURORA_PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must start with postgres/],
    [
      { OBJECT_STORE_URL: 's3://Bad_Bucket' },
      /OBJECT_STORE_URL: "bad_bucket" is not a valid S3 bucket name|OBJECT_STORE_URL/,
    ],
    [{ SECRETS_BACKEND: 'vault' }, /VAULT_ADDR: required/],
    [{ SECRETS_BACKEND: 'vault', VAULT_ADDR: 'http://v:8200' }, /VAULT_TOKEN: required/],
    [{ AURORA_MASTER_KEY: 'too-short' }, /AURORA_MASTER_KEY: must be 32 random bytes/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ REDIS_URL: 'http://cache' }, /REDIS_URL/],
    [
      { AWS_ACCESS_KEY_ID: 'AKIA', OBJECT_STORE_URL: 's3://bucket-name' },
      /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    ],
  ])('rejects %o with a message naming the variable', (environment, message) => {
    expect(() => loadConfig(environment)).toThrow(ConfigError);
    expect(() => loadConfig(environment)).toThrow(message);
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ AURORA_PORT: 'x', LOG_LEVEL: 'y' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });
});
