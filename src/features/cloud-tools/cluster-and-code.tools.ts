import { KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';
import { ValidationFailed } from '../../platform/errors.js';
import { type AnyToolDefinition, defineTool } from '../agent/index.js';
import { joinUrl } from '../connectors/index.js';
import { gitHubChanges, kubernetesTelemetry } from '../telemetry/index.js';
import { type ConnectionGateway, expectCredentials } from './connection-gateway.js';
import { requestSignal } from './provider-request.js';
import {
  callerOf,
  connectionIdField,
  fitPage,
  listToolTimeoutMs,
  toolOutputCapChars,
  windowFields,
  windowOf,
} from './tool-fields.js';

const prometheusResponse = z.object({
  status: z.enum(['success', 'error']),
  errorType: z.string().optional(),
  error: z.string().optional(),
  data: z
    .object({
      resultType: z.string(),
      result: z.array(
        z.object({
          metric: z.record(z.string(), z.string()),
          values: z.array(z.tuple([z.number(), z.string()])).optional(),
          value: z.tuple([z.number(), z.string()]).optional(),
        }),
      ),
    })
    .optional(),
});

/** The namespace the kubeconfig's context names, which `kubectl` would use too. */
export function contextNamespace(kubeconfig: string, context: string): string | undefined {
  const config = new KubeConfig();
  config.loadFromString(kubeconfig);
  return config.getContextObject(context)?.namespace;
}

const serviceName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9._-]{0,251}[a-z0-9])?$/i, 'a workload or service name')
  .describe('the service: pods are found by app.kubernetes.io/name or app label');

