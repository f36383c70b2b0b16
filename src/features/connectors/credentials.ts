import type { ConnectorsConfig } from '../../config/config.js';
import { ValidationFailed } from '../../platform/errors.js';
import { assertOutboundUrl, type OutboundPolicy } from '../../platform/http-client/outbound-policy.js';
import type { SecretData } from '../../platform/secrets/secret-store.js';
import type { ConnectionSettings } from './connectors.schema.js';
import type { CredentialInput } from './credential-input.js';
import { assumeRole, callerIdentity } from './providers/aws.js';
import { readSubscription, servicePrincipalToken } from './providers/azure.js';
import { getProject, parseServiceAccountKey, serviceAccountToken } from './providers/gcp.js';
import {
  authorizationHeader,
  datadogApiUrl,
  datadogValidate,
  githubUser,
  grafanaOrganization,
  pagerdutyAbilities,
  prometheusBuildInfo,
  slackAuthTest,
} from './providers/http-apis.js';
import { assertClusterReachable, listNamespaces, selectContext } from './providers/kubernetes.js';
import type { AuthKind, ProviderId } from './providers.js';

/** What a tool gets for one provider call. Never logged, never stored outside the secret store. */
export type ProviderCredentials =
  /** GCP (OAuth or service account), Azure (service principal), GitHub, Slack, PagerDuty tokens. */
  | { kind: 'access_token'; accessToken: string; expiresAt?: Date }
  | {
      kind: 'aws';
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken?: string;
      expiresAt?: Date;
      region: string;
    }
  | { kind: 'kubeconfig'; kubeconfig: string; context: string }
  /** Prometheus, Grafana: call `url` with this Authorization header through the outbound (SSRF-guarded) fetch. */
  | { kind: 'http'; url: string; authorization: string }
  | { kind: 'datadog'; apiUrl: string; apiKey: string; applicationKey: string };

export interface CredentialDependencies {
  orgId: string;
  config: ConnectorsConfig;
  policy: OutboundPolicy;
  /** For user-supplied URLs (Prometheus, Grafana): SSRF-guarded. */
  outboundFetch: typeof fetch;
  /** For operator-configured vendor endpoints. */
  vendorFetch: typeof fetch;
  awsExternalId: () => Promise<string>;
}

/** A checked credential connection, ready to save: the secret for the store and metadata for the row. */
export interface ValidatedCredentials {
  secret: SecretData;
  account?: string;
  project?: string;
  subscription?: string;
  region?: string;
  scopes: string[];
  settings: ConnectionSettings;
  defaultName: string;
}

const allowed: Record<ProviderId, AuthKind[]> = {
  gcp: ['service_account'],
  aws: ['aws_keys', 'aws_role'],
  azure: ['service_principal'],
  kubernetes: ['kubeconfig'],
  prometheus: ['bearer', 'basic'],
  grafana: ['bearer', 'basic'],
  datadog: ['api_key'],
  github: ['token'],
  pagerduty: ['token'],
  slack: ['token'],
};

export function assertKindAllowed(provider: ProviderId, kind: AuthKind): void {
  if (!allowed[provider].includes(kind)) {
    const kinds = allowed[provider].join(', ');
    throw new ValidationFailed(
      kind === 'oauth2'
        ? `Connect ${provider} with OAuth through POST /api/v1/connectors/${provider}/oauth/start`
        : `${provider} does not take "${kind}" credentials; use one of: ${kinds}`,
    );
  }
}

function awsSessionName(orgId: string): string {
  return `aurora-${orgId.slice(0, 8)}`;
}

/**
 * Checks credentials with ONE cheap read call to the provider, and returns what to store. The same function
 * re-verifies a stored connection (the secret holds the same fields as the input).
 */
