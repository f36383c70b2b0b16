import { AccountsService } from '../features/accounts/index.js';
import {
  IntakeBatcher,
  IntakeService,
  IntegrationsRepository,
  IntegrationsService,
  SnsMessageVerifier,
} from '../features/alerts/index.js';
import { IncidentCorrelator, IncidentsService } from '../features/incidents/index.js';
import type { Platform } from '../platform/platform.js';

/** Feature services, built once from the platform. */
export interface Services {
  accounts: AccountsService;
  integrations: IntegrationsService;
  intake: IntakeService;
  incidents: IncidentsService;
}

/** Seams for tests that must stand in for the outside world (AWS SNS's certificates and confirmations). */
export interface ServiceOverrides {
  sns?: SnsMessageVerifier;
  confirmSubscription?: (subscribeUrl: string) => Promise<void>;
}

const outboundTimeoutMs = 10_000;

// The callers have already checked the host (an AWS SNS or Amazon Trust host); redirects could leave it, so they are refused.
async function fetchChecked(url: string): Promise<Response> {
  const response = await fetch(url, { signal: AbortSignal.timeout(outboundTimeoutMs), redirect: 'error' });
  if (!response.ok) throw new Error(`GET ${new URL(url).host} answered ${response.status}`);
  return response;
}

const fetchText = async (url: string) => (await fetchChecked(url)).text();
const fetchBytes = async (url: string) => Buffer.from(await (await fetchChecked(url)).arrayBuffer());

export function createServices(platform: Platform, overrides: ServiceOverrides = {}): Services {
  const { database, audit, events, logger, secrets, queue, rateLimiters, metrics, config } = platform;
  const accounts = new AccountsService(database, audit, { sessionTtlHours: config.auth.sessionTtlHours });
  const integrations = new IntegrationsService(
    database,
    secrets,
    audit,
    events,
    logger.child({ component: 'integrations' }),
  );
  const correlator = new IncidentCorrelator(queue);
  const batcher = new IntakeBatcher(
    database,
    correlator,
    new IntegrationsRepository(),
    events,
    logger.child({ component: 'intake' }),
    { replayWindowSeconds: 300, maxBatchAlerts: 2_000, registry: metrics.registry },
  );
  const intake = new IntakeService({
    integrations,
    batcher,
    audit,
    rateLimiters,
    logger: logger.child({ component: 'intake' }),
    registry: metrics.registry,
    verifyOptions: {
      sns: overrides.sns ?? new SnsMessageVerifier({ fetchCertificate: fetchText, fetchIssuerCertificate: fetchBytes }),
    },
    confirmSubscription: overrides.confirmSubscription ?? (async (url) => void (await fetchText(url))),
  });
  const incidents = new IncidentsService(
    database,
    queue,
    events,
    logger.child({ component: 'incidents' }),
    (orgId, userId) => accounts.isMember(orgId, userId),
  );
  return { accounts, integrations, intake, incidents };
}
