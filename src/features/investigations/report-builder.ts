import type { RootCauseCategory } from '../telemetry/index.js';
import { enforceCitations } from './citations.js';
import type { InvestigationEntities } from './entities.js';
import { profileServices } from './hypothesis-ranker.js';
import type { EvidenceItem, Hypothesis, InvestigationReport, Remediation } from './investigation.model.js';

export const categoryLabels: Record<RootCauseCategory, string> = {
  deploy: 'a faulty deploy',
  config: 'a configuration change',
  resource_exhaustion: 'resource exhaustion',
  dependency: 'a failing dependency',
  capacity: 'insufficient capacity for the load',
  network: 'a network fault',
  certificate: 'a certificate problem',
  data: 'bad data',
  infrastructure: 'an infrastructure failure',
};

const cite = (ids: string[]) => (ids.length > 0 ? ` [${[...new Set(ids)].join(', ')}]` : '');
const iso = (date: Date) => date.toISOString();

function remediationsFor(
  hypothesis: Hypothesis,
  entities: InvestigationEntities,
  evidence: EvidenceItem[],
): Remediation[] {
  const service = hypothesis.service;
  const namespace = entities.namespace ?? '<namespace>';
  const ids = hypothesis.evidenceIds.slice(0, 4);
  const change = evidence
    .filter((item) => item.data?.port === 'changes')
    .flatMap((item) => (item.data?.port === 'changes' ? item.data.changes : []))
    .filter((entry) => entry.service === service && entry.time.getTime() <= entities.onset.getTime() + 5 * 60_000)
    .sort((left, right) => right.time.getTime() - left.time.getTime())[0];
  const changeName = change ? `"${change.summary}"${change.ref ? ` (${change.ref})` : ''}` : 'the most recent change';
  switch (hypothesis.category) {
    case 'deploy':
      return [
        {
          title: `Roll ${service} back to the previous release`,
          command: `kubectl rollout undo deployment/${service} -n ${namespace}`,
          risk: 'Reverts everything in the release, including unrelated fixes; schema changes it made stay in place.',
          undo: `kubectl rollout undo deployment/${service} -n ${namespace} (re-applies the rolled-back revision)`,
          evidenceIds: ids,
        },
      ];
    case 'config':
      return [
        {
          title: `Revert the configuration change ${changeName} on ${service}`,
          change: `Restore the previous value of the setting changed by ${changeName}, then restart ${service} if it reads configuration only at start.`,
          risk: 'Low, if the previous value was healthy; check that nothing deployed since depends on the new value.',
          undo: `Re-apply ${changeName}.`,
          evidenceIds: ids,
        },
      ];
    case 'resource_exhaustion':
      return [
        {
          title: `Give ${service} headroom and restart the exhausted instances`,
          command: `kubectl rollout restart deployment/${service} -n ${namespace}`,
          risk: 'A restart drops in-flight requests and only buys time if the cause is a leak; raise limits after checking node capacity.',
          undo: 'None needed for a restart; revert any raised limits with kubectl set resources to the previous values.',
          evidenceIds: ids,
        },
      ];
    case 'capacity':
      return [
        {
          title: `Scale ${service} out`,
          command: `kubectl scale deployment/${service} -n ${namespace} --replicas=<current × 1.5>`,
          risk: 'More replicas add load on its own dependencies (databases, connection limits) and need node capacity.',
          undo: `kubectl scale deployment/${service} -n ${namespace} --replicas=<previous count>`,
          evidenceIds: ids,
        },
      ];
    case 'certificate':
      return [
        {
          title: `Renew and redeploy the certificate served by ${service}`,
          change: `Issue a new certificate for ${service} (with cert-manager: cmctl renew <certificate> -n ${namespace}) and reload the workload that serves it.`,
          risk: 'A certificate with the wrong names or chain breaks clients differently; verify it with openssl s_client first.',
          undo: 'Restore the previous certificate secret (only useful if it has not expired).',
          evidenceIds: ids,
        },
      ];
    case 'network':
      return [
        {
          title: `Restore the network path to ${service}`,
          change: change
            ? `Revert ${changeName} (network policy, DNS or security-group change).`
            : `Check DNS resolution and network policies between ${service} and its callers; revert the last network change.`,
          risk: 'Reverting a policy can re-open access it was meant to close; review it with the owning team.',
          undo: change ? `Re-apply ${changeName}.` : 'Re-apply the reverted rule.',
          evidenceIds: ids,
        },
      ];
    case 'dependency':
      return [
        {
          title: `Shield callers from ${service}`,
          change: `Fail over to a secondary provider or degrade gracefully (circuit breaker, cached responses) while ${service} is failing; contact its owner.`,
          risk: 'Degraded responses may hide real errors from users; a failover has its own capacity limits.',
          undo: 'Switch back to the primary once it is healthy again.',
          evidenceIds: ids,
        },
      ];
    case 'data':
      return [
        {
          title: `Stop the bad data at ${service} and repair it`,
          change: change
            ? `Revert ${changeName} (or roll the migration back), then quarantine or repair the affected records.`
            : `Pause the writer or consumer of the malformed records, move them aside (dead-letter), and repair them.`,
          risk: 'Repairs can lose writes made since the bad data arrived; take a snapshot first.',
          undo: 'Restore from the snapshot taken before the repair.',
          evidenceIds: ids,
        },
      ];
    case 'infrastructure':
      return [
        {
          title: `Move ${service} off the failing infrastructure`,
          command: `kubectl cordon <node> && kubectl drain <node> --ignore-daemonsets --delete-emptydir-data`,
          risk: 'Draining moves every pod on the node; stateful pods with local volumes may not reschedule.',
          undo: 'kubectl uncordon <node>',
          evidenceIds: ids,
        },
      ];
  }
}

