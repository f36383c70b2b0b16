import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubernetesTelemetry } from '../../src/features/telemetry/index.js';
import { strictOutboundPolicy } from '../../src/platform/http-client/outbound-policy.js';

/**
 * The Kubernetes adapter through @kubernetes/client-node 1.4 against a Kubernetes API stand-in: a local HTTP server
 * answering the three list calls with recorded responses in the API reference's shapes (test/fixtures/kubernetes).
 * No cluster can run here; everything on the client side (kubeconfig auth, request building, deserialisation) is real.
 */

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'kubernetes');
const recorded = (name: string) => readFileSync(join(fixtures, name), 'utf8');
const token = 'stand-in-service-account-token';

describe('Kubernetes telemetry adapter (Kubernetes API stand-in)', () => {
  let server: Server;
  let serverUrl: string;
  const requests: Array<{ path: string; authorization?: string }> = [];

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      requests.push({ path: `${url.pathname}${url.search}`, authorization: request.headers.authorization });
      const send = (status: number, body: string) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(body);
      };
      if (request.headers.authorization !== `Bearer ${token}`) {
        return send(
          401,
          JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 }),
        );
      }
      const selector = url.searchParams.get('labelSelector');
      if (url.pathname === '/api/v1/namespaces/production/pods') {
        if (selector === 'app.kubernetes.io/name=checkout') return send(200, recorded('pods.json'));
        return send(200, JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [] }));
      }
      if (url.pathname === '/api/v1/namespaces/production/events') return send(200, recorded('events.json'));
      if (url.pathname === '/apis/apps/v1/namespaces/production/replicasets') {
        if (selector === 'app.kubernetes.io/name=checkout') return send(200, recorded('replicasets.json'));
        return send(200, JSON.stringify({ kind: 'ReplicaSetList', apiVersion: 'apps/v1', metadata: {}, items: [] }));
      }
      send(404, JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const kubeconfig = (server: string, user = token) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'stand-in', cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'aurora', user: { token: user } }],
      contexts: [{ name: 'stand-in', context: { cluster: 'stand-in', user: 'aurora', namespace: 'production' } }],
      'current-context': 'stand-in',
    });
  const window = { from: new Date('2026-03-02T08:00:00Z'), to: new Date('2026-03-02T10:15:00Z') };
  const allowLoopback = { allowPrivateNetworks: false, allowedHosts: ['127.0.0.1'] };

  it('describes a workload from a kubeconfig: pods with restarts and termination reasons, its events, rollout history', async () => {
    const port = kubernetesTelemetry({ kubeconfig: kubeconfig(serverUrl), policy: allowLoopback });
    const state = await port.describe({ service: 'checkout', namespace: 'production', window });
    expect(state.pods).toEqual([
      expect.objectContaining({
        name: 'checkout-6c5d9f7b8-x2k4p',
        phase: 'Running',
        restarts: 4,
        reason: 'CrashLoopBackOff',
        lastTerminationReason: 'OOMKilled',
      }),
      expect.objectContaining({ name: 'checkout-6c5d9f7b8-b8m1q', restarts: 0 }),
    ]);
    // Only checkout's events (the catalog pod's is someone else's), oldest first.
    expect(state.events.map((event) => `${event.object} ${event.reason}`)).toEqual([
      'deployment/checkout ScalingReplicaSet',
      'pod/checkout-6c5d9f7b8-x2k4p BackOff',
    ]);
    expect(state.rollouts).toEqual([
      expect.objectContaining({ revision: 41, image: 'registry.example.com/checkout:2.13.2' }),
      expect.objectContaining({
        revision: 42,
        image: 'registry.example.com/checkout:2.14.0',
        time: new Date('2026-03-02T09:52:05Z'),
      }),
    ]);
    expect(requests.every((request) => request.authorization === `Bearer ${token}`)).toBe(true);
  });

  it('falls back to the app label and returns an empty workload for an unknown service', async () => {
    const port = kubernetesTelemetry({ kubeconfig: kubeconfig(serverUrl), policy: allowLoopback });
    requests.length = 0;
    const state = await port.describe({ service: 'ghost', namespace: 'production', window });
    expect(state).toEqual({ service: 'ghost', pods: [], events: [], rollouts: [] });
    expect(requests.map((request) => request.path)).toContain(
      '/api/v1/namespaces/production/pods?labelSelector=app%3Dghost',
    );
  });

  it('surfaces API errors (a rejected token) as a thrown error the engine records', async () => {
    const port = kubernetesTelemetry({ kubeconfig: kubeconfig(serverUrl, 'wrong'), policy: allowLoopback });
    await expect(port.describe({ service: 'checkout', namespace: 'production', window })).rejects.toThrow(/401/);
  });

  it('refuses an API server the outbound policy forbids, up front and on every connection', async () => {
    expect(() => kubernetesTelemetry({ kubeconfig: kubeconfig(serverUrl), policy: strictOutboundPolicy })).toThrow(
      /not allowed/,
    );
    // A host name that resolves to loopback passes the shape check but is refused when the socket resolves it.
    const port = kubernetesTelemetry({
      kubeconfig: kubeconfig(serverUrl.replace('127.0.0.1', 'cluster.example.test')),
      policy: strictOutboundPolicy,
      resolve: ((
        _host: string,
        _options: unknown,
        callback: (error: null, addresses: Array<{ address: string; family: number }>) => void,
      ) => callback(null, [{ address: '127.0.0.1', family: 4 }])) as never,
    });
    await expect(port.describe({ service: 'checkout', namespace: 'production', window })).rejects.toThrow(
      /loopback|private/,
    );
  });
});
