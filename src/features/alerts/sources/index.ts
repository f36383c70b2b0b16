import type { AlertSource, SourceParser } from '../alert.model.js';
import { parseAlertmanager } from './alertmanager.source.js';
import { parseCloudWatch } from './cloudwatch.source.js';
import { parseDatadog } from './datadog.source.js';
import { parseGeneric } from './generic.source.js';
import { parseGrafana } from './grafana.source.js';
import { parseOpsgenie } from './opsgenie.source.js';
import { parsePagerDuty } from './pagerduty.source.js';
import { parseSentry } from './sentry.source.js';

/**
 * One pure parser per source: a verified, JSON-decoded body in, normalised alerts out. Parsers throw only
 * ValidationFailed (→ 400), never on odd input (see payload-fuzzer.test.ts).
 */
export const parsers: Record<AlertSource, SourceParser> = {
  alertmanager: parseAlertmanager,
  grafana: parseGrafana,
  datadog: parseDatadog,
  pagerduty: parsePagerDuty,
  opsgenie: parseOpsgenie,
  sentry: parseSentry,
  cloudwatch: parseCloudWatch,
  generic: parseGeneric,
};

export { parseAlertmanager } from './alertmanager.source.js';
export { parseCloudWatch } from './cloudwatch.source.js';
export { parseDatadog } from './datadog.source.js';
export { hashedFingerprint, nativeFingerprint } from './fingerprint.js';
export { parseGeneric } from './generic.source.js';
export { parseGrafana } from './grafana.source.js';
export { resolvePointer } from './json-pointer.js';
export { parseOpsgenie } from './opsgenie.source.js';
export { parsePagerDuty } from './pagerduty.source.js';
export { createRandom, fuzzPayloads, mutatePayload } from './payload-fuzzer.js';
export { parseSentry } from './sentry.source.js';