export interface ReportOptions {
  /** Set when a model confirmed the top hypothesis with tools (the later LLM loop); without it, at most LIKELY. */
  confirmedByModel?: boolean;
}

/**
 * Step 5 without a model: the report from the ranked hypotheses. Every claim cites [E#] ids of stored evidence; the
 * result is passed through enforceCitations, so a claim that does not resolve never leaves this function.
 */
export function buildReport(
  entities: InvestigationEntities,
  evidence: EvidenceItem[],
  hypotheses: Hypothesis[],
  options: ReportOptions = {},
): InvestigationReport {
  const unavailable = evidence
    .filter((item) => !['ok', 'empty'].includes(item.status))
    .map((item) => ({
      evidenceId: item.id,
      port: item.port,
      source: item.source,
      status: item.status,
      detail: item.error ?? item.excerpt,
    }));
  const answered = evidence.filter((item) => item.status === 'ok' || item.status === 'empty');
  const alertLine = entities.alerts
    .slice(0, 3)
    .map((alert) => `"${alert.title}"${alert.service ? ` on ${alert.service}` : ''}`)
    .join(', ');
  const failureText =
    unavailable.length > 0
      ? ` Not seen: ${unavailable
          .slice(0, 6)
          .map(
            (entry) => `${entry.port} from ${entry.source} (${entry.status.replace('_', ' ')}) [${entry.evidenceId}]`,
          )
          .join('; ')}${unavailable.length > 6 ? `; and ${unavailable.length - 6} more` : ''}.`
      : '';

  const top = hypotheses[0];
  const second = hypotheses[1];
  const base = {
    timeline: [] as InvestigationReport['timeline'],
    ruledOut: [] as InvestigationReport['ruledOut'],
    remediations: [] as Remediation[],
    unavailableSources: unavailable,
    generatedBy: options.confirmedByModel ? ('model' as const) : ('deterministic' as const),
    droppedClaims: [],
  };

  if (answered.length === 0 || !top) {
    const summary =
      answered.length === 0
        ? `Investigation of ${alertLine} is inconclusive: no telemetry source answered.${failureText}`
        : `Investigation of ${alertLine} is inconclusive: the evidence collected points at no candidate cause.${failureText}`;
    return enforceCitations(
      {
        ...base,
        summary,
        rootCause: null,
        confidence: 'INCONCLUSIVE',
        confidenceNote:
          answered.length === 0
            ? `Every evidence call failed, timed out or was not configured (${unavailable.length} calls).`
            : 'No service showed a change, anomaly, new error signature or Kubernetes trouble that could explain the alert.',
        impact: { text: `Alerting: ${alertLine}.`, evidenceIds: [] },
      },
      evidence.map((item) => item.id),
    );
  }

  const profiles = profileServices(entities, evidence);
  const margin = second ? top.score / Math.max(second.score, 1e-9) : Number.POSITIVE_INFINITY;
  const likely = top.score >= 0.15 && margin >= 1.3;
  const confidence = options.confirmedByModel ? 'CONFIRMED' : likely ? 'LIKELY' : 'INCONCLUSIVE';
  const confidenceNote = options.confirmedByModel
    ? 'A model confirmed the top hypothesis with tools.'
    : `Deterministic analysis only (no model configured): confidence is at most LIKELY. Top score ${top.score}${second ? ` vs ${second.score} for ${second.service}` : ''}${likely ? '' : '; the margin is too small to call it likely'}.`;

  const statement = `${categoryLabels[top.category][0]?.toUpperCase()}${categoryLabels[top.category].slice(1)} in ${top.service}: ${top.reasons.slice(0, 3).join('; ')}.`;

  const timeline: InvestigationReport['timeline'] = [];
  for (const item of evidence) {
    if (item.status !== 'ok' || !item.data) continue;
    if (item.data.port === 'changes') {
      for (const change of item.data.changes) {
        if (change.time.getTime() > entities.onset.getTime() + 30 * 60_000) continue;
        if (change.time.getTime() < entities.onset.getTime() - 3 * 60 * 60_000) continue;
        timeline.push({
          time: iso(change.time),
          text: `${change.kind} on ${change.service}: ${change.summary}${cite([item.id])}`,
          evidenceIds: [item.id],
        });
      }
    }
  }
  for (const profile of profiles.values()) {
    const first = [...profile.newSignatures].sort((left, right) => left.first.getTime() - right.first.getTime())[0];
    if (first && (first.level === 'error' || first.level === 'fatal')) {
      timeline.push({
        time: iso(first.first),
        text: `first new error on ${profile.entity.name}: "${first.sample.slice(0, 160)}"${cite([first.evidenceId])}`,
        evidenceIds: [first.evidenceId],
      });
    }
    const anomaly = profile.anomalies.find((entry) => entry.strength >= 0.5 && entry.onset !== null);
    if (anomaly?.onset) {
      timeline.push({
        time: iso(new Date(anomaly.onset)),
        text: `${anomaly.name} on ${profile.entity.name} leaves its baseline (${anomaly.baseline.toPrecision(3)} → peak ${anomaly.peak.toPrecision(3)})${cite([anomaly.evidenceId])}`,
        evidenceIds: [anomaly.evidenceId],
      });
    }
  }
  const alertItem = evidence.find((item) => item.port === 'alerts' && item.status === 'ok');
  timeline.push({
    time: iso(entities.onset),
    text: `alert fires: ${alertLine}${alertItem ? cite([alertItem.id]) : ''}`,
    evidenceIds: alertItem ? [alertItem.id] : [],
  });
  timeline.sort((left, right) => (left.time < right.time ? -1 : left.time > right.time ? 1 : 0));

  const affected = [...profiles.values()]
    .filter((profile) => profile.entity.name !== top.service && (profile.anomaly >= 0.4 || profile.alerted))
    .map((profile) => profile.entity.name);
  const impactIds = [...profiles.values()]
    .filter((profile) => affected.includes(profile.entity.name))
    .flatMap((profile) => [...profile.evidenceIds])
    .slice(0, 6);
  const impact = {
    text: `Alerting: ${alertLine}. ${affected.length > 0 ? `Also degraded: ${affected.join(', ')}` : 'No other service shows degradation'}${cite(impactIds)}.`,
    evidenceIds: impactIds,
  };

  const ruledOut: InvestigationReport['ruledOut'] = [];
  for (const hypothesis of hypotheses.slice(1, 4)) {
    const profile = profiles.get(hypothesis.service);
    const why =
      hypothesis.factors.explainedByDependency === 1
        ? `its symptoms follow from an unhealthy dependency`
        : profile && profile.changes.length > 0 && hypothesis.factors.changeProximity < 0.3
          ? `it changed near the onset, but shows no errors or anomaly of its own to match`
          : `its evidence is weaker (score ${hypothesis.score} vs ${top.score})`;
    ruledOut.push({
      service: hypothesis.service,
      category: hypothesis.category,
      text: `${categoryLabels[hypothesis.category]} in ${hypothesis.service}: less likely, ${why}${cite(hypothesis.evidenceIds.slice(0, 4))}.`,
      evidenceIds: hypothesis.evidenceIds.slice(0, 4),
    });
  }
  for (const profile of profiles.values()) {
    if (profile.entity.name === top.service || ruledOut.some((entry) => entry.service === profile.entity.name))
      continue;
    const logs = evidence.find(
      (item) => item.port === 'logs' && item.service === profile.entity.name && item.status === 'ok',
    );
    if (profile.recurringLines >= 5 && profile.newSignatures.length === 0 && logs) {
      ruledOut.push({
        service: profile.entity.name,
        category: 'deploy',
        text: `${profile.entity.name}'s error logs: ${profile.recurringLines} lines, but the same errors were already logged before the incident${cite([logs.id])}.`,
        evidenceIds: [logs.id],
      });
    }
    const innocent = profile.changes.find((entry) => entry.proximity >= 0.5);
    if (innocent && profile.anomaly < 0.3 && profile.intrinsicErrors < 0.3 && profile.kubernetes.score < 0.3) {
      ruledOut.push({
        service: profile.entity.name,
        category: innocent.change.kind === 'deploy' ? 'deploy' : 'config',
        text: `${innocent.change.kind} "${innocent.change.summary}" on ${profile.entity.name} landed near the onset, but ${profile.entity.name} shows no new errors or anomaly${cite([innocent.evidenceId, ...profile.evidenceIds].slice(0, 4))}.`,
        evidenceIds: [innocent.evidenceId, ...profile.evidenceIds].slice(0, 4),
      });
    }
  }

  const summary = `${alertLine} since ${iso(entities.onset)}. Most likely cause: ${categoryLabels[top.category]} in ${top.service}${cite(top.evidenceIds.slice(0, 4))}. ${answered.length} of ${evidence.length} evidence calls answered.${failureText}`;
  return enforceCitations(
    {
      ...base,
      summary,
      rootCause: { service: top.service, category: top.category, statement, evidenceIds: top.evidenceIds },
      confidence,
      confidenceNote,
      timeline: timeline.slice(0, 20),
      impact,
      ruledOut,
      remediations: remediationsFor(top, entities, evidence),
    },
    evidence.map((item) => item.id),
  );
}

