import { cleanLine, limits } from './normalize.js';

/**
 * Service and environment derivation, in one documented order so correlation ("same service") means the same thing
 * for every source.
 *
 * Service, first match wins:
 * 1. labels `service`, `service_name`, `app`, `app_kubernetes_io_name` (also the unsanitised `app.kubernetes.io/name`),
 *    `job`, then `deployment`, then `namespace` (Alertmanager, Grafana, generic labels);
 * 2. source-specific identity, applied by each parser before or after the labels as its table says:
 *    Datadog `service:` tag, PagerDuty `service.summary`, Opsgenie `entity` (then `service:` tag, then
 *    `details.service`), CloudWatch metric dimensions (order in `dimensionServiceOrder`), Sentry project slug.
 *
 * Environment, first match wins: labels `env`, `environment`, `deployment_environment`, `deployment.environment`,
 * `stage`; then a `namespace`/`kubernetes_namespace` label that looks like an environment (`production`,
 * `payments-prod` → `prod`); then `env:`/`environment:` tags.
 */

export const serviceLabelOrder = [
  'service',
  'service_name',
  'app',
  'app_kubernetes_io_name',
  'app.kubernetes.io/name',
  'job',
  'deployment',
  'namespace',
] as const;

export const environmentLabelOrder = [
  'env',
  'environment',
  'deployment_environment',
  'deployment.environment',
  'stage',
] as const;

const namespaceLabels = ['namespace', 'kubernetes_namespace', 'k8s_namespace'] as const;

const environmentWords = new Set([
  'prod',
  'production',
  'staging',
  'stage',
  'stg',
  'preprod',
  'dev',
  'development',
  'qa',
  'test',
  'testing',
  'uat',
  'sandbox',
  'perf',
  'demo',
]);

/**
 * CloudWatch dimensions that name a service, most specific first: ECS service, Lambda function, RDS instance and
 * cluster, load balancer, target group, EKS/ECS cluster, Auto Scaling group, SQS queue, DynamoDB table, S3 bucket,
 * API Gateway API, SNS topic, Step Functions state machine, then the bare EC2 instance id.
 */
export const dimensionServiceOrder = [
  'ServiceName',
  'FunctionName',
  'DBInstanceIdentifier',
  'DBClusterIdentifier',
  'LoadBalancer',
  'TargetGroup',
  'ClusterName',
  'AutoScalingGroupName',
  'QueueName',
  'TableName',
  'BucketName',
  'ApiName',
  'TopicName',
  'StateMachineArn',
  'InstanceId',
] as const;

function pick(record: Record<string, string>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = cleanLine(record[key], limits.identifier);
    if (value !== null) return value;
  }
  return null;
}

export function serviceFromLabels(labels: Record<string, string>): string | null {
  return pick(labels, serviceLabelOrder);
}

export function environmentFromLabels(labels: Record<string, string>): string | null {
  const explicit = pick(labels, environmentLabelOrder);
  if (explicit !== null) return explicit;
  for (const key of namespaceLabels) {
    const environment = environmentFromName(labels[key]);
    if (environment !== null) return environment;
  }
  return null;
}

/** `production` → `production`; `payments-prod` → `prod`; `payments` → null. */
export function environmentFromName(value: unknown): string | null {
  const name = cleanLine(value, limits.identifier)?.toLowerCase();
  if (!name) return null;
  if (environmentWords.has(name)) return name;
  for (const segment of name.split(/[-_.]/)) {
    if (environmentWords.has(segment)) return segment;
  }
  return null;
}

/** `service:checkout` from a tag map (see tagsToRecord). */
export function serviceFromTags(tags: Record<string, string>): string | null {
  return pick(tags, ['service']);
}

export function environmentFromTags(tags: Record<string, string>): string | null {
  return pick(tags, ['env', 'environment']);
}

export function serviceFromDimensions(dimensions: Record<string, string>): string | null {
  return pick(dimensions, dimensionServiceOrder);
}
