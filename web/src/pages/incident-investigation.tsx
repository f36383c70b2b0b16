import { type FormEvent, type ReactNode, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { IncidentDetail } from '../api/incidents';
import {
  activeInvestigationStatuses,
  type Confidence,
  type EvidenceData,
  type Hypothesis,
  type Investigation,
  type Remediation,
  type Report,
  reportMarkdownUrl,
  type Thought,
  useEvidenceDetails,
  useInvestigation,
  useInvestigationActions,
} from '../api/investigations';
import { hasRole, useSession } from '../api/session';
import { CitationList, CitedText, EvidenceNavigationContext, evidenceAnchor } from '../components/cited-text';
import { CopyButton } from '../components/copy-button';
import { EvidenceCard, type EvidenceContext } from '../components/evidence-card';
import { ProblemMessage } from '../components/problem-message';
import { Empty, Loading } from '../components/states';
import { useNotify } from '../lib/notices';
import { formatAbsolute, formatRelative, useNow } from '../lib/time';

const confidenceStyles: Record<Confidence, string> = {
  CONFIRMED: 'border-emerald-700 bg-emerald-600 text-white',
  LIKELY: 'border-amber-600 bg-amber-400 text-zinc-950',
  INCONCLUSIVE: 'border-zinc-500 bg-zinc-200 text-zinc-900 dark:bg-zinc-700 dark:text-zinc-100',
};

const statusText: Record<Investigation['status'], string> = {
  none: 'not investigated',
  queued: 'queued',
  running: 'investigating…',
  completed: 'completed',
  failed: 'failed',
};

/** The incident's investigation, live: report, ranked hypotheses, evidence, the agent's thoughts and feedback. */
export function InvestigationSection({ incident }: { incident: IncidentDetail }) {
  const investigation = useInvestigation(incident.id);
  const titleId = useId();
  return (
    <section aria-labelledby={titleId} className="mb-6" data-testid="investigation">
      {investigation.isPending ? <Loading label="Loading the investigation…" /> : null}
      {investigation.isError ? (
        <>
          <h2 id={titleId} className="mb-2 font-semibold">
            Investigation
          </h2>
          <ProblemMessage error={investigation.error} />
        </>
      ) : null}
      {investigation.data ? (
        <InvestigationView incident={incident} investigation={investigation.data} titleId={titleId} />
      ) : null}
    </section>
  );
}

function InvestigationView({
  incident,
  investigation,
  titleId,
}: {
  incident: IncidentDetail;
  investigation: Investigation;
  titleId: string;
}) {
  const details = useEvidenceDetails(incident.id, investigation.investigationId, investigation.evidence.length);
  const dataById = useMemo(
    () => new Map<string, EvidenceData | null>((details.data?.items ?? []).map((item) => [item.id, item.data])),
    [details.data],
  );
  const report = investigation.report;
  const cited = useMemo(() => new Set(citedByRootCause(investigation)), [investigation]);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [flash, setFlash] = useState<string>();
  const pendingReveal = useRef<string | undefined>(undefined);
  const runId = investigation.investigationId;

  // Evidence behind the root cause (or the top hypothesis) opens by itself: the charts that explain it at a glance.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-open the cited items once per run, not on each refetch
  useEffect(() => setOpen(new Set(cited)), [runId, cited.size]);

  const known = useMemo(() => new Set(investigation.evidence.map((item) => item.id)), [investigation.evidence]);
  const reveal = useCallback((evidenceId: string) => {
    pendingReveal.current = evidenceId;
    setOpen((current) => new Set(current).add(evidenceId));
    setFlash(evidenceId);
  }, []);
  useEffect(() => {
    const evidenceId = pendingReveal.current;
    if (!evidenceId || !open.has(evidenceId)) return;
    pendingReveal.current = undefined;
    const element = document.getElementById(evidenceAnchor(evidenceId));
    element?.scrollIntoView({ block: 'start', behavior: 'smooth' });
    element?.querySelector('summary')?.focus({ preventScroll: true });
    const timer = window.setTimeout(() => setFlash(undefined), 2500);
    return () => window.clearTimeout(timer);
  }, [open]);

  const context = useMemo<EvidenceContext>(
    () => evidenceContext(incident, dataById, investigation),
    [incident, dataById, investigation],
  );

  return (
    <EvidenceNavigationContext.Provider value={{ known, reveal }}>
      <InvestigationHeader incident={incident} investigation={investigation} titleId={titleId} />
      {investigation.status === 'none' ? (
        <Empty title="Not investigated yet">
          New incidents are investigated automatically; this one was not (it may predate Aurora's investigations).
        </Empty>
      ) : null}
      {investigation.status === 'failed' && investigation.error ? (
        <div
          role="alert"
          className="mb-3 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-red-900 dark:border-red-800 dark:bg-red-950/60 dark:text-red-100"
        >
          <p className="font-semibold">The investigation failed</p>
          <p>{investigation.error}</p>
        </div>
      ) : null}
      <div className="grid gap-4 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="flex min-w-0 flex-col gap-4">
          {report ? <ReportView report={report} /> : null}
          {investigation.hypotheses.length > 0 ? <Hypotheses hypotheses={investigation.hypotheses} /> : null}
          {investigation.evidence.length > 0 ? (
            <EvidenceList
              investigation={investigation}
              dataById={dataById}
              detailsError={details.error}
              open={open}
              flash={flash}
              onToggle={(evidenceId, next) =>
                setOpen((current) => {
                  const copy = new Set(current);
                  if (next) copy.add(evidenceId);
                  else copy.delete(evidenceId);
                  return copy;
                })
              }
              context={context}
            />
          ) : activeInvestigationStatuses.includes(investigation.status) ? (
            <Loading label="Collecting evidence…" />
          ) : null}
        </div>
        <div className="flex min-w-0 flex-col gap-4">
          <Thoughts investigation={investigation} />
          {report ? <FeedbackForm incidentId={incident.id} /> : null}
        </div>
      </div>
    </EvidenceNavigationContext.Provider>
  );
}

function citedByRootCause(investigation: Investigation): string[] {
  const ids = investigation.report?.rootCause?.evidenceIds ?? investigation.hypotheses[0]?.evidenceIds ?? [];
  const usable = new Set(
    investigation.evidence.filter((item) => item.status === 'ok' && item.port !== 'topology').map((item) => item.id),
  );
  return ids.filter((id) => usable.has(id));
}

/** Onset, change markers and quoted messages: what the evidence renderers mark. */
function evidenceContext(
  incident: IncidentDetail,
  dataById: Map<string, EvidenceData | null>,
  investigation: Investigation,
): EvidenceContext {
  const changes: EvidenceContext['changes'] = [];
  for (const data of dataById.values()) {
    if (data?.port !== 'changes') continue;
    for (const change of data.changes) {
      changes.push({ at: Date.parse(change.time), label: `${change.kind} ${change.service}` });
    }
  }
  const texts = [
    investigation.report?.rootCause?.statement ?? '',
    ...(investigation.report?.timeline.map((entry) => entry.text) ?? []),
    ...investigation.hypotheses.slice(0, 3).flatMap((hypothesis) => hypothesis.reasons),
  ];
  const quoted = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(/"([^"]{12,})"/g)) if (match[1]) quoted.add(match[1]);
  }
  const onset = Date.parse(incident.startedAt);
  return { onset: Number.isNaN(onset) ? undefined : onset, changes, quoted: [...quoted] };
}