export async function validateCredentials(
  provider: ProviderId,
  input: CredentialInput,
  dependencies: CredentialDependencies,
): Promise<ValidatedCredentials> {
  assertKindAllowed(provider, input.kind);
  const { config } = dependencies;
  switch (input.kind) {
    case 'aws_keys': {
      const identity = await callerIdentity(config, input);
      return {
        secret: compact({
          kind: input.kind,
          accessKeyId: input.accessKeyId,
          secretAccessKey: input.secretAccessKey,
          sessionToken: input.sessionToken,
          region: input.region,
        }),
        account: identity.account,
        region: input.region ?? config.awsRegion,
        scopes: [],
        settings: {},
        defaultName: `AWS ${identity.account}`,
      };
    }
    case 'aws_role': {
      const externalId = await dependencies.awsExternalId();
      const assumed = await assumeRole(config, {
        roleArn: input.roleArn,
        externalId,
        sessionName: awsSessionName(dependencies.orgId),
        durationSeconds: 900,
      });
      return {
        secret: compact({ kind: input.kind, roleArn: input.roleArn, region: input.region }),
        account: assumed.account,
        region: input.region ?? config.awsRegion,
        scopes: [],
        settings: { roleArn: input.roleArn, externalId },
        defaultName: `AWS ${assumed.account}`,
      };
    }
    case 'service_principal': {
      const token = await servicePrincipalToken(config, input, dependencies.vendorFetch);
      const subscription = await readSubscription(
        config,
        token.accessToken,
        input.subscriptionId,
        dependencies.vendorFetch,
      );
      return {
        secret: compact({
          kind: input.kind,
          tenantId: input.tenantId,
          clientId: input.clientId,
          clientSecret: input.clientSecret,
          subscriptionId: subscription.id,
        }),
        account: input.tenantId,
        subscription: subscription.id,
        scopes: [],
        settings: { tenantId: input.tenantId, clientId: input.clientId },
        defaultName: `Azure ${subscription.name}`,
      };
    }
    case 'service_account': {
      const key = parseServiceAccountKey(input.key);
      const token = await serviceAccountToken(config, key, dependencies.vendorFetch);
      const project = await getProject(config, token.accessToken, key.project_id, dependencies.vendorFetch);
      return {
        secret: { kind: input.kind, key: input.key },
        account: key.client_email,
        project: project.projectId,
        scopes: [],
        settings: { clientEmail: key.client_email },
        defaultName: `GCP ${project.name}`,
      };
    }
    case 'kubeconfig': {
      const selected = await selectContext(input.kubeconfig, input.context);
      await assertClusterReachable(selected.server, dependencies.policy);
      await listNamespaces(selected.kubeconfig, 1);
      return {
        secret: { kind: input.kind, kubeconfig: selected.kubeconfig, context: selected.context },
        account: selected.cluster,
        scopes: [],
        settings: { context: selected.context, server: selected.server },
        defaultName: `Kubernetes ${selected.context}`,
      };
    }
    case 'bearer':
    case 'basic': {
      const url = assertOutboundUrl(input.url, dependencies.policy).toString().replace(/\/+$/, '');
      const authorization = authorizationHeader(input);
      const secret: SecretData =
        input.kind === 'bearer'
          ? { kind: input.kind, url, token: input.token }
          : { kind: input.kind, url, username: input.username, password: input.password };
      if (provider === 'prometheus') {
        const info = await prometheusBuildInfo(url, authorization, dependencies.outboundFetch);
        return {
          secret,
          account: new URL(url).host,
          scopes: [],
          settings: { url },
          defaultName: `Prometheus ${new URL(url).host} (${info.version})`,
        };
      }
      const organization = await grafanaOrganization(url, authorization, dependencies.outboundFetch);
      return {
        secret,
        account: organization.name,
        scopes: [],
        settings: { url },
        defaultName: `Grafana ${organization.name}`,
      };
    }
    case 'api_key': {
      await datadogValidate(datadogApiUrl(config, input.site), input, dependencies.vendorFetch);
      return {
        secret: { kind: input.kind, site: input.site, apiKey: input.apiKey, applicationKey: input.applicationKey },
        account: input.site,
        scopes: [],
        settings: { site: input.site },
        defaultName: `Datadog ${input.site}`,
      };
    }
    case 'token': {
      const secret = { kind: input.kind, token: input.token };
      if (provider === 'github') {
        const user = await githubUser(config, input.token, dependencies.vendorFetch);
        return {
          secret,
          account: user.login,
          scopes: user.scopes,
          settings: { login: user.login },
          defaultName: `GitHub ${user.login}`,
        };
      }
      if (provider === 'pagerduty') {
        await pagerdutyAbilities(config, input.token, dependencies.vendorFetch);
        return { secret, scopes: [], settings: {}, defaultName: 'PagerDuty' };
      }
      const auth = await slackAuthTest(config, input.token, dependencies.vendorFetch);
      return {
        secret,
        account: auth.team,
        scopes: [],
        settings: { team: auth.team },
        defaultName: `Slack ${auth.team}`,
      };
    }
  }
}

