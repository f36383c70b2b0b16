import type { ConnectorsConfig } from '../../config/config.js';
import type { RateLimiter, RateLimiterFactory } from '../../platform/cache/cache.js';
import { RateLimited, ValidationFailed } from '../../platform/errors.js';
import type { OutboundPolicy } from '../../platform/http-client/outbound-policy.js';
import type {
  ConnectedProvider,
  ConnectionContext,
  ConnectorsService,
  ProviderCredentials,
  ProviderId,
} from '../connectors/index.js';

export interface CloudToolsDependencies {
  connectors: ConnectorsService;
  config: ConnectorsConfig;
  rateLimiters: RateLimiterFactory;
  /** The SSRF policy, for Kubernetes API servers named in a user's kubeconfig. */
  policy: OutboundPolicy;
  /** Logs Insights polling interval (tests shorten it). */
  pollIntervalMs?: number;
}

/** Who a provider call is made for: recorded with every credential read and used for the rate-limit key. */
export interface CallerContext {
  orgId: string;
  userId?: string;
  /** The agent run (or investigation) id, recorded as the audit entry's request id. */
  requestId?: string;
  signal?: AbortSignal;
}

/**
 * The one path from a tool to a provider: picks the connection (the one named, or the org's only active one for
 * the provider), applies the seed's `rate_limit:{userId}:{endpoint}` window, and hands the call the credentials
 * through `connectors.withCredentials`, which audits the read with connection, tool and user.
 */
export class ConnectionGateway {
  private readonly limiter: RateLimiter;

  constructor(readonly dependencies: CloudToolsDependencies) {
    // Same name and limits as the connector routes' limiter, so both count in the one per-user window.
    this.limiter = dependencies.rateLimiters.create('rate_limit', {
      points: dependencies.config.rateLimitPerMinute,
      durationSeconds: 60,
    });
  }

  get config(): ConnectorsConfig {
    return this.dependencies.config;
  }

  /** Active connections of one provider. */
  async connections(orgId: string, provider: ProviderId): Promise<ConnectedProvider[]> {
    return (await this.dependencies.connectors.listConnectedProviders(orgId)).filter(
      (entry) => entry.provider === provider,
    );
  }

  async resolve(orgId: string, provider: ProviderId, connectionId?: string): Promise<ConnectedProvider> {
    const all = await this.connections(orgId, provider);
    if (connectionId) {
      const found = all.find((entry) => entry.connectionId === connectionId);
      if (!found) {
        throw new ValidationFailed(
          `No active ${provider} connection ${connectionId}; active ones: ${describe(all) || 'none'}`,
        );
      }
      return found;
    }
    if (all.length === 1 && all[0]) return all[0];
    if (all.length === 0) throw new ValidationFailed(`This organization has no active ${provider} connection`);
    throw new ValidationFailed(
      `This organization has ${all.length} ${provider} connections; pass connectionId, one of: ${describe(all)}`,
    );
  }

  /** One provider call for `tool`, under the caller's rate limit, with audited credentials. */
  async call<T>(
    provider: ProviderId,
    tool: string,
    caller: CallerContext,
    connectionId: string | undefined,
    run: (credentials: ProviderCredentials, connection: ConnectionContext) => Promise<T>,
  ): Promise<T> {
    const target = await this.resolve(caller.orgId, provider, connectionId);
    return this.callConnection(target.connectionId, tool, caller, run);
  }

  async callConnection<T>(
    connectionId: string,
    tool: string,
    caller: CallerContext,
    run: (credentials: ProviderCredentials, connection: ConnectionContext) => Promise<T>,
  ): Promise<T> {
    const subject = caller.userId || `org-${caller.orgId}`;
    const allowed = await this.limiter.consume(`${subject}:${tool}`);
    if (!allowed.allowed) {
      throw new RateLimited(
        `Too many ${tool} calls in the last minute; wait ${allowed.retryAfterSeconds} s`,
        allowed.retryAfterSeconds,
      );
    }
    return this.dependencies.connectors.withCredentials(
      caller.orgId,
      connectionId,
      { tool, userId: caller.userId || undefined, requestId: caller.requestId },
      run,
    );
  }
}

function describe(connections: ConnectedProvider[]): string {
  return connections.map((entry) => `${entry.connectionId} ("${entry.name}")`).join(', ');
}

/** Narrows the credentials to the kind a provider's tools need; anything else is a misconfigured connection. */
export function expectCredentials<Kind extends ProviderCredentials['kind']>(
  credentials: ProviderCredentials,
  kind: Kind,
): Extract<ProviderCredentials, { kind: Kind }> {
  if (credentials.kind !== kind) {
    throw new ValidationFailed(`The connection holds ${credentials.kind} credentials where ${kind} was expected`);
  }
  return credentials as Extract<ProviderCredentials, { kind: Kind }>;
}
