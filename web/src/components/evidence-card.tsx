import { useState } from 'react';
import { Link } from 'react-router';
import type { Evidence, EvidenceData } from '../api/investigations';
import { highlight } from '../lib/highlight';
import { evidenceAnchor } from './cited-text';
import { type ChartMarker, TimeSeriesChart } from './time-series-chart';

const statusStyles: Record<string, string> = {
  ok: 'border-emerald-500 text-emerald-800 dark:border-emerald-600 dark:text-emerald-300',
  empty: 'border-zinc-400 text-zinc-700 dark:border-zinc-500 dark:text-zinc-300',
  failed: 'border-red-500 text-red-800 dark:border-red-600 dark:text-red-300',
  timed_out: 'border-red-500 text-red-800 dark:border-red-600 dark:text-red-300',
  invalid: 'border-red-500 text-red-800 dark:border-red-600 dark:text-red-300',
  not_configured: 'border-zinc-400 text-zinc-700 dark:border-zinc-500 dark:text-zinc-300',
};

const portLabels: Record<string, string> = {
  topology: 'topology',
  changes: 'changes',
  metrics: 'metrics',
  logs: 'logs',
  kubernetes: 'kubernetes',
  alerts: 'alerts',
  similar_incidents: 'similar incidents',
  runbooks: 'runbooks',
};

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dayClock = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

export interface EvidenceContext {
  /** The alert onset (epoch ms), marked on charts and used to place changes. */
  onset: number | undefined;
  /** Every change the run found, drawn on metric charts. */
  changes: Array<{ at: number; label: string }>;
  /** Text the report quotes (error messages): log lines containing it are highlighted. */
  quoted: string[];
}

/**
 * One evidence item: what was asked, of which source, and what came back, drawn for its kind (charts, log lines,
 * a change timeline, pods). `data` arrives separately (it can be large); until then the stored excerpt shows.
 */
export function EvidenceCard({
  evidence,
  data,
  open,
  flash,
  onToggle,
  context,
}: {
  evidence: Evidence;
  data: EvidenceData | null | undefined;
  open: boolean;
  flash: boolean;
  onToggle: (open: boolean) => void;
  context: EvidenceContext;
}) {
  return (
    <li>
      <details
        id={evidenceAnchor(evidence.id)}
        data-evidence-id={evidence.id}
        data-port={evidence.port}
        open={open}
        onToggle={(event) => {
          const next = event.currentTarget.open;
          if (next !== open) onToggle(next);
        }}
        className={`panel group scroll-mt-20 text-sm transition-shadow ${flash ? 'ring-2 ring-amber-500' : ''}`}
      >
        <summary className="flex cursor-pointer list-none flex-wrap items-center gap-2 px-3 py-1.5 select-none">
          <span aria-hidden className="muted inline-block transition-transform group-open:rotate-90">
            ▸
          </span>
          <span className="rounded bg-zinc-800 px-1.5 font-mono text-xs font-semibold text-white dark:bg-zinc-200 dark:text-zinc-900">
            {evidence.id}
          </span>
          <span className="font-medium">{portLabels[evidence.port] ?? evidence.port}</span>
          {evidence.service ? <span className="font-mono text-xs">{evidence.service}</span> : null}
          <span className={`rounded-full border px-2 py-px text-xs ${statusStyles[evidence.status] ?? ''}`}>
            {evidence.status.replace('_', ' ')}
          </span>
          <span className="muted ml-auto text-xs">
            {evidence.source} · {evidence.durationMs} ms
          </span>
        </summary>
        {open ? (
          <div className="flex flex-col gap-2 border-t border-zinc-200 px-3 py-2 dark:border-zinc-800">
            <p className="muted font-mono text-xs break-all">
              {evidence.query} · {dayClock.format(new Date(evidence.timeRange.from))} –{' '}
              {dayClock.format(new Date(evidence.timeRange.to))}
            </p>
            {evidence.error ? <p className="text-red-700 dark:text-red-300">{evidence.error}</p> : null}
            {data ? <EvidenceBody data={data} context={context} /> : <Excerpt text={evidence.excerpt} />}
            <p className="muted font-mono text-[10px] break-all" title="sha256 of the source, query, range and answer">
              hash {evidence.hash.slice(0, 16)}…
            </p>
          </div>
        ) : null}
      </details>
    </li>
  );
}

