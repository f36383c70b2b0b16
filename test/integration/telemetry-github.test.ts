import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitHubChanges } from '../../src/features/telemetry/index.js';
import { createOutboundFetch } from '../../src/platform/http-client/outbound-fetch.js';
import { strictOutboundPolicy } from '../../src/platform/http-client/outbound-policy.js';

/**
 * The GitHub changes adapter through Octokit against a GitHub REST API stand-in: a local HTTP server answering
 * deployments, pulls and commits with recorded responses in GitHub's documented shapes (test/fixtures/github).
 */

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'github');
const token = 'ghp_standInToken000000000000000000000';

describe('GitHub changes adapter (GitHub REST API stand-in)', () => {
  let server: Server;
  let baseUrl: string;
  const seen: Array<{ path: string; authorization?: string }> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      seen.push({ path: `${url.pathname}${url.search}`, authorization: request.headers.authorization });
      const file = {
        '/repos/acme/checkout/deployments': 'deployments.json',
        '/repos/acme/checkout/pulls': 'pulls.json',
        '/repos/acme/checkout/commits': 'commits.json',
      }[url.pathname];
      if (url.pathname.startsWith('/repos/acme/broken/')) {
        response.writeHead(500, { 'content-type': 'application/json' });
        return response.end(JSON.stringify({ message: 'Server Error' }));
      }
      if (!file) {
        response.writeHead(404, { 'content-type': 'application/json' });
        return response.end(
          JSON.stringify({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }),
        );
      }
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-remaining': '4999' });
      response.end(readFileSync(join(fixtures, file)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const policy = { allowPrivateNetworks: false, allowedHosts: ['127.0.0.1'] };
  const window = { from: new Date('2026-03-02T08:00:00Z'), to: new Date('2026-03-02T10:15:00Z') };

  it('turns deployments, merged PRs (kind from labels) and direct commits into changes, without double-counting merges', async () => {
    const port = gitHubChanges({
      token,
      baseUrl,
      policy,
      fetch: createOutboundFetch(policy),
      repositories: [{ owner: 'acme', repo: 'checkout', service: 'checkout' }],
    });
    const changes = await port.list({ window, services: ['checkout'] });
    expect(changes.map((change) => ({ ...change, time: change.time.toISOString() }))).toEqual([
      {
        time: '2026-03-02T09:21:00.000Z',
        service: 'checkout',
        kind: 'deploy',
        summary: 'Commit: Hotfix: round totals half-even',
        author: 'dana',
        ref: 'acme/checkout@5e5e5e5e5e5e',
      },
      {
        time: '2026-03-02T09:40:00.000Z',
        service: 'checkout',
        kind: 'config',
        summary: 'Merged PR #812: Lower payments client timeout',
        author: 'ari',
        ref: 'acme/checkout#812',
      },
      {
        time: '2026-03-02T09:52:00.000Z',
        service: 'checkout',
        kind: 'deploy',
        summary: 'GitHub deployment of v2.14.0 to production: Deploy checkout v2.14.0 (multi-currency totals)',
        author: 'dana',
        ref: 'acme/checkout@9f2c1ab0e4d5',
      },
    ]);
    expect(seen.every((request) => request.authorization === `token ${token}`)).toBe(true);
    expect(
      seen.some((request) =>
        request.path.startsWith('/repos/acme/checkout/commits?since=2026-03-02T08%3A00%3A00.000Z'),
      ),
    ).toBe(true);
  });

  it('skips repositories of services not asked for, and fails loudly (for the evidence item) on an API error', async () => {
    const port = gitHubChanges({
      baseUrl,
      policy,
      fetch: createOutboundFetch(policy),
      repositories: [
        { owner: 'acme', repo: 'checkout', service: 'checkout' },
        { owner: 'acme', repo: 'broken', service: 'broken' },
      ],
    });
    expect(await port.list({ window, services: ['catalog'] })).toEqual([]);
    await expect(port.list({ window, services: ['broken'] })).rejects.toThrow(/Server Error|500/);
  });

  it('sends every request through the outbound guard: a forbidden GitHub Enterprise URL is refused', async () => {
    expect(() =>
      gitHubChanges({
        baseUrl,
        policy: strictOutboundPolicy,
        fetch: createOutboundFetch(strictOutboundPolicy),
        repositories: [],
      }),
    ).toThrow(/not allowed/);
    const port = gitHubChanges({
      baseUrl,
      fetch: createOutboundFetch(strictOutboundPolicy),
      repositories: [{ owner: 'acme', repo: 'checkout', service: 'checkout' }],
    });
    await expect(port.list({ window })).rejects.toThrow(/loopback|private/);
  });
});
