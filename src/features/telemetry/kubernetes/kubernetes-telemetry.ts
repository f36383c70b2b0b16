import http from 'node:http';
import https from 'node:https';
import {
  AppsV1Api,
  CoreV1Api,
  createConfiguration,
  KubeConfig,
  type RequestContext,
  ResponseContext,
  ServerConfiguration,
  wrapHttpLibrary,
} from '@kubernetes/client-node';
import { createGuardedLookup } from '../../../platform/http-client/outbound-fetch.js';
import { assertOutboundUrl, type OutboundPolicy } from '../../../platform/http-client/outbound-policy.js';
import { inWindow, type KubernetesPort, type PodState, type WorkloadState } from '../telemetry.model.js';

export interface KubernetesTelemetryOptions {
  /** A kubeconfig document (YAML), as a user uploads it; or `inCluster` to use the pod's service account. */
  kubeconfig?: string;
  inCluster?: boolean;
  context?: string;
  /** The SSRF policy: a user's kubeconfig names a user-supplied API server URL. */
  policy: OutboundPolicy;
  /** The namespace when the alert names none (default "default"). */
  defaultNamespace?: string;
  /** Pod label keys tried, in order, to find a service's pods (default app.kubernetes.io/name, then app). */
  serviceLabels?: string[];
  /** Tests stand in for DNS. */
  resolve?: Parameters<typeof createGuardedLookup>[1];
}

type AgentWithOptions = (http.Agent | https.Agent) & { options?: Record<string, unknown> };

/**
 * Kubernetes through @kubernetes/client-node 1.4 with kubeconfig or in-cluster auth. The client's own HTTP library
 * (node-fetch) is replaced by one that sends each request through an agent carrying the kubeconfig's TLS material
 * (CA, client certificate) plus the SSRF-guarded DNS lookup, because the API server is reached with client
 * certificates that platform.outbound.fetch (undici) cannot present.
 */
export function kubernetesTelemetry(options: KubernetesTelemetryOptions): KubernetesPort {
  const config = new KubeConfig();
  if (options.inCluster) config.loadFromCluster();
  else if (options.kubeconfig) config.loadFromString(options.kubeconfig);
  else throw new Error('kubernetes telemetry needs a kubeconfig or inCluster');
  if (options.context) config.setCurrentContext(options.context);
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  // In-cluster, the API server comes from the pod's environment (operator-controlled); otherwise it is user input.
  if (!options.inCluster) assertOutboundUrl(cluster.server, options.policy, 'kubernetes server');
  const lookup = createGuardedLookup(options.policy, options.resolve);
  const guardedAgents = new WeakMap<object, http.Agent>();

  const guardedAgent = (source: AgentWithOptions | undefined, secure: boolean): http.Agent => {
    const cached = source ? guardedAgents.get(source) : undefined;
    if (cached) return cached;
    const agentOptions = { ...(source?.options ?? {}), lookup } as https.AgentOptions;
    const agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    if (source) guardedAgents.set(source, agent);
    return agent;
  };

  const httpApiFor = (signal: AbortSignal | undefined) =>
    wrapHttpLibrary({
      send(request: RequestContext): Promise<ResponseContext> {
        const url = new URL(request.getUrl());
        const secure = url.protocol === 'https:';
        const agent = guardedAgent(request.getAgent() as AgentWithOptions | undefined, secure);
        return new Promise((resolve, reject) => {
          const outgoing = (secure ? https : http).request(
            url,
            { method: request.getHttpMethod().toString(), headers: request.getHeaders(), agent, signal },
            (incoming) => {
              const chunks: Buffer[] = [];
              incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
              incoming.on('error', reject);
              incoming.on('end', () => {
                const buffer = Buffer.concat(chunks);
                const headers: Record<string, string> = {};
                for (const [name, value] of Object.entries(incoming.headers)) {
                  if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
                }
                resolve(
                  new ResponseContext(incoming.statusCode ?? 0, headers, {
                    text: async () => buffer.toString('utf8'),
                    binary: async () => buffer,
                  }),
                );
              });
            },
          );
          outgoing.on('error', reject);
          const body = request.getBody();
          if (body !== undefined && body !== null) outgoing.write(body as string | Buffer);
          outgoing.end();
        });
      },
    });

  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: config },
  });
  const core = new CoreV1Api(configuration);
  const apps = new AppsV1Api(configuration);
  const labels = options.serviceLabels ?? ['app.kubernetes.io/name', 'app'];

  return {
    name: 'kubernetes',
    async describe({ service, namespace: requested, window }, callOptions): Promise<WorkloadState> {
      const namespace = requested ?? options.defaultNamespace ?? 'default';
      const perCall = { httpApi: httpApiFor(callOptions?.signal) };
      let selector = `${labels[0]}=${service}`;
      let pods = await core.listNamespacedPod({ namespace, labelSelector: selector }, perCall);
      for (const label of labels.slice(1)) {
        if (pods.items.length > 0) break;
        selector = `${label}=${service}`;
        pods = await core.listNamespacedPod({ namespace, labelSelector: selector }, perCall);
      }
      const [events, replicaSets] = await Promise.all([
        core.listNamespacedEvent({ namespace, limit: 500 }, perCall),
        apps.listNamespacedReplicaSet({ namespace, labelSelector: selector }, perCall),
      ]);
      const podNames = pods.items.map((pod) => pod.metadata?.name ?? '').filter(Boolean);
      const podStates: PodState[] = pods.items.map((pod) => {
        const statuses = pod.status?.containerStatuses ?? [];
        const waiting = statuses.map((status) => status.state?.waiting?.reason).find(Boolean);
        const terminated = statuses.map((status) => status.lastState?.terminated?.reason).find(Boolean);
        return {
          namespace,
          name: pod.metadata?.name ?? '(unnamed)',
          service,
          phase: pod.status?.phase ?? 'Unknown',
          restarts: statuses.reduce((sum, status) => sum + (status.restartCount ?? 0), 0),
          ...(waiting || pod.status?.reason ? { reason: waiting ?? pod.status?.reason } : {}),
          ...(terminated ? { lastTerminationReason: terminated } : {}),
          ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
        };
      });
      const concerning = (name: string) =>
        name === service || podNames.includes(name) || name.startsWith(`${service}-`);
      return {
        service,
        pods: podStates,
        events: events.items
          .filter((event) => concerning(event.involvedObject.name ?? ''))
          .map((event) => ({
            time: new Date(event.lastTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp ?? 0),
            namespace,
            object: `${(event.involvedObject.kind ?? 'object').toLowerCase()}/${event.involvedObject.name ?? ''}`,
            reason: event.reason ?? '',
            message: event.message ?? '',
            type: event.type ?? 'Normal',
          }))
          .filter((event) => inWindow(event.time, window))
          .sort((left, right) => left.time.getTime() - right.time.getTime()),
        rollouts: replicaSets.items
          .map((replicaSet) => ({
            revision: Number(replicaSet.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0),
            time: new Date(replicaSet.metadata?.creationTimestamp ?? 0),
            image: replicaSet.spec?.template?.spec?.containers?.[0]?.image,
            replicaSet: replicaSet.metadata?.name,
          }))
          .sort((left, right) => left.revision - right.revision),
      };
    },
  };
}
