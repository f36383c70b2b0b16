import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createTestOrganization, startTestApplication } from '../support/application.js';

/** Starts a POST whose body arrives in two parts, so the request is certainly in flight between them. */
function slowRequest(url: string, path: string, firstPart: string) {
  const target = new URL(path, url);
  const request = httpRequest(target, { method: 'POST', headers: { 'content-type': 'application/json' } });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.on('response', (incoming) => {
      let body = '';
      incoming.on('data', (chunk) => {
        body += String(chunk);
      });
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
  request.write(firstPart);
  return { finish: (rest: string) => request.end(rest), response };
}

describe('graceful shutdown', () => {
  it('finishes an in-flight request, ends event streams, then refuses new connections', async () => {
    const app = await startTestApplication();
    let closed = false;
    try {
      const org = await createTestOrganization(app);
      const stream = await fetch(`${app.url}/api/v1/incidents/stream`, {
        headers: { authorization: `Bearer ${org.tokens.viewer}` },
      });
      expect(stream.status).toBe(200);

      const inFlight = slowRequest(app.url, '/api/v1/auth/login', `{"email":"${org.adminEmail}",`);
      await new Promise((resolve) => setTimeout(resolve, 200)); // the server has the headers and half the body
      const started = Date.now();
      const closing = app.close().then(() => {
        closed = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(closed).toBe(false); // still waiting for the in-flight request
      inFlight.finish('"password":"not-the-password-123"}');
      const answer = await inFlight.response;
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body).code).toBe('unauthenticated');
      await closing;
      // The open event stream did not hold the shutdown up; it was ended by the server, so reading it finishes.
      expect(Date.now() - started).toBeLessThan(5_000);
      await expect(stream.text()).resolves.toContain('retry: 3000');
      await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
    } finally {
      if (!closed) await app.close();
    }
  });
});