function InvestigationHeader({
  incident,
  investigation,
  titleId,
}: {
  incident: IncidentDetail;
  investigation: Investigation;
  titleId: string;
}) {
  const session = useSession();
  const now = useNow();
  const notify = useNotify();
  const { investigate } = useInvestigationActions(incident.id);
  const active = activeInvestigationStatuses.includes(investigation.status);
  const canEdit = hasRole(session, 'editor') && incident.status !== 'merged';
  return (
    <div className="mb-3 flex flex-wrap items-center gap-3">
      <h2 id={titleId} className="text-lg font-semibold">
        Investigation
      </h2>
      <span
        className="flex items-center gap-1.5 rounded-full border border-zinc-300 px-2 py-px text-xs font-medium dark:border-zinc-600"
        data-testid="investigation-status"
        data-status={investigation.status}
      >
        {active ? (
          <span
            aria-hidden
            className="inline-block size-2.5 animate-spin rounded-full border-2 border-current border-t-transparent text-violet-600"
          />
        ) : null}
        {statusText[investigation.status]}
      </span>
      {investigation.report ? <ConfidenceBadge confidence={investigation.report.confidence} /> : null}
      <span className="muted text-xs">
        {investigation.attempt > 1 ? `attempt ${investigation.attempt} · ` : ''}
        {investigation.trigger ? `${investigation.trigger.replace('.', ' ')} · ` : ''}
        {investigation.finishedAt ? (
          <>
            finished{' '}
            <time dateTime={investigation.finishedAt} title={formatAbsolute(investigation.finishedAt)}>
              {formatRelative(investigation.finishedAt, Math.max(now, Date.parse(investigation.finishedAt)))}
            </time>
          </>
        ) : investigation.startedAt ? (
          <>
            started{' '}
            <time dateTime={investigation.startedAt} title={formatAbsolute(investigation.startedAt)}>
              {formatRelative(investigation.startedAt, Math.max(now, Date.parse(investigation.startedAt)))}
            </time>
          </>
        ) : null}
        {investigation.usage.modelSteps > 0
          ? ` · ${investigation.usage.modelSteps} model steps, ${investigation.usage.inputTokens + investigation.usage.outputTokens} tokens`
          : ''}
      </span>
      <div className="ml-auto flex flex-wrap items-center gap-2">
        {investigation.report ? (
          <a className="button" href={reportMarkdownUrl(incident.id)} target="_blank" rel="noopener">
            report.md
          </a>
        ) : null}
        {canEdit ? (
          <button
            type="button"
            className="button"
            disabled={active || investigate.isPending}
            onClick={() =>
              investigate.mutate(undefined, {
                onSuccess: (queued) =>
                  notify(queued.created ? 'Investigation queued' : 'An investigation is already under way'),
                onError: (error) => notify(error.message, { tone: 'error' }),
              })
            }
          >
            {investigation.status === 'none' ? 'Investigate' : 'Investigate again'}
          </button>
        ) : null}
      </div>
    </div>
  );
}

