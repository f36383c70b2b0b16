/** A provider an org has connected (a cloud account, a Kubernetes cluster, Datadog…), as the agent sees it. */
export interface ConnectedProvider {
  /** The connector id tools declare in `connector`, e.g. `gcp`, `kubernetes`, `datadog`. */
  connector: string;
  /** Human name, e.g. "Google Cloud". */
  name: string;
  /** What the credentials reach, e.g. "projects: shop-prod, shop-staging (read-only)". */
  scope: string;
}

/**
 * The connectors feature implements this; until it lands, no provider is connected. Asked per request so the
 * system prompt and tool list follow what the org (and the user's own credentials) can reach right now.
 */
export interface ConnectedProviders {
  list(request: { orgId: string; userId?: string }): Promise<ConnectedProvider[]>;
}

export const noConnectedProviders: ConnectedProviders = { list: async () => [] };
