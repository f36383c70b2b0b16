import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/features/accounts/index.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';
import { silentLogger } from '../support/logger.js';
import {
  type BackfilledPrometheus,
  prometheusBackfillAvailable,
  startBackfilledPrometheus,
} from '../support/prometheus-server.js';
import { ProviderApisStandIn } from '../support/provider-apis-stand-in.js';

/**
 * The Prometheus, Kubernetes and GitHub adapters exposed as agent tools and as the telemetry ports an investigation
 * builds from the org's connections: Prometheus is a real one (Debian's, backfilled with a known history); the
 * Kubernetes and GitHub APIs are stand-ins answering recorded responses in their documented shapes
 * (test/fixtures/kubernetes, test/fixtures/github).
 */
const start = Math.floor(Date.now() / 1000 / 60) * 60 - 3 * 60 * 60;
const jumpAt = start + 60 * 60;
const end = start + 2 * 60 * 60;

function history(): string {
  const lines: string[] = ['# TYPE http_requests counter'];
  const series = (labels: string, perSecond: (at: number) => number) => {
    let total = 0;
    for (let at = start; at <= end; at += 15) {
      total += perSecond(at) * 15;
      lines.push(`http_requests_total{${labels}} ${total.toFixed(3)} ${at}`);
    }
  };
  series('service="checkout",code="200"', () => 10);
  series('service="checkout",code="500"', (at) => (at < jumpAt ? 0.01 : 2));
  lines.push('# EOF', '');
  return lines.join('\n');
}

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const recorded = (path: string) => JSON.parse(readFileSync(join(fixtures, path), 'utf8')) as unknown;
const kubeToken = `kube-${randomBytes(12).toString('hex')}`;
const githubToken = `ghp_${randomBytes(16).toString('hex')}`;
const fixtureWindow = { from: '2026-03-02T08:00:00Z', to: '2026-03-02T10:15:00Z' };

