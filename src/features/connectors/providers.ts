import type { OAuthProviderName } from '../../config/config.js';

export const providerIds = [
  'gcp',
  'aws',
  'azure',
  'kubernetes',
  'prometheus',
  'grafana',
  'datadog',
  'github',
  'pagerduty',
  'slack',
] as const;
export type ProviderId = (typeof providerIds)[number];

export const authKinds = [
  'oauth2',
  'service_account',
  'aws_keys',
  'aws_role',
  'service_principal',
  'kubeconfig',
  'bearer',
  'basic',
  'api_key',
  'token',
] as const;
export type AuthKind = (typeof authKinds)[number];

export interface ProviderDefinition {
  id: ProviderId;
  name: string;
  description: string;
  authKinds: AuthKind[];
  /** What the post-auth job looks up after connecting (empty = nothing). */
  discovers: string[];
}

/** Every provider Aurora connects to, with the ways to authenticate to it. */
export const providers: Record<ProviderId, ProviderDefinition> = {
  gcp: {
    id: 'gcp',
    name: 'Google Cloud',
    description: 'Projects, GKE, Compute Engine, Cloud SQL, Cloud Logging and Monitoring (read-only)',
    authKinds: ['oauth2', 'service_account'],
    discovers: ['projects'],
  },
  aws: {
    id: 'aws',
    name: 'Amazon Web Services',
    description: 'EC2, EKS, RDS, Lambda, CloudWatch (read-only)',
    authKinds: ['aws_role', 'aws_keys'],
    discovers: ['regions', 'accounts'],
  },
  azure: {
    id: 'azure',
    name: 'Microsoft Azure',
    description: 'VMs, AKS, SQL, App Service, Azure Monitor (read-only)',
    authKinds: ['service_principal'],
    discovers: ['subscriptions'],
  },
  kubernetes: {
    id: 'kubernetes',
    name: 'Kubernetes',
    description: 'A cluster reached with a kubeconfig context',
    authKinds: ['kubeconfig'],
    discovers: [],
  },
  prometheus: {
    id: 'prometheus',
    name: 'Prometheus',
    description: 'PromQL queries against a Prometheus-compatible API (Prometheus, Thanos, Mimir, VictoriaMetrics)',
    authKinds: ['bearer', 'basic'],
    discovers: [],
  },
  grafana: {
    id: 'grafana',
    name: 'Grafana',
    description: 'Data-source queries and alert rules through the Grafana API',
    authKinds: ['bearer', 'basic'],
    discovers: [],
  },
  datadog: {
    id: 'datadog',
    name: 'Datadog',
    description: 'Metrics, logs, monitors and events',
    authKinds: ['api_key'],
    discovers: [],
  },
  github: {
    id: 'github',
    name: 'GitHub',
    description: 'Repositories, commits, pull requests and deployments',
    authKinds: ['oauth2', 'token'],
    discovers: ['repositories'],
  },
  pagerduty: {
    id: 'pagerduty',
    name: 'PagerDuty',
    description: 'Incidents, services and on-call schedules',
    authKinds: ['token'],
    discovers: [],
  },
  slack: {
    id: 'slack',
    name: 'Slack',
    description: 'Channel history and notifications',
    authKinds: ['oauth2', 'token'],
    discovers: [],
  },
};

export const oauthProviders: readonly OAuthProviderName[] = ['gcp', 'github', 'slack'];

export function isOAuthProvider(provider: ProviderId): provider is OAuthProviderName {
  return (oauthProviders as readonly string[]).includes(provider);
}

export const authKindLabels: Record<AuthKind, string> = {
  oauth2: 'Sign in with OAuth 2.0',
  service_account: 'Service-account key (JSON)',
  aws_keys: 'Access key id and secret access key',
  aws_role: 'IAM role assumed with an external id',
  service_principal: 'Service principal (tenant, client id, client secret)',
  kubeconfig: 'kubeconfig with a selected context',
  bearer: 'URL and bearer token',
  basic: 'URL, user name and password',
  api_key: 'Site, API key and application key',
  token: 'Access token',
};

/** The documented Datadog sites; the API lives at `https://api.{site}`. */
export const datadogSites = [
  'datadoghq.com',
  'us3.datadoghq.com',
  'us5.datadoghq.com',
  'datadoghq.eu',
  'ap1.datadoghq.com',
  'ap2.datadoghq.com',
  'ddog-gov.com',
] as const;
