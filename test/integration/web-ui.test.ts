import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuroraApp } from '../../src/features/accounts/index.js';
import { defaultWebUiDirectory, registerWebUi } from '../../src/server/http/web-ui.js';
import { api, startTestApplication, type TestApplication } from '../support/application.js';

describe('web UI serving', () => {
  let app: TestApplication;
  const assets = join(defaultWebUiDirectory, 'assets');

  beforeAll(async () => {
    app = await startTestApplication();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('serves the app shell at / and at client routes, revalidated on every load', async () => {
    const shell = readFileSync(join(defaultWebUiDirectory, 'index.html'), 'utf8');
    for (const path of [
      '/',
      '/incidents',
      '/incidents/6f1c1b7e-2f4d-4c43-9a51-0e7f1e0c2b11',
      '/settings/integrations?x=1',
    ]) {
      const response = await api(app, 'GET', path);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.text).toBe(shell);
    }
  });

  it('serves hashed assets with a year-long immutable cache', async () => {
    const script = readdirSync(assets).find((name) => /^index-.+\.js$/.test(name));
    expect(script).toBeDefined();
    const response = await api(app, 'GET', `/assets/${script}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('javascript');
    expect(response.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/);
    expect((await api(app, 'GET', '/assets/missing-0000.js')).status).toBe(404);
  });

  it('sends the bundles Brotli- or gzip-compressed when the browser accepts it, and plain otherwise', async () => {
    const script = readdirSync(assets).find((name) => /^index-.+\.js$/.test(name))!;
    const original = readFileSync(join(assets, script));
    const fetchRaw = (acceptEncoding: string) =>
      new Promise<{ encoding?: string; vary?: string; body: Buffer }>((resolve, reject) => {
        // node:http rather than fetch: fetch would decompress and hide what was on the wire.
        get(`${app.url}/assets/${script}`, { headers: { 'accept-encoding': acceptEncoding } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              encoding: response.headers['content-encoding'],
              vary: response.headers.vary,
              body: Buffer.concat(chunks),
            }),
          );
        }).on('error', reject);
      });

    const brotli = await fetchRaw('gzip, deflate, br');
    expect(brotli.encoding).toBe('br');
    expect(brotli.vary).toMatch(/accept-encoding/i);
    expect(brotli.body.length).toBeLessThan(original.length / 2);
    expect(brotliDecompressSync(brotli.body).equals(original)).toBe(true);

    const gzip = await fetchRaw('gzip');
    expect(gzip.encoding).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(original)).toBe(true);

    const plain = await fetchRaw('identity');
    expect(plain.encoding).toBeUndefined();
    expect(plain.body.equals(original)).toBe(true);
  });

  it('never answers server paths with the shell', async () => {
    for (const path of [
      '/api/v1/nope',
      '/api',
      '/hooks/generic',
      '/mcp/x',
      '/metrics/x',
      '/healthz/x',
      '/favicon.ico',
      '/assets',
    ]) {
      const response = await api(app, 'GET', path);
      expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({
        path,
        status: 404,
        type: 'application/problem+json; charset=utf-8',
      });
    }
    // /ws belongs to the WebSocket endpoint, whatever it answers a plain GET; never the shell.
    for (const path of ['/ws', '/ws/x']) {
      const response = await api(app, 'GET', path);
      expect({ path, status: response.status >= 400, html: response.text.includes('<div id="root">') }).toEqual({
        path,
        status: true,
        html: false,
      });
    }
    expect((await api(app, 'POST', '/incidents', { body: {} })).status).toBe(404);
    expect((await api(app, 'GET', '/healthz')).body).toMatchObject({ status: 'ok' });
    expect((await api(app, 'GET', '/api/v1/setup')).status).toBe(200);
  });

  it('says how to build the UI when dist/web is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'aurora-no-web-'));
    const bare = Fastify() as unknown as AuroraApp;
    try {
      await registerWebUi(bare, { directory: empty });
      for (const url of ['/', '/incidents']) {
        const response = await bare.inject({ method: 'GET', url });
        expect(response.statusCode).toBe(503);
        expect(response.body).toContain('npm run build');
      }
      expect((await bare.inject({ method: 'GET', url: '/api/v1/x' })).statusCode).toBe(404);
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
