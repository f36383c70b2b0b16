import { lookup } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundFetch, OutboundRequestRefused } from '../../src/platform/http-client/outbound-fetch.js';
import { assertOutboundUrl, strictOutboundPolicy } from '../../src/platform/http-client/outbound-policy.js';

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/to-metadata') {
      response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    } else if (request.url === '/to-self') {
      response.writeHead(302, { location: '/ok' }).end();
    } else {
      response.writeHead(200, { 'content-type': 'text/plain' }).end(`ok ${request.method}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('SSRF policy for user-supplied URLs', () => {
  it('rejects non-http schemes, embedded credentials and private IP literals before saving', () => {
    expect(() => assertOutboundUrl('file:///etc/passwd', strictOutboundPolicy)).toThrow(/http or https/);
    expect(() => assertOutboundUrl('https://user:pw@example.com', strictOutboundPolicy)).toThrow(/credentials/);
    expect(() => assertOutboundUrl('http://10.1.2.3/', strictOutboundPolicy)).toThrow(/private/);
    expect(() => assertOutboundUrl('http://[::ffff:127.0.0.1]/', strictOutboundPolicy)).toThrow(/private/);
    expect(() => assertOutboundUrl('http://169.254.169.254/', strictOutboundPolicy)).toThrow(/link-local/);
    expect(() => assertOutboundUrl('http://localhost:9090/', strictOutboundPolicy)).toThrow(/loopback/);
    expect(assertOutboundUrl('https://api.openai.com/v1', strictOutboundPolicy).host).toBe('api.openai.com');
    // Private networks allowed still never reach the metadata service.
    const permissive = { allowPrivateNetworks: true, allowedHosts: [] };
    expect(() => assertOutboundUrl('http://169.254.169.254/', permissive)).toThrow(/link-local/);
    expect(assertOutboundUrl('http://10.1.2.3/', permissive).hostname).toBe('10.1.2.3');
  });

  it('refuses a loopback server by default, by name and by address', async () => {
    const strict = createOutboundFetch(strictOutboundPolicy, { timeoutMs: 2_000 });
    await expect(strict(`http://127.0.0.1:${port}/ok`)).rejects.toBeInstanceOf(Error);
    // A host name is judged by what it resolves to, inside the connection's own lookup.
    const byName = createOutboundFetch({ allowPrivateNetworks: false, allowedHosts: ['localhost'] });
    expect(await (await byName(`http://localhost:${port}/ok`)).text()).toBe('ok GET');
    const error = await createOutboundFetch({ allowPrivateNetworks: true, allowedHosts: [] })(
      `http://127.0.0.1:${port}/to-metadata`,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OutboundRequestRefused);
  });

  it('allows listed hosts and CIDR ranges and follows redirects that stay allowed', async () => {
    const listed = createOutboundFetch({ allowPrivateNetworks: false, allowedHosts: ['127.0.0.0/8'] });
    const response = await listed(`http://127.0.0.1:${port}/to-self`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok GET');
  });

  it('refuses a host name whose address is private, judged in the connection lookup', async () => {
    // A DNS stand-in answers a public-looking name with loopback, as a rebinding attacker's DNS would.
    const rebinding = ((_host: string, options: object, callback: (...args: unknown[]) => void) =>
      lookup('127.0.0.1', options, callback as never)) as unknown as typeof lookup;
    const strict = createOutboundFetch(strictOutboundPolicy, { timeoutMs: 2_000, resolve: rebinding });
    const error = await strict(`http://status.example.com:${port}/ok`).catch((caught: unknown) => caught);
    expect(String((error as Error).cause ?? error)).toMatch(/private or loopback/);
  });
});