/** The report as Markdown (for `GET …/report.md` and the CLI), evidence listed at the end so every [E#] resolves. */
export function renderReportMarkdown(report: InvestigationReport, evidence: EvidenceItem[]): string {
  const lines = [
    '# Root-cause analysis',
    '',
    report.summary,
    '',
    `**Confidence:** ${report.confidence}. ${report.confidenceNote}`,
    '',
  ];
  if (report.rootCause) {
    lines.push(
      '## Root cause',
      '',
      `**${report.rootCause.service}** (${report.rootCause.category}): ${report.rootCause.statement}`,
      '',
    );
  }
  lines.push('## Impact', '', report.impact.text, '', '## Timeline', '');
  for (const entry of report.timeline) lines.push(`- ${entry.time}: ${entry.text}`);
  lines.push('', '## Ruled out', '');
  for (const entry of report.ruledOut) lines.push(`- ${entry.text}`);
  lines.push('', '## Suggested remediations (never run without approval)', '');
  for (const entry of report.remediations) {
    lines.push(`- **${entry.title}**${cite(entry.evidenceIds)}`);
    if (entry.command) lines.push(`  - Command: \`${entry.command}\``);
    if (entry.change) lines.push(`  - Change: ${entry.change}`);
    lines.push(`  - Risk: ${entry.risk}`, `  - Undo: ${entry.undo}`);
  }
  if (report.droppedClaims.length > 0) {
    lines.push('', '## Claims withdrawn (they cited evidence that does not exist)', '');
    for (const entry of report.droppedClaims) lines.push(`- ${entry}`);
  }
  if (report.notes && report.notes.length > 0) {
    lines.push('', '## Notes', '');
    for (const entry of report.notes) lines.push(`- ${entry}`);
  }
  lines.push('', '## Evidence', '');
  for (const item of evidence) {
    lines.push(
      `- **${item.id}** ${item.port} from ${item.source}, \`${item.query}\` (${item.timeRange.from} – ${item.timeRange.to}), ${item.status}, sha256 ${item.hash.slice(0, 12)}`,
    );
    lines.push('', '  ```', ...item.excerpt.split('\n').map((line) => `  ${line}`), '  ```');
  }
  return `${lines.join('\n')}\n`;
}