describe.skipIf(!prometheusBackfillAvailable)(
  `Prometheus, Kubernetes and GitHub as tools and telemetry ports${prometheusBackfillAvailable ? '' : ' (skipped: prometheus / promtool not installed)'}`,
  () => {
    let prometheus: BackfilledPrometheus;
    let standIn: ProviderApisStandIn;
    let app: TestApplication;
    let org: TestOrganization;
    const outputs: string[] = [];

    async function run(name: string, raw: Record<string, unknown>) {
      const tool = app.services.agent.registry.get(name);
      if (!tool) throw new Error(`no tool ${name}`);
      const principal: Principal = {
        kind: 'api_token',
        userId: org.userIds.viewer,
        email: 'viewer@example.com',
        orgId: org.orgId,
        role: 'viewer',
        tokenId: 'test',
      };
      const output = await tool.execute(tool.input.parse(raw), {
        orgId: org.orgId,
        runId: randomUUID(),
        principal,
        signal: AbortSignal.timeout(30_000),
        logger: silentLogger(),
      });
      outputs.push(JSON.stringify(output));
      // biome-ignore lint/suspicious/noExplicitAny: outputs are asserted field by field
      return output as any;
    }

    beforeAll(async () => {
      prometheus = await startBackfilledPrometheus(history());
      standIn = await ProviderApisStandIn.start({
        acceptedTokens: new Set([kubeToken, githubToken]),
        repositories: [{ full_name: 'acme/checkout', private: true }],
        routes: ({ url, headers }) => {
          const path = url.pathname;
          if (path.startsWith('/kubernetes/api') && path !== '/kubernetes/api/v1/namespaces') {
            if (headers.authorization !== `Bearer ${kubeToken}`) {
              return {
                status: 401,
                body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 },
              };
            }
            const selector = url.searchParams.get('labelSelector');
            if (path === '/kubernetes/api/v1/namespaces/production/pods') {
              return {
                status: 200,
                body:
                  selector === 'app.kubernetes.io/name=checkout'
                    ? recorded('kubernetes/pods.json')
                    : { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [] },
              };
            }
            if (path === '/kubernetes/api/v1/namespaces/production/events')
              return { status: 200, body: recorded('kubernetes/events.json') };
            if (path === '/kubernetes/apis/apps/v1/namespaces/production/replicasets') {
              return {
                status: 200,
                body:
                  selector === 'app.kubernetes.io/name=checkout'
                    ? recorded('kubernetes/replicasets.json')
                    : { kind: 'ReplicaSetList', apiVersion: 'apps/v1', metadata: {}, items: [] },
              };
            }
          }
          const github = /^\/github\/repos\/acme\/checkout\/(deployments|pulls|commits)$/.exec(path);
          if (github) {
            if (headers.authorization !== `token ${githubToken}`)
              return { status: 401, body: { message: 'Bad credentials' } };
            return { status: 200, body: recorded(`github/${github[1]}.json`) };
          }
          return undefined;
        },
      });
      app = await startTestApplication({
        environment: { ...standIn.environment(), AURORA_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1' },
      });
      org = await createTestOrganization(app, 'telemetry-tools');
      const kubeconfig = JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'stand-in', cluster: { server: `${standIn.url}/kubernetes`, 'insecure-skip-tls-verify': true } },
        ],
        users: [{ name: 'aurora', user: { token: kubeToken } }],
        contexts: [{ name: 'prod', context: { cluster: 'stand-in', user: 'aurora', namespace: 'production' } }],
        'current-context': 'prod',
      });
      for (const [provider, body] of [
        ['prometheus', { kind: 'bearer', url: prometheus.url, token: 'prometheus-token' }],
        ['kubernetes', { kind: 'kubeconfig', kubeconfig, context: 'prod' }],
        ['github', { kind: 'token', token: githubToken }],
      ] as const) {
        const response = await api(app, 'POST', `/api/v1/connectors/${provider}/connections`, {
          token: org.tokens.editor,
          body,
        });
        expect(response.status, `${provider}: ${response.text}`).toBe(201);
      }
      // The post-auth job records the GitHub repositories the changes port maps to services.
      const deadline = Date.now() + 15_000;
      for (;;) {
        const listed = await app.services.connectors.listConnectedProviders(org.orgId);
        if (listed.find((entry) => entry.provider === 'github')?.scope.repositories?.length) break;
        if (Date.now() > deadline) throw new Error('the GitHub post-auth job did not finish');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }, 90_000);
    afterAll(async () => {
      await app?.close();
      await standIn?.stop();
      await prometheus?.stop();
    });

    it('prometheus_query_range runs PromQL on the connected (real) Prometheus and sees the error jump', async () => {
      const result = await run('prometheus_query_range', {
        query: 'sum by (code) (rate(http_requests_total{service="checkout"}[5m]))',
        from: new Date((jumpAt - 30 * 60) * 1000).toISOString(),
        to: new Date((jumpAt + 30 * 60) * 1000).toISOString(),
        stepSeconds: 60,
      });
      const byCode = new Map(
        result.items.map((series: { labels: { code: string }; points: Array<[number, number]> }) => [
          series.labels.code,
          series.points,
        ]),
      );
      expect([...byCode.keys()].sort()).toEqual(['200', '500']);
      const errors = byCode.get('500') as Array<[number, number]>;
      expect(errors[0]![1]).toBeLessThan(0.05);
      expect(errors.at(-1)![1]).toBeCloseTo(2, 1);
      expect(result.note).toBe('step 60s');
      await expect(run('prometheus_query_range', { query: 'sum(rate(http_requests_total[5m]' })).rejects.toThrow(
        /bad_data/,
      );
    });

    it('kubernetes_describe_workload reads pods, events and rollouts with the stored kubeconfig', async () => {
      const result = await run('kubernetes_describe_workload', {
        service: 'checkout',
        namespace: 'production',
        ...fixtureWindow,
      });
      const kinds = result.items.map((item: { kind: string }) => item.kind);
      expect(kinds.filter((kind: string) => kind === 'pod')).toHaveLength(2);
      expect(result.items[0]).toMatchObject({
        kind: 'pod',
        restarts: 4,
        reason: 'CrashLoopBackOff',
        lastTerminationReason: 'OOMKilled',
      });
      expect(
        result.items
          .filter((item: { kind: string }) => item.kind === 'rollout')
          .map((item: { revision: number }) => item.revision),
      ).toEqual([41, 42]);
      expect(
        result.items.some(
          (item: { kind: string; reason?: string }) => item.kind === 'event' && item.reason === 'BackOff',
        ),
      ).toBe(true);
      // Without a namespace, the kubeconfig context's (production) is used, as kubectl would.
      const defaulted = await run('kubernetes_describe_workload', { service: 'checkout', ...fixtureWindow });
      expect(defaulted.scope).toBe('production/checkout');
      expect(defaulted.items.filter((item: { kind: string }) => item.kind === 'pod')).toHaveLength(2);
    });

    it('github_list_changes lists deployments, merged PRs and commits of the repositories', async () => {
      const result = await run('github_list_changes', fixtureWindow);
      expect(result.items.length).toBeGreaterThan(0);
      expect(result.items.every((change: { service: string }) => change.service === 'checkout')).toBe(true);
      expect(result.items.map((change: { kind: string }) => change.kind)).toContain('deploy');
      expect(standIn.requestsTo('/github/repos/acme/checkout/deployments').length).toBeGreaterThan(0);
    });

    it('telemetryFor(orgId) gives an investigation metrics, changes and kubernetes from these connections', async () => {
      const sources = await app.services.cloudTools.telemetry.telemetryFor(org.orgId);
      expect(sources.metrics?.name).toBe('prometheus');
      expect(sources.logs).toBeUndefined();
      expect(sources.changes?.name).toBe('github');
      expect(sources.kubernetes?.name).toBe('kubernetes');
      expect(sources.connected.map((entry) => `${entry.port}:${entry.provider}`).sort()).toEqual([
        'changes:github',
        'kubernetes:kubernetes',
        'metrics:prometheus',
      ]);

      const series = await sources.metrics!.query({
        service: 'checkout',
        signals: ['error_ratio'],
        window: { from: new Date((jumpAt - 30 * 60) * 1000), to: new Date((jumpAt + 30 * 60) * 1000) },
      });
      expect(series[0]?.name).toBe('error_ratio');
      expect(series[0]!.points.at(-1)![1]).toBeGreaterThan(0.15);

      const window = { from: new Date(fixtureWindow.from), to: new Date(fixtureWindow.to) };
      const changes = await sources.changes!.list({ window, services: ['checkout'] });
      expect(changes.length).toBeGreaterThan(0);
      expect(await sources.changes!.list({ window, services: ['catalog'] })).toEqual([]);
      const workload = await sources.kubernetes!.describe({ service: 'checkout', namespace: 'production', window });
      expect(workload.rollouts.map((rollout) => rollout.image)).toEqual([
        'registry.example.com/checkout:2.13.2',
        'registry.example.com/checkout:2.14.0',
      ]);

      // Background investigations (no user) read credentials as the system, audited with the port as the tool.
      const audit = await app.platform.audit.list(org.orgId, { limit: 50, action: 'connector.credentials_read' });
      expect(audit.items.map((entry) => (entry.details as { tool: string }).tool)).toEqual(
        expect.arrayContaining([
          'telemetry.metrics',
          'telemetry.changes',
          'telemetry.kubernetes',
          'prometheus_query_range',
        ]),
      );
      expect(
        audit.items.find((entry) => (entry.details as { tool: string }).tool === 'telemetry.metrics')?.actor,
      ).toEqual({ type: 'system' });
    });

    it('returns no credential in any tool output', () => {
      for (const output of outputs) {
        expect(output).not.toContain(kubeToken);
        expect(output).not.toContain(githubToken);
        expect(output).not.toContain('prometheus-token');
      }
    });
  },
);