export function ConfidenceBadge({ confidence }: { confidence: Confidence }) {
  return (
    <span
      className={`rounded border px-2 py-px text-xs font-bold tracking-wide ${confidenceStyles[confidence]}`}
      data-testid="confidence"
      title="How sure the report is: CONFIRMED, LIKELY or INCONCLUSIVE"
    >
      {confidence}
    </span>
  );
}

function Block({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <div data-testid={testId}>
      <h4 className="muted mb-1 text-xs font-semibold tracking-wide uppercase">{title}</h4>
      {children}
    </div>
  );
}

function ReportView({ report }: { report: Report }) {
  const titleId = useId();
  const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return (
    <article aria-labelledby={titleId} className="panel flex flex-col gap-3 p-3" data-testid="report">
      <div className="flex flex-wrap items-center gap-2">
        <h3 id={titleId} className="font-semibold">
          Root-cause report
        </h3>
        <ConfidenceBadge confidence={report.confidence} />
        <span className="muted text-xs">
          {report.generatedBy === 'model' ? 'written with the model' : 'deterministic analysis'}
        </span>
      </div>
      <p data-testid="report-summary">
        <CitedText text={report.summary} />
      </p>
      {report.rootCause ? (
        <div className="rounded-md border-l-4 border-red-600 bg-red-50 px-3 py-2 dark:bg-red-950/40">
          <p className="text-xs font-semibold tracking-wide uppercase">
            Root cause: <span className="font-mono normal-case">{report.rootCause.service}</span> ·{' '}
            {report.rootCause.category.replace('_', ' ')}
          </p>
          <p className="mt-1" data-testid="root-cause">
            <CitedText text={report.rootCause.statement} />
          </p>
        </div>
      ) : (
        <p className="muted">No root cause could be established from the evidence.</p>
      )}
      <p className="muted text-xs">{report.confidenceNote}</p>
      {report.timeline.length > 0 ? (
        <Block title="Timeline">
          <ol className="flex flex-col gap-0.5 text-sm">
            {report.timeline.map((entry) => (
              <li key={`${entry.time}-${entry.text}`} className="flex gap-2">
                <time dateTime={entry.time} title={formatAbsolute(entry.time)} className="muted shrink-0 tabular-nums">
                  {clock.format(new Date(entry.time))}
                </time>
                <span>
                  <CitedText text={entry.text} />
                </span>
              </li>
            ))}
          </ol>
        </Block>
      ) : null}
      <Block title="Impact">
        <p>
          <CitedText text={report.impact.text} />
        </p>
      </Block>
      {report.remediations.length > 0 ? (
        <Block title="Suggested remediations" testId="remediations">
          <p className="muted mb-1 text-xs">
            Suggestions only: Aurora never runs them on its own. Copying puts the text on your clipboard; nothing runs.
          </p>
          <ul className="flex flex-col gap-2">
            {report.remediations.map((remediation) => (
              <RemediationCard key={remediation.title} remediation={remediation} />
            ))}
          </ul>
        </Block>
      ) : null}
      {report.ruledOut.length > 0 ? (
        <Block title="Ruled out" testId="ruled-out">
          <ul className="flex list-disc flex-col gap-0.5 pl-5 text-sm">
            {report.ruledOut.map((entry) => (
              <li key={`${entry.service}-${entry.category}`}>
                <span className="font-mono">{entry.service}</span> ({entry.category.replace('_', ' ')}):{' '}
                <CitedText text={entry.text} />
              </li>
            ))}
          </ul>
        </Block>
      ) : null}
      {report.unavailableSources.length > 0 ? (
        <Block title="Not seen (sources that failed)">
          <ul className="flex list-disc flex-col gap-0.5 pl-5 text-sm">
            {report.unavailableSources.map((source) => (
              <li key={source.evidenceId}>
                <CitedText text={`[${source.evidenceId}]`} /> {source.port} from {source.source}:{' '}
                {source.status.replace('_', ' ')} — {source.detail}
              </li>
            ))}
          </ul>
        </Block>
      ) : null}
      {report.droppedClaims.length > 0 || (report.notes?.length ?? 0) > 0 ? (
        <details className="text-xs">
          <summary className="muted cursor-pointer">
            {report.droppedClaims.length} withdrawn claim{report.droppedClaims.length === 1 ? '' : 's'} and notes
          </summary>
          <ul className="mt-1 list-disc pl-5">
            {report.droppedClaims.map((claim) => (
              <li key={claim}>Withdrawn (cited evidence that does not exist): {claim}</li>
            ))}
            {(report.notes ?? []).map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </article>
  );
}

function RemediationCard({ remediation }: { remediation: Remediation }) {
  const action = remediation.command ?? remediation.change ?? '';
  return (
    <li className="rounded border border-zinc-200 px-3 py-2 dark:border-zinc-700" data-testid="remediation">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{remediation.title}</span>
        <span className="ml-auto">
          <CopyButton value={action} label={remediation.command ? 'Copy command' : 'Copy change'} />
        </span>
      </div>
      {remediation.command ? (
        <pre className="mt-1 overflow-x-auto rounded border border-zinc-900 bg-zinc-900 px-2 py-1 font-mono text-xs text-zinc-100 dark:border-zinc-700 dark:bg-zinc-950">
          <code>{remediation.command}</code>
        </pre>
      ) : remediation.change ? (
        <p className="mt-1 text-sm">{remediation.change}</p>
      ) : null}
      <dl className="mt-1 grid grid-cols-[max-content_1fr] gap-x-3 text-xs">
        <dt className="font-semibold">Risk</dt>
        <dd>{remediation.risk}</dd>
        <dt className="font-semibold">Undo</dt>
        <dd className="font-mono break-words">{remediation.undo}</dd>
      </dl>
      <CitationList ids={remediation.evidenceIds} />
    </li>
  );
}

const factorLabels: Record<keyof Hypothesis['factors'], string> = {
  changeProximity: 'change near onset',
  topologyDistance: 'close in the topology',
  anomalyStrength: 'anomaly strength',
  newErrorSignatures: 'new error signatures',
  blamedByNeighbours: 'blamed by neighbours',
  onsetOrder: 'went wrong first',
  similarIncidents: 'like past incidents',
  explainedByDependency: 'explained by a dependency',
};

function Hypotheses({ hypotheses }: { hypotheses: Hypothesis[] }) {
  const titleId = useId();
  const top = Math.max(...hypotheses.map((hypothesis) => hypothesis.score), 0.0001);
  return (
    <section aria-labelledby={titleId} className="panel p-3">
      <h3 id={titleId} className="mb-2 font-semibold">
        Ranked hypotheses
      </h3>
      <ol className="flex flex-col gap-2" data-testid="hypotheses">
        {hypotheses.slice(0, 8).map((hypothesis) => (
          <li key={`${hypothesis.rank}-${hypothesis.service}`} data-rank={hypothesis.rank}>
            <div className="flex flex-wrap items-center gap-2">
              <span className="w-6 text-right font-semibold tabular-nums">#{hypothesis.rank}</span>
              <span className="font-mono font-semibold">{hypothesis.service}</span>
              <span className="muted text-xs">{hypothesis.category.replace('_', ' ')}</span>
              <span className="ml-auto flex items-center gap-2">
                <span
                  aria-hidden
                  className="inline-block h-2 w-24 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
                >
                  <span
                    className={`block h-full ${hypothesis.rank === 1 ? 'bg-red-500' : 'bg-zinc-500'}`}
                    style={{ width: `${Math.max(2, (hypothesis.score / top) * 100)}%` }}
                  />
                </span>
                <span className="font-mono text-xs tabular-nums" data-testid="hypothesis-score">
                  score {hypothesis.score.toFixed(3)}
                </span>
              </span>
            </div>
            <ul className="mt-0.5 ml-8 list-disc pl-4 text-sm">
              {hypothesis.reasons.map((reason) => (
                <li key={reason}>
                  <CitedText text={reason} />
                </li>
              ))}
            </ul>
            <details className="mt-0.5 ml-8 text-xs">
              <summary className="muted cursor-pointer">Scoring factors</summary>
              <dl className="mt-1 grid grid-cols-[max-content_max-content] gap-x-3">
                {(Object.keys(factorLabels) as Array<keyof Hypothesis['factors']>).map((factor) => (
                  <div key={factor} className="contents">
                    <dt className="muted">{factorLabels[factor]}</dt>
                    <dd className="font-mono tabular-nums">{hypothesis.factors[factor].toFixed(2)}</dd>
                  </div>
                ))}
              </dl>
            </details>
          </li>
        ))}
      </ol>
      {hypotheses.length > 8 ? (
        <p className="muted mt-1 text-xs">{hypotheses.length - 8} lower-ranked not shown.</p>
      ) : null}
    </section>
  );
}

const portFilters = [
  'all',
  'metrics',
  'logs',
  'changes',
  'kubernetes',
  'alerts',
  'topology',
  'similar_incidents',
  'runbooks',
] as const;

function EvidenceList({
  investigation,
  dataById,
  detailsError,
  open,
  flash,
  onToggle,
  context,
}: {
  investigation: Investigation;
  dataById: Map<string, EvidenceData | null>;
  detailsError: unknown;
  open: ReadonlySet<string>;
  flash: string | undefined;
  onToggle: (evidenceId: string, open: boolean) => void;
  context: EvidenceContext;
}) {
  const titleId = useId();
  const [port, setPort] = useState<(typeof portFilters)[number]>('all');
  const [answeredOnly, setAnsweredOnly] = useState(false);
  // A revealed item is shown whatever the filter says.
  const shown = investigation.evidence.filter(
    (item) => open.has(item.id) || ((port === 'all' || item.port === port) && (!answeredOnly || item.status === 'ok')),
  );
  const present = new Set(investigation.evidence.map((item) => item.port));
  return (
    <section aria-labelledby={titleId}>
      <div className="mb-2 flex flex-wrap items-center gap-2">
        <h3 id={titleId} className="font-semibold">
          Evidence <span className="muted font-normal">({investigation.evidence.length})</span>
        </h3>
        <fieldset className="flex flex-wrap items-center gap-1">
          <legend className="sr-only">Show evidence from</legend>
          {portFilters
            .filter((value) => value === 'all' || present.has(value))
            .map((value) => (
              <button
                key={value}
                type="button"
                aria-pressed={port === value}
                onClick={() => setPort(value)}
                className={`rounded-full border px-2 py-0.5 text-xs ${port === value ? 'border-amber-500 bg-amber-100 text-zinc-950 dark:bg-amber-500/25 dark:text-white' : 'border-zinc-300 dark:border-zinc-700'}`}
              >
                {value.replace('_', ' ')}
              </button>
            ))}
        </fieldset>
        <label className="ml-auto flex items-center gap-1 text-xs">
          <input type="checkbox" checked={answeredOnly} onChange={(event) => setAnsweredOnly(event.target.checked)} />
          with answers only
        </label>
      </div>
      {detailsError ? <ProblemMessage error={detailsError} className="mb-2" /> : null}
      <ul className="flex flex-col gap-1.5" data-testid="evidence">
        {shown.map((item) => (
          <EvidenceCard
            key={item.id}
            evidence={item}
            data={dataById.get(item.id)}
            open={open.has(item.id)}
            flash={flash === item.id}
            onToggle={(next) => onToggle(item.id, next)}
            context={context}
          />
        ))}
      </ul>
    </section>
  );
}

function Thoughts({ investigation }: { investigation: Investigation }) {
  const titleId = useId();
  const now = useNow(10_000);
  const active = activeInvestigationStatuses.includes(investigation.status);
  const list = useRef<HTMLOListElement>(null);
  const count = investigation.thoughts.length;
  // Follow new thoughts as they arrive, like a log tail.
  useEffect(() => {
    if (count > 0 && list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [count]);
  return (
    <section aria-labelledby={titleId} className="panel p-3">
      <h3 id={titleId} className="mb-2 flex items-center gap-2 font-semibold">
        Agent thoughts
        {active ? <span className="muted text-xs font-normal">streaming…</span> : null}
      </h3>
      {count === 0 ? (
        <p className="muted text-sm">
          {active
            ? 'Waiting for the first thought…'
            : investigation.status === 'none'
              ? 'None yet.'
              : 'No thoughts were recorded for this run.'}
        </p>
      ) : (
        <ol
          ref={list}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling block must be reachable by keyboard (WCAG 2.1.1)
          tabIndex={0}
          aria-live="polite"
          aria-label="Thoughts, oldest first"
          className="flex max-h-96 flex-col gap-1.5 overflow-y-auto text-sm"
          data-testid="thoughts"
        >
          {investigation.thoughts.map((thought: Thought) => (
            <li key={thought.sequence} data-kind={thought.kind} className="border-l-2 border-violet-400 pl-2">
              <span className="muted text-xs">
                {thought.kind} ·{' '}
                <time dateTime={thought.at} title={formatAbsolute(thought.at)}>
                  {formatRelative(thought.at, Math.max(now, Date.parse(thought.at)))}
                </time>
              </span>
              <p className="break-words whitespace-pre-wrap">
                <CitedText text={thought.text} />
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function FeedbackForm({ incidentId }: { incidentId: string }) {
  const session = useSession();
  const { feedback } = useInvestigationActions(incidentId);
  const [helpful, setHelpful] = useState<boolean>();
  const [comment, setComment] = useState('');
  const [correctRootCause, setCorrectRootCause] = useState('');
  const titleId = useId();
  if (!hasRole(session, 'editor')) return null;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (helpful === undefined) return;
    feedback.mutate({
      helpful,
      comment: comment.trim() || undefined,
      correctRootCause: correctRootCause.trim() || undefined,
    });
  };
  return (
    <section aria-labelledby={titleId} className="panel p-3">
      <h3 id={titleId} className="mb-2 font-semibold">
        Was this report right?
      </h3>
      {feedback.isSuccess ? (
        <div role="status" data-testid="feedback-recorded">
          <p className="font-medium">Thanks: your feedback is recorded.</p>
          {feedback.data.memory ? (
            <p className="muted text-sm">
              Similar incidents will now recall <span className="font-mono">{feedback.data.memory.service}</span> (
              {feedback.data.memory.category.replace('_', ' ')}).
            </p>
          ) : null}
          <button type="button" className="mt-2 text-xs underline" onClick={() => feedback.reset()}>
            Send more feedback
          </button>
        </div>
      ) : (
        <form onSubmit={onSubmit} className="flex flex-col gap-2">
          <fieldset className="flex items-center gap-3">
            <legend className="mb-1 text-sm">Did it help?</legend>
            <label className="flex items-center gap-1">
              <input type="radio" name="helpful" checked={helpful === true} onChange={() => setHelpful(true)} />
              Helpful
            </label>
            <label className="flex items-center gap-1">
              <input type="radio" name="helpful" checked={helpful === false} onChange={() => setHelpful(false)} />
              Not helpful
            </label>
          </fieldset>
          <label className="flex flex-col gap-0.5">
            <span className="text-sm">The correct root cause (if the report got it wrong)</span>
            <input
              className="field"
              value={correctRootCause}
              maxLength={2000}
              onChange={(event) => setCorrectRootCause(event.target.value)}
              placeholder="e.g. payments: expired TLS certificate"
            />
          </label>
          <label className="flex flex-col gap-0.5">
            <span className="text-sm">Comment</span>
            <textarea
              className="field min-h-16"
              value={comment}
              maxLength={4000}
              onChange={(event) => setComment(event.target.value)}
            />
          </label>
          {feedback.isError ? <ProblemMessage error={feedback.error} /> : null}
          <div>
            <button type="submit" className="button-primary" disabled={helpful === undefined || feedback.isPending}>
              {feedback.isPending ? 'Sending…' : 'Send feedback'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