/** Credentials a tool can use for a non-OAuth connection; short-lived tokens are exchanged here. */
export async function resolveCredentials(
  provider: ProviderId,
  secret: SecretData,
  row: { region: string | null; subscription: string | null },
  dependencies: CredentialDependencies,
): Promise<ProviderCredentials> {
  const { config } = dependencies;
  switch (secret.kind) {
    case 'aws_keys':
      return {
        kind: 'aws',
        accessKeyId: required(secret, 'accessKeyId'),
        secretAccessKey: required(secret, 'secretAccessKey'),
        sessionToken: secret.sessionToken,
        region: row.region ?? config.awsRegion,
      };
    case 'aws_role': {
      const assumed = await assumeRole(config, {
        roleArn: required(secret, 'roleArn'),
        externalId: await dependencies.awsExternalId(),
        sessionName: awsSessionName(dependencies.orgId),
      });
      return { kind: 'aws', ...assumed, region: row.region ?? config.awsRegion };
    }
    case 'service_principal': {
      const token = await servicePrincipalToken(
        config,
        {
          tenantId: required(secret, 'tenantId'),
          clientId: required(secret, 'clientId'),
          clientSecret: required(secret, 'clientSecret'),
        },
        dependencies.vendorFetch,
      );
      return { kind: 'access_token', ...token };
    }
    case 'service_account': {
      const token = await serviceAccountToken(
        config,
        parseServiceAccountKey(required(secret, 'key')),
        dependencies.vendorFetch,
      );
      return { kind: 'access_token', ...token };
    }
    case 'kubeconfig':
      return { kind: 'kubeconfig', kubeconfig: required(secret, 'kubeconfig'), context: required(secret, 'context') };
    case 'bearer':
      return {
        kind: 'http',
        url: required(secret, 'url'),
        authorization: authorizationHeader({ kind: 'bearer', token: required(secret, 'token') }),
      };
    case 'basic':
      return {
        kind: 'http',
        url: required(secret, 'url'),
        authorization: authorizationHeader({
          kind: 'basic',
          username: required(secret, 'username'),
          password: required(secret, 'password'),
        }),
      };
    case 'api_key':
      return {
        kind: 'datadog',
        apiUrl: datadogApiUrl(config, required(secret, 'site')),
        apiKey: required(secret, 'apiKey'),
        applicationKey: required(secret, 'applicationKey'),
      };
    case 'token':
      return { kind: 'access_token', accessToken: required(secret, 'token') };
    default:
      throw new ValidationFailed(`The ${provider} connection's stored credentials are of an unknown kind`);
  }
}

function required(secret: SecretData, key: string): string {
  const value = secret[key];
  if (!value) throw new ValidationFailed(`The stored credentials lack "${key}"; connect again`);
  return value;
}

function compact(values: Record<string, string | undefined>): SecretData {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as SecretData;
}
