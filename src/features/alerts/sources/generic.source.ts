import type {
  AlertStatus,
  GenericFieldMapping,
  NormalizedAlert,
  ParseContext,
  ParsedDelivery,
} from '../alert.model.js';
import { parseTimestamp, timestampOr } from './dates.js';
import { hashedFingerprint, nativeFingerprint } from './fingerprint.js';
import { parsePointer, resolvePointer } from './json-pointer.js';
import {
  cleanLine,
  cleanText,
  compactLinks,
  fail,
  firstOf,
  limits,
  recordOrEmpty,
  requireRecord,
  safeUrl,
  toStringRecord,
} from './normalize.js';
import { environmentFromLabels, serviceFromLabels } from './service.js';
import { severityFromPriority } from './severity.js';

/**
 * Generic JSON for tools without a dedicated parser. Fields are read with the integration's RFC 6901 JSON pointers
 * (`context.mapping`), each relative to one alert object; unmapped fields use the defaults below.
 *
 * Body: one alert object, an array of alert objects, or `{alerts: [...]}` (taken as a batch when the title pointer
 * does not resolve on the outer object). An optional top-level `deliveryId` string on an object body is the
 * delivery id.
 *
 * | field        | default pointer | notes                                                                       |
 * |--------------|-----------------|-----------------------------------------------------------------------------|
 * | title        | /title          | required                                                                    |
 * | status       | /status         | resolved, resolve, ok, closed, close, recovered, inactive, normal, cleared, |
 * |              |                 | false → resolved; anything else or missing → firing                        |
 * | severity     | /severity       | words and P1–P5 per severity.ts; missing or unknown → warning              |
 * | service      | /service        | else from `/labels` in the service.ts order                                 |
 * | environment  | /environment    | else from `/labels` in the service.ts order                                 |
 * | fingerprint  | /fingerprint    | `generic:{value}`; missing → hash of title, service, environment and every |
 * |              |                 | label (as `label.{name}`)                                                   |
 * | description  | /description    |                                                                             |
 * | externalId   | /id             |                                                                             |
 *
 * Fixed (not mappable): `/labels` and `/annotations` objects; startsAt from `/startsAt` → `/startedAt` →
 * `/timestamp` → `/time` → received time; endsAt (resolved only) from `/endsAt` → `/resolvedAt` → received time;
 * links from `/links/{generator,dashboard,runbook,silence}`, `/url` (generator), `/runbook_url`, `/dashboard_url`;
 * groupKey from `/groupKey`.
 */

const defaultMapping: Required<GenericFieldMapping> = {
  title: '/title',
  service: '/service',
  severity: '/severity',
  status: '/status',
  fingerprint: '/fingerprint',
  description: '/description',
  environment: '/environment',
  externalId: '/id',
};

const resolvedWords = new Set([
  'resolved',
  'resolve',
  'ok',
  'closed',
  'close',
  'recovered',
  'inactive',
  'normal',
  'cleared',
  'clear',
  'false',
]);

export function parseGeneric(body: unknown, context: ParseContext): ParsedDelivery {
  const mapping = resolveMapping(context.mapping);
  let items: unknown[];
  let pathOf: (index: number) => string;
  let deliveryId: string | null = null;
  if (Array.isArray(body)) {
    items = body;
    pathOf = (index) => `[${index}]`;
  } else {
    const envelope = requireRecord(body, 'body');
    deliveryId = cleanLine(envelope.deliveryId, limits.identifier);
    if (Array.isArray(envelope.alerts) && resolvePointer(envelope, mapping.title) === undefined) {
      items = envelope.alerts;
      pathOf = (index) => `alerts[${index}]`;
    } else {
      items = [envelope];
      pathOf = () => '';
    }
  }
  const alerts = items.map((item, index) => parseOne(item, pathOf(index), mapping, context));
  return { alerts, deliveryId };
}

function resolveMapping(mapping: GenericFieldMapping | undefined): Required<GenericFieldMapping> {
  const resolved = { ...defaultMapping };
  for (const key of Object.keys(defaultMapping) as (keyof GenericFieldMapping)[]) {
    const pointer = mapping?.[key];
    if (typeof pointer === 'string') {
      parsePointer(pointer);
      resolved[key] = pointer;
    }
  }
  return resolved;
}

function parseOne(
  item: unknown,
  path: string,
  mapping: Required<GenericFieldMapping>,
  context: ParseContext,
): NormalizedAlert {
  const alert = requireRecord(item, path === '' ? 'body' : path);
  const read = (pointer: string) => resolvePointer(alert, pointer);
  const title = cleanLine(read(mapping.title), limits.title);
  if (title === null) fail(fieldName(path, mapping.title));
  const labels = toStringRecord(alert.labels);
  const annotations = toStringRecord(alert.annotations, 'annotations');
  const status = readStatus(read(mapping.status));
  const service = firstOf(cleanLine(read(mapping.service), limits.identifier), serviceFromLabels(labels));
  const environment = firstOf(cleanLine(read(mapping.environment), limits.identifier), environmentFromLabels(labels));
  const nativeId = cleanLine(read(mapping.fingerprint), 1_024);
  const links = recordOrEmpty(alert.links);
  const hashFields: Record<string, string | null> = { title, service, environment };
  for (const [name, value] of Object.entries(labels)) hashFields[`label.${name}`] = value;

  return {
    source: 'generic',
    externalId: cleanLine(read(mapping.externalId), limits.identifier),
    fingerprint: nativeId === null ? hashedFingerprint('generic', hashFields) : nativeFingerprint('generic', nativeId),
    status,
    title,
    description: cleanText(read(mapping.description), limits.description),
    severity: severityFromPriority(read(mapping.severity)) ?? 'warning',
    service,
    environment,
    labels,
    annotations,
    startsAt: timestampOr(
      firstOf(
        parseTimestamp(alert.startsAt),
        parseTimestamp(alert.startedAt),
        parseTimestamp(alert.timestamp),
        parseTimestamp(alert.time),
      ),
      context.receivedAt,
    ),
    endsAt:
      status === 'resolved'
        ? timestampOr(firstOf(parseTimestamp(alert.endsAt), parseTimestamp(alert.resolvedAt)), context.receivedAt)
        : null,
    links: compactLinks({
      generator: firstOf(safeUrl(links.generator), safeUrl(alert.url)) ?? undefined,
      dashboard: firstOf(safeUrl(links.dashboard), safeUrl(alert.dashboard_url)) ?? undefined,
      runbook: firstOf(safeUrl(links.runbook), safeUrl(alert.runbook_url)) ?? undefined,
      silence: safeUrl(links.silence),
    }),
    groupKey: cleanLine(alert.groupKey, limits.groupKey),
  };
}

function readStatus(value: unknown): AlertStatus {
  if (value === false) return 'resolved';
  const word = cleanLine(value, 40)?.toLowerCase();
  return word !== undefined && resolvedWords.has(word) ? 'resolved' : 'firing';
}

/** `alerts[1]` + `/labels/alert~1name` → `alerts[1].labels.alert/name`, the way the error names the field. */
function fieldName(path: string, pointer: string): string {
  const segments = parsePointer(pointer).map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`));
  const joined = `${path}${segments.join('')}`;
  return joined.startsWith('.') ? joined.slice(1) : joined === '' ? 'body' : joined;
}
