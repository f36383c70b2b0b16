import { z } from 'zod';

/**
 * The one alert shape every intake source normalises into. Parsers (./sources) are pure: a verified HTTP body in,
 * a ParsedDelivery out; storage, dedup and correlation work only with these types.
 */

export const alertSources = [
  'alertmanager',
  'grafana',
  'datadog',
  'pagerduty',
  'opsgenie',
  'sentry',
  'cloudwatch',
  'generic',
] as const;
export type AlertSource = (typeof alertSources)[number];

export const severities = ['critical', 'high', 'warning', 'info'] as const;
export type Severity = (typeof severities)[number];

export const alertStatuses = ['firing', 'resolved'] as const;
export type AlertStatus = (typeof alertStatuses)[number];

export interface AlertLinks {
  generator?: string;
  dashboard?: string;
  runbook?: string;
  silence?: string;
}

export interface NormalizedAlert {
  source: AlertSource;
  externalId: string | null;
  fingerprint: string;
  status: AlertStatus;
  title: string;
  description: string | null;
  severity: Severity;
  service: string | null;
  environment: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date;
  endsAt: Date | null;
  links: AlertLinks;
  /** Alertmanager groupKey (or a source's native grouping key), used for correlation. */
  groupKey: string | null;
}

/** RFC 6901 JSON pointers into one generic alert object, configured per integration. */
export interface GenericFieldMapping {
  title?: string;
  service?: string;
  severity?: string;
  status?: string;
  fingerprint?: string;
  description?: string;
  environment?: string;
  externalId?: string;
}

/** An RFC 6901 pointer: empty, or `/`-separated segments where `~` only appears as `~0` or `~1`. */
export const jsonPointerSchema = z
  .string()
  .max(1_024)
  .regex(/^(\/([^~/]|~[01])*)*$/, 'must be an RFC 6901 JSON pointer such as /labels/service');

/** For the integration routes: the generic source's per-integration mapping, unknown keys rejected. */
export const genericFieldMappingSchema = z
  .object({
    title: jsonPointerSchema.optional(),
    service: jsonPointerSchema.optional(),
    severity: jsonPointerSchema.optional(),
    status: jsonPointerSchema.optional(),
    fingerprint: jsonPointerSchema.optional(),
    description: jsonPointerSchema.optional(),
    environment: jsonPointerSchema.optional(),
    externalId: jsonPointerSchema.optional(),
  })
  .strict() satisfies z.ZodType<GenericFieldMapping>;

export const alertSourceSchema = z.enum(alertSources);

export interface ParsedDelivery {
  alerts: NormalizedAlert[];
  /** A vendor delivery/event id when the payload has one, for replay detection. */
  deliveryId: string | null;
  /** SNS only: the caller confirms by fetching subscribeUrl (already checked to be an SNS host). */
  subscriptionConfirmation?: { subscribeUrl: string; topicArn: string };
}

export interface ParseContext {
  receivedAt: Date;
  mapping?: GenericFieldMapping;
  /**
   * Sentry only: the `Sentry-Hook-Resource` header (`event_alert`, `issue`, `metric_alert`). Without it the Sentry
   * parser detects the resource from the body shape.
   */
  hookResource?: string;
}

export type SourceParser = (body: unknown, context: ParseContext) => ParsedDelivery;

export function isAlertSource(value: unknown): value is AlertSource {
  return typeof value === 'string' && (alertSources as readonly string[]).includes(value);
}