/** Prometheus (PromQL over the org's Prometheus connections), Kubernetes workloads and GitHub changes as tools. */
export function clusterAndCodeTools(gateway: ConnectionGateway): AnyToolDefinition[] {
  return [
    defineTool({
      name: 'prometheus_query_range',
      description:
        'Run a PromQL range query on a connected Prometheus (or Thanos/Mimir/VictoriaMetrics). Points are [epoch ms, value]; the step grows so a series stays under 250 points.',
      input: z.object({
        connectionId: connectionIdField,
        query: z.string().min(1).max(4_000),
        ...windowFields,
        stepSeconds: z.number().int().min(1).max(86_400).default(60),
        limit: z.number().int().min(1).max(200).default(50).describe('series at most'),
      }),
      access: 'readOnly',
      connector: 'prometheus',
      timeoutMs: listToolTimeoutMs,
      outputCapChars: toolOutputCapChars + 500,
      execute: async (input, context) => {
        const caller = callerOf(context);
        const window = windowOf(input);
        return gateway.call(
          'prometheus',
          'prometheus_query_range',
          caller,
          input.connectionId,
          async (credentials, connection) => {
            const http = expectCredentials(credentials, 'http');
            const rangeSeconds = (window.to.getTime() - window.from.getTime()) / 1000;
            const step = Math.max(input.stepSeconds, Math.ceil(rangeSeconds / 250));
            const url = new URL(joinUrl(http.url, 'api/v1/query_range'));
            url.searchParams.set('query', input.query);
            url.searchParams.set('start', (window.from.getTime() / 1000).toFixed(3));
            url.searchParams.set('end', (window.to.getTime() / 1000).toFixed(3));
            url.searchParams.set('step', `${step}s`);
            url.searchParams.set('limit', String(input.limit));
            const response = await connection.fetch(url, {
              headers: { authorization: http.authorization, accept: 'application/json' },
              signal: requestSignal(caller.signal),
            });
            const body = prometheusResponse.safeParse(await response.json().catch(() => null));
            if (!body.success)
              throw new ValidationFailed(`Prometheus answered HTTP ${response.status} with an unexpected body`);
            if (body.data.status === 'error' || !body.data.data) {
              throw new ValidationFailed(
                `Prometheus rejected the query: ${body.data.errorType ?? 'error'}: ${body.data.error ?? ''}`,
              );
            }
            const series = body.data.data.result.map((result) => ({
              labels: result.metric,
              points: (result.values ?? (result.value ? [result.value] : []))
                .map(([at, value]): [number, number] => [Math.round(at * 1000), Number(value)])
                .filter(([, value]) => Number.isFinite(value)),
            }));
            return fitPage({
              connection: { id: connection.id, name: connection.name },
              items: series.slice(0, input.limit),
              ...(series.length > input.limit ? { omitted: series.length - input.limit } : {}),
              note: `step ${step}s`,
            });
          },
        );
      },
    }),
    defineTool({
      name: 'kubernetes_describe_workload',
      description:
        "A workload's state on a connected Kubernetes cluster: its pods (phase, restarts, waiting and last termination reasons, node), the events about it in the time range, and its rollout history (ReplicaSet revisions and images).",
      input: z.object({
        connectionId: connectionIdField,
        service: serviceName,
        namespace: z
          .string()
          .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/)
          .optional()
          .describe("default: the context's namespace or default"),
        ...windowFields,
      }),
      access: 'readOnly',
      connector: 'kubernetes',
      timeoutMs: listToolTimeoutMs,
      outputCapChars: toolOutputCapChars + 500,
      execute: async (input, context) => {
        const caller = callerOf(context);
        const window = windowOf(input);
        return gateway.call(
          'kubernetes',
          'kubernetes_describe_workload',
          caller,
          input.connectionId,
          async (credentials, connection) => {
            const kube = expectCredentials(credentials, 'kubeconfig');
            const namespace = input.namespace ?? contextNamespace(kube.kubeconfig, kube.context) ?? 'default';
            const port = kubernetesTelemetry({
              kubeconfig: kube.kubeconfig,
              context: kube.context,
              policy: gateway.dependencies.policy,
            });
            const state = await port.describe({ service: input.service, namespace, window }, { signal: caller.signal });
            return fitPage({
              connection: { id: connection.id, name: connection.name },
              scope: `${namespace}/${input.service}`,
              items: [
                ...state.pods.map((pod) => ({ kind: 'pod', ...pod })),
                ...state.rollouts
                  .slice(-10)
                  .map((rollout) => ({ kind: 'rollout', ...rollout, time: rollout.time.toISOString() })),
                ...state.events
                  .slice(-50)
                  .map((event) => ({ kind: 'event', ...event, time: event.time.toISOString() })),
              ],
            });
          },
        );
      },
    }),
    defineTool({
      name: 'github_list_changes',
      description:
        'Changes in GitHub repositories in a time range: deployments, merged pull requests (kind from their labels) and direct commits, oldest first.',
      input: z.object({
        connectionId: connectionIdField,
        repositories: z
          .array(z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'owner/repo'))
          .min(1)
          .max(10)
          .optional()
          .describe("owner/repo names; default: the connection's 10 most recently pushed repositories"),
        environment: z.string().max(100).optional().describe('only deployments to this environment'),
        ...windowFields,
      }),
      access: 'readOnly',
      connector: 'github',
      timeoutMs: listToolTimeoutMs,
      outputCapChars: toolOutputCapChars + 500,
      execute: async (input, context) => {
        const caller = callerOf(context);
        const window = windowOf(input);
        return gateway.call(
          'github',
          'github_list_changes',
          caller,
          input.connectionId,
          async (credentials, connection) => {
            const repositories = input.repositories ?? connection.scope.repositories?.slice(0, 10) ?? [];
            if (repositories.length === 0) throw new ValidationFailed('Name the repositories (owner/repo) to look at');
            const port = gitHubChanges({
              token: expectCredentials(credentials, 'access_token').accessToken,
              baseUrl: gateway.config.githubApiUrl,
              fetch: connection.fetch,
              repositories: repositories.map((repository) => {
                const [owner = '', repo = ''] = repository.split('/');
                return { owner, repo, service: repo, environment: input.environment };
              }),
            });
            const changes = await port.list({ window }, { signal: caller.signal });
            return fitPage({
              connection: { id: connection.id, name: connection.name },
              items: changes.map((change) => ({ ...change, time: change.time.toISOString() })),
            });
          },
        );
      },
    }),
  ];
}
