import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { UpstreamUnavailable, ValidationFailed } from '../../../platform/errors.js';
import { assertOutboundUrl, type OutboundPolicy, refusalFor } from '../../../platform/http-client/outbound-policy.js';
import { CredentialsRejected } from '../provider-http.js';

export interface SelectedContext {
  /** A kubeconfig holding only the selected context, its cluster and its user (JSON, which is valid YAML). */
  kubeconfig: string;
  context: string;
  cluster: string;
  server: string;
  namespace?: string;
}

// Loaded on first use: the client is large and most installations never connect a cluster.
const loadClient = () => import('@kubernetes/client-node');

/**
 * Parses a kubeconfig, selects `context`, and keeps only what that context needs. Anything that would make
 * Aurora read local files, run a command or use a proxy (exec plugins, auth providers, *File paths, proxy-url)
 * is refused: the kubeconfig comes from a user, and Aurora's host is not theirs.
 */
export async function selectContext(text: string, contextName: string): Promise<SelectedContext> {
  const { KubeConfig } = await loadClient();
  const parsed = new KubeConfig();
  try {
    parsed.loadFromString(text);
  } catch (error) {
    throw new ValidationFailed(`The kubeconfig could not be read: ${(error as Error).message.slice(0, 200)}`);
  }
  const available = parsed.getContexts().map((context) => context.name);
  const context = parsed.getContextObject(contextName);
  if (!context) {
    throw new ValidationFailed(
      available.length > 0
        ? `The kubeconfig has no context "${contextName}"; it has: ${available.join(', ')}`
        : 'The kubeconfig has no contexts',
      { available },
    );
  }
  const cluster = parsed.getCluster(context.cluster);
  if (!cluster)
    throw new ValidationFailed(`Context "${contextName}" names cluster "${context.cluster}", which is missing`);
  const user = parsed.getUser(context.user);
  if (!user) throw new ValidationFailed(`Context "${contextName}" names user "${context.user}", which is missing`);
  if (user.exec || user.authProvider) {
    throw new ValidationFailed(
      'Credential plugins (exec, auth-provider) are not accepted: use a service-account token or client certificate data',
    );
  }
  if (user.certFile || user.keyFile || cluster.caFile) {
    throw new ValidationFailed('File paths are not accepted in the kubeconfig: inline them as *-data fields');
  }
  if (cluster.proxyUrl) throw new ValidationFailed('proxy-url is not accepted in the kubeconfig');
  if (user.impersonateUser) throw new ValidationFailed('Impersonation (as) is not accepted in the kubeconfig');

  const minimal = new KubeConfig();
  minimal.loadFromOptions({
    clusters: [cluster],
    users: [user],
    contexts: [context],
    currentContext: context.name,
  });
  return {
    kubeconfig: minimal.exportConfig(),
    context: context.name,
    cluster: cluster.name,
    server: cluster.server,
    namespace: context.namespace,
  };
}

/**
 * The API server URL is user input: it is checked like any other outbound URL, and its host name's addresses
 * too (the Kubernetes client opens its own connections, so the check happens before the call).
 */
export async function assertClusterReachable(server: string, policy: OutboundPolicy): Promise<void> {
  const url = assertOutboundUrl(server, policy, 'the cluster server');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return;
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    throw new ValidationFailed(`The cluster server ${host} does not resolve`);
  }
  for (const { address } of addresses) {
    const refusal = refusalFor(host, address, policy);
    if (refusal) throw new ValidationFailed(`The cluster server is not allowed: ${refusal}`);
  }
}

/** The cheap read: list one namespace. Returns how many the first page held. */
export async function listNamespaces(kubeconfig: string, limit = 1): Promise<string[]> {
  const { KubeConfig, CoreV1Api } = await loadClient();
  const config = new KubeConfig();
  config.loadFromString(kubeconfig);
  const api = config.makeApiClient(CoreV1Api);
  try {
    const list = await api.listNamespace({ limit, timeoutSeconds: 10 });
    return list.items.map((item) => item.metadata?.name ?? '').filter(Boolean);
  } catch (error) {
    const code = (error as { code?: number | string })?.code;
    if (code === 401 || code === 403) {
      throw new CredentialsRejected(`The Kubernetes API server refused the credentials (HTTP ${code})`);
    }
    if (typeof code === 'number' && code < 500) {
      throw new ValidationFailed(`The Kubernetes API server answered HTTP ${code} to listing namespaces`);
    }
    const reason = (error as { message?: string })?.message?.split('\n')[0]?.slice(0, 200) ?? 'unknown error';
    // Network failures (node-fetch's FetchError, socket codes) may pass; anything else is the kubeconfig's fault.
    if ((error as { name?: string })?.name === 'FetchError' || typeof code === 'string') {
      throw new UpstreamUnavailable(`Could not reach the Kubernetes API server: ${reason}`, 30);
    }
    throw new ValidationFailed(`The Kubernetes client refused the kubeconfig: ${reason}`);
  }
}