function Excerpt({ text }: { text: string }) {
  return (
    <pre
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling block must be reachable by keyboard (WCAG 2.1.1)
      tabIndex={0}
      className="max-h-60 overflow-auto rounded border border-zinc-200 bg-zinc-50 p-2 font-mono text-xs whitespace-pre-wrap dark:border-zinc-700 dark:bg-zinc-950"
    >
      {text}
    </pre>
  );
}

function EvidenceBody({ data, context }: { data: EvidenceData; context: EvidenceContext }) {
  switch (data.port) {
    case 'metrics':
      return <MetricsBody series={data.series} context={context} />;
    case 'logs':
      return <LogsBody lines={data.lines} truncated={data.truncated} context={context} />;
    case 'changes':
      return <ChangesBody changes={data.changes} context={context} />;
    case 'kubernetes':
      return <KubernetesBody workload={data.workload} />;
    case 'alerts':
      return data.alerts.length === 0 ? (
        <p className="muted">No alerts.</p>
      ) : (
        <ul className="flex flex-col gap-0.5 font-mono text-xs">
          {data.alerts.map((alert) => (
            <li key={`${alert.time}-${alert.title}`}>
              <span className="muted">{clock.format(new Date(alert.time))}</span> {alert.status} {alert.severity}{' '}
              <span className="font-semibold">{alert.service ?? '(no service)'}</span>: {alert.title}
            </li>
          ))}
        </ul>
      );
    case 'similar_incidents':
      return data.incidents.length === 0 ? (
        <p className="muted">No similar past incidents.</p>
      ) : (
        <ul className="flex flex-col gap-1">
          {data.incidents.map((incident) => (
            <li key={incident.id}>
              <span className="tabular-nums">{Math.round(incident.similarity * 100)}% similar:</span>{' '}
              {/^[0-9a-f-]{36}$/.test(incident.id) ? (
                <Link className="underline" to={`/incidents/${incident.id}`}>
                  {incident.title}
                </Link>
              ) : (
                incident.title
              )}{' '}
              → <span className="font-mono">{incident.service}</span> {incident.category.replace('_', ' ')}
            </li>
          ))}
        </ul>
      );
    case 'runbooks':
      return data.passages.length === 0 ? (
        <p className="muted">No matching runbooks or postmortems.</p>
      ) : (
        <ol className="flex flex-col gap-2">
          {data.passages.map((passage) => (
            <li key={`${passage.documentId}-${passage.page}-${passage.text.slice(0, 40)}`}>
              <p className="flex flex-wrap items-center gap-2">
                <Link className="font-medium underline" to="/knowledge">
                  {passage.title}
                </Link>
                <span className="rounded border border-zinc-300 px-1 text-[11px] uppercase dark:border-zinc-600">
                  {passage.kind}
                </span>
                {passage.page !== null ? <span className="muted text-xs">page {passage.page}</span> : null}
                <span className="muted ml-auto font-mono text-xs">score {passage.score.toFixed(3)}</span>
              </p>
              {passage.headingPath.length > 0 ? (
                <p className="muted text-xs">{passage.headingPath.join(' › ')}</p>
              ) : null}
              <p className="mt-0.5 line-clamp-6 text-sm whitespace-pre-wrap">{passage.text}</p>
            </li>
          ))}
        </ol>
      );
    case 'topology':
      return (
        <div className="text-xs">
          <p>
            {data.graph.services.length} services:{' '}
            {data.graph.services.map((service) => `${service.name} (${service.kind})`).join(', ')}
          </p>
          {data.graph.dependencies.length > 0 ? (
            <ul className="mt-1 flex flex-wrap gap-x-3 font-mono">
              {data.graph.dependencies.map(([from, to]) => (
                <li key={`${from}->${to}`}>
                  {from} → {to}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      );
  }
}

function MetricsBody({
  series,
  context,
}: {
  series: Extract<EvidenceData, { port: 'metrics' }>['series'];
  context: EvidenceContext;
}) {
  const withPoints = series.filter((entry) => entry.points.length > 0);
  if (withPoints.length === 0) return <p className="muted">No data points in the window.</p>;
  const markers: ChartMarker[] = [
    ...(context.onset !== undefined ? [{ at: context.onset, label: 'alert onset', kind: 'onset' as const }] : []),
    ...context.changes.map((change) => ({ at: change.at, label: change.label, kind: 'change' as const })),
  ];
  return (
    <div className="grid gap-3 2xl:grid-cols-2">
      {withPoints.map((entry) => (
        <TimeSeriesChart
          key={`${entry.service}-${entry.name}-${JSON.stringify(entry.labels ?? {})}`}
          title={`${entry.name} on ${entry.service}`}
          series={[{ name: entry.name, unit: entry.unit, points: entry.points }]}
          markers={markers}
        />
      ))}
    </div>
  );
}

const levelStyles: Record<string, string> = {
  fatal: 'bg-red-100 text-red-950 dark:bg-red-950/70 dark:text-red-100',
  error: 'bg-red-50 text-red-900 dark:bg-red-950/40 dark:text-red-200',
  warn: 'bg-amber-50 text-amber-950 dark:bg-amber-500/10 dark:text-amber-100',
};

const logKeywords = ['error', 'exception', 'timeout', 'timed out', 'refused', 'failed', 'panic', 'oom', 'killed'];

function LogsBody({
  lines,
  truncated,
  context,
}: {
  lines: Extract<EvidenceData, { port: 'logs' }>['lines'];
  truncated: boolean;
  context: EvidenceContext;
}) {
  const [all, setAll] = useState(false);
  if (lines.length === 0) return <p className="muted">No matching log lines.</p>;
  const quoted = context.quoted.map((text) => text.toLowerCase());
  const isQuoted = (message: string) => {
    const lower = message.toLowerCase();
    return quoted.some((text) => lower.includes(text) || text.includes(lower));
  };
  const shown = all ? lines : lines.slice(-40);
  const quotedCount = lines.filter((line) => isQuoted(line.message)).length;
  return (
    <div>
      <p className="muted mb-1 text-xs">
        {lines.length} line{lines.length === 1 ? '' : 's'}
        {truncated ? ' (latest kept)' : ''}
        {quotedCount > 0 ? ` · ${quotedCount} match what the report quotes (marked ▶)` : ''}
      </p>
      <ol
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling block must be reachable by keyboard (WCAG 2.1.1)
        tabIndex={0}
        aria-label="Log lines"
        className="max-h-80 overflow-auto rounded border border-zinc-200 font-mono text-xs dark:border-zinc-700"
        data-testid="log-lines"
      >
        {shown.map((line, index) => {
          const cited = isQuoted(line.message);
          return (
            <li
              // biome-ignore lint/suspicious/noArrayIndexKey: log lines can repeat exactly; their order is fixed
              key={index}
              data-level={line.level}
              data-quoted={cited ? 'true' : undefined}
              className={`flex gap-2 px-2 py-px ${levelStyles[line.level] ?? ''} ${cited ? 'border-l-4 border-red-600 font-semibold' : 'border-l-4 border-transparent'}`}
            >
              <span aria-hidden className="w-2 shrink-0">
                {cited ? '▶' : ''}
              </span>
              <span className="shrink-0 opacity-80">{clock.format(new Date(line.time))}</span>
              <span className="w-10 shrink-0 uppercase">{line.level}</span>
              <span className="min-w-0 break-words">{highlight(line.message, logKeywords)}</span>
            </li>
          );
        })}
      </ol>
      {lines.length > shown.length || all ? (
        <button type="button" className="mt-1 text-xs underline" onClick={() => setAll(!all)}>
          {all ? 'Show the latest 40' : `Show all ${lines.length} lines`}
        </button>
      ) : null}
    </div>
  );
}

function relativeToOnset(at: number, onset: number | undefined): string | undefined {
  if (onset === undefined) return undefined;
  const minutes = Math.round((at - onset) / 60_000);
  if (minutes === 0) return 'at the onset';
  const amount = Math.abs(minutes) >= 120 ? `${Math.round(Math.abs(minutes) / 60)} h` : `${Math.abs(minutes)} min`;
  return minutes < 0 ? `${amount} before the onset` : `${amount} after the onset`;
}

function ChangesBody({
  changes,
  context,
}: {
  changes: Extract<EvidenceData, { port: 'changes' }>['changes'];
  context: EvidenceContext;
}) {
  if (changes.length === 0) return <p className="muted">No changes in the window.</p>;
  const sorted = [...changes].sort((left, right) => Date.parse(left.time) - Date.parse(right.time));
  return (
    <ol className="relative ml-1 border-l-2 border-amber-300 pl-4 dark:border-amber-700" data-testid="change-timeline">
      {sorted.map((change) => {
        const at = Date.parse(change.time);
        const near = context.onset !== undefined && at <= context.onset && context.onset - at <= 60 * 60_000;
        return (
          <li key={`${change.time}-${change.service}-${change.summary}`} className="mb-2" data-near-onset={near}>
            <span
              aria-hidden
              className={`absolute -left-[7px] mt-1 size-3 rounded-full border-2 border-white dark:border-zinc-900 ${near ? 'bg-red-600' : 'bg-amber-500'}`}
            />
            <p>
              <span className="rounded border border-zinc-300 px-1 text-[11px] uppercase dark:border-zinc-600">
                {change.kind.replace('_', ' ')}
              </span>{' '}
              <span className="font-mono font-semibold">{change.service}</span>: {change.summary}
            </p>
            <p className="muted text-xs">
              <time dateTime={change.time}>{dayClock.format(at)}</time>
              {relativeToOnset(at, context.onset) ? (
                <span className={near ? 'font-semibold text-red-700 dark:text-red-300' : ''}>
                  {' '}
                  · {relativeToOnset(at, context.onset)}
                </span>
              ) : null}
              {change.author ? ` · by ${change.author}` : ''}
              {change.ref ? <span className="font-mono"> · {change.ref}</span> : null}
            </p>
          </li>
        );
      })}
    </ol>
  );
}

function KubernetesBody({ workload }: { workload: Extract<EvidenceData, { port: 'kubernetes' }>['workload'] }) {
  const { pods, events, rollouts } = workload;
  if (pods.length + events.length + rollouts.length === 0) return <p className="muted">No pods, events or rollouts.</p>;
  return (
    <div className="flex flex-col gap-2 text-xs">
      {pods.length > 0 ? (
        <table className="w-full text-left">
          <caption className="muted text-left font-medium">Pods</caption>
          <thead className="muted">
            <tr>
              <th scope="col" className="pr-2 font-medium">
                Pod
              </th>
              <th scope="col" className="pr-2 font-medium">
                Phase
              </th>
              <th scope="col" className="pr-2 text-right font-medium">
                Restarts
              </th>
              <th scope="col" className="font-medium">
                Reason
              </th>
            </tr>
          </thead>
          <tbody className="font-mono">
            {pods.map((pod) => (
              <tr key={`${pod.namespace}/${pod.name}`}>
                <td className="pr-2 break-all">
                  {pod.namespace}/{pod.name}
                </td>
                <td className="pr-2">{pod.phase}</td>
                <td className={`pr-2 text-right ${pod.restarts > 0 ? 'font-bold text-red-700 dark:text-red-300' : ''}`}>
                  {pod.restarts}
                </td>
                <td>{[pod.reason, pod.lastTerminationReason].filter(Boolean).join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {events.length > 0 ? (
        <ul className="flex flex-col gap-0.5 font-mono">
          {events.slice(-20).map((event) => (
            <li key={`${event.time}-${event.object}-${event.reason}`}>
              <span className="muted">{clock.format(new Date(event.time))}</span>{' '}
              <span className={event.type === 'Warning' ? 'font-semibold text-amber-700 dark:text-amber-300' : ''}>
                {event.type} {event.reason}
              </span>{' '}
              {event.object}: {event.message}
            </li>
          ))}
        </ul>
      ) : null}
      {rollouts.length > 0 ? (
        <ul className="font-mono">
          {rollouts.map((rollout) => (
            <li key={rollout.revision}>
              revision {rollout.revision} at {dayClock.format(new Date(rollout.time))}
              {rollout.image ? ` · ${rollout.image}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
