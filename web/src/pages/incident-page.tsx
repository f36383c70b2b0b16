import { type ReactNode, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { isProblem } from '../api/client';
import {
  activeStatuses,
  type IncidentAlert,
  type IncidentDetail,
  type Member,
  type TimelineEntry,
  useActiveIncidents,
  useIncident,
  useIncidentActions,
  useMembers,
} from '../api/incidents';
import { hasRole, useSession } from '../api/session';
import { SeverityBadge, StatusBadge, severityOrder } from '../components/badges';
import { Dialog } from '../components/dialog';
import { ProblemMessage } from '../components/problem-message';
import { Empty, Loading } from '../components/states';
import { useNotify } from '../lib/notices';
import { formatAbsolute, formatDuration, formatRelative, useNow } from '../lib/time';
import { InvestigationSection } from './incident-investigation';

const settableStatuses = ['open', 'investigating', 'analyzed', 'resolved'] as const;

export function IncidentPage() {
  const { incidentId = '' } = useParams();
  const incident = useIncident(incidentId);
  const members = useMembers();
  const memberNames = useMemo(
    () => new Map((members.data?.items ?? []).map((member) => [member.userId, member.name || member.email])),
    [members.data],
  );

  if (incident.isPending) return <Loading label="Loading incident…" />;
  if (incident.isError) {
    return (
      <div className="max-w-2xl">
        <BackLink />
        <ProblemMessage error={incident.error} />
        {isProblem(incident.error, 404) ? (
          <p className="muted mt-2">It may belong to another organization, or the link is wrong.</p>
        ) : null}
      </div>
    );
  }
  return <IncidentView incident={incident.data} members={members.data?.items ?? []} memberNames={memberNames} />;
}

function BackLink() {
  return (
    <Link to="/incidents" className="muted mb-2 inline-block text-sm hover:underline">
      ← Incidents
    </Link>
  );
}

function IncidentView({
  incident,
  members,
  memberNames,
}: {
  incident: IncidentDetail;
  members: Member[];
  memberNames: Map<string, string>;
}) {
  const now = useNow();
  const session = useSession();
  const canEdit = hasRole(session, 'editor') && incident.status !== 'merged';
  const { detach } = useIncidentActions(incident.id);
  const notify = useNotify();
  return (
    <article aria-labelledby="incident-title">
      <BackLink />
      <header className="mb-4 flex flex-wrap items-start gap-3">
        <SeverityBadge severity={incident.severity} />
        <div className="min-w-0 flex-1">
          <h1 id="incident-title" className="text-xl leading-tight font-semibold">
            {incident.title}
          </h1>
          <dl className="muted mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm">
            <Fact label="Status">
              <StatusBadge status={incident.status} />
            </Fact>
            <Fact label="Service">
              <span className="font-mono text-zinc-800 dark:text-zinc-200">{incident.service ?? '—'}</span>
            </Fact>
            {incident.environment ? <Fact label="Environment">{incident.environment}</Fact> : null}
            <Fact label="Source">{incident.source}</Fact>
            <Fact label="Started">
              <time dateTime={incident.startedAt} title={formatAbsolute(incident.startedAt)}>
                {formatRelative(incident.startedAt, now)}
              </time>{' '}
              ({formatDuration(incident.startedAt, incident.resolvedAt, now)})
            </Fact>
            <Fact label="Alerts">{incident.alertCount}</Fact>
            <Fact label="Assignee">
              {incident.assigneeId ? (memberNames.get(incident.assigneeId) ?? 'a former member') : 'nobody'}
            </Fact>
          </dl>
        </div>
      </header>

      {incident.mergedIntoId ? (
        <p
          className="mb-4 rounded-md border border-zinc-300 bg-zinc-100 px-3 py-2 dark:border-zinc-700 dark:bg-zinc-800"
          role="note"
        >
          This incident was merged. Its alerts now belong to{' '}
          <Link className="font-medium underline" to={`/incidents/${incident.mergedIntoId}`}>
            the incident it was merged into
          </Link>
          .
        </p>
      ) : null}

      {canEdit ? <IncidentActions incident={incident} members={members} /> : null}
      {!hasRole(session, 'editor') ? (
        <p className="muted mb-4 text-sm">You have the viewer role: you can look but not change incidents.</p>
      ) : null}

      <InvestigationSection incident={incident} />

      <div className="grid gap-4 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <section aria-labelledby="alerts-heading">
          <h2 id="alerts-heading" className="mb-2 font-semibold">
            Alerts <span className="muted font-normal">({incident.alerts.length})</span>
          </h2>
          {incident.alerts.length === 0 ? (
            <Empty title="No alerts">{incident.status === 'merged' ? 'They moved with the merge.' : null}</Empty>
          ) : (
            <ul className="flex flex-col gap-2" data-testid="alerts">
              {incident.alerts.map((alert) => (
                <AlertCard
                  key={alert.id}
                  alert={alert}
                  now={now}
                  detaching={detach.isPending}
                  // The card unmounts when its alert leaves, so the outcome is reported from here.
                  onDetach={
                    canEdit && incident.alerts.length > 1
                      ? () =>
                          detach.mutate(alert.id, {
                            onSuccess: (created) =>
                              notify('Alert detached into a new incident.', {
                                link: { to: `/incidents/${created.id}`, label: 'Open it' },
                              }),
                            onError: (error) => notify(error.message, { tone: 'error' }),
                          })
                      : undefined
                  }
                />
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="timeline-heading">
          <h2 id="timeline-heading" className="mb-2 font-semibold">
            Timeline
          </h2>
          <Timeline entries={incident.timeline} memberNames={memberNames} now={now} />
        </section>
      </div>
    </article>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex items-center gap-1">
      <dt>{label}:</dt>
      <dd className="text-zinc-800 dark:text-zinc-200">{children}</dd>
    </div>
  );
}

function IncidentActions({ incident, members }: { incident: IncidentDetail; members: Member[] }) {
  const session = useSession();
  const notify = useNotify();
  const actions = useIncidentActions(incident.id);
  const [mergeOpen, setMergeOpen] = useState(false);
  const update = (body: Parameters<typeof actions.update.mutate>[0], message: string) =>
    actions.update.mutate(body, {
      onSuccess: () => notify(message),
      onError: (error) => notify(error.message, { tone: 'error' }),
    });
  return (
    <section aria-label="Change this incident" className="panel mb-4 flex flex-wrap items-end gap-3 px-3 py-2">
      <label className="flex flex-col gap-0.5">
        <span className="muted text-xs font-medium uppercase">Status</span>
        <select
          className="field"
          value={incident.status}
          disabled={actions.update.isPending}
          onChange={(event) => {
            const status = event.target.value as (typeof settableStatuses)[number];
            update({ status }, `Status changed to ${status}`);
          }}
        >
          {settableStatuses.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-0.5">
        <span className="muted text-xs font-medium uppercase">Severity</span>
        <select
          className="field"
          value={incident.severity}
          disabled={actions.update.isPending}
          onChange={(event) => {
            const severity = event.target.value as (typeof severityOrder)[number];
            update({ severity }, `Severity changed to ${severity}`);
          }}
        >
          {severityOrder.map((severity) => (
            <option key={severity} value={severity}>
              {severity}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-0.5">
        <span className="muted text-xs font-medium uppercase">Assignee</span>
        <select
          className="field max-w-56"
          value={incident.assigneeId ?? ''}
          disabled={actions.update.isPending}
          onChange={(event) => update({ assigneeId: event.target.value || null }, 'Assignee changed')}
        >
          <option value="">nobody</option>
          {members.map((member) => (
            <option key={member.userId} value={member.userId}>
              {member.name || member.email}
            </option>
          ))}
        </select>
      </label>
      {incident.assigneeId !== session.user.id ? (
        <button
          type="button"
          className="button"
          disabled={actions.update.isPending}
          onClick={() => update({ assigneeId: session.user.id }, 'Assigned to you')}
        >
          Assign to me
        </button>
      ) : null}
      {incident.status !== 'resolved' ? (
        <button
          type="button"
          className="button"
          disabled={actions.update.isPending}
          onClick={() => update({ status: 'resolved' }, 'Incident resolved')}
        >
          Resolve
        </button>
      ) : null}
      <button type="button" className="button ml-auto" onClick={() => setMergeOpen(true)}>
        Merge another incident into this…
      </button>
      {actions.update.isError ? <ProblemMessage error={actions.update.error} className="w-full" /> : null}
      <MergeDialog open={mergeOpen} onOpenChange={setMergeOpen} incident={incident} />
    </section>
  );
}

/** Picks another active incident whose alerts move into this one; the other becomes `merged`. */
function MergeDialog({
  open,
  onOpenChange,
  incident,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  incident: IncidentDetail;
}) {
  const active = useActiveIncidents();
  const { merge } = useIncidentActions(incident.id);
  const notify = useNotify();
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<string>();
  const candidates = (active.data?.items ?? [])
    .filter((other) => other.id !== incident.id && (activeStatuses as readonly string[]).includes(other.status))
    .filter((other) => `${other.title} ${other.service ?? ''}`.toLowerCase().includes(query.trim().toLowerCase()));
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) merge.reset();
      }}
      title="Merge another incident into this one"
      description="Its alerts move here and it is marked merged, pointing to this incident. Active incidents only."
      wide
    >
      <label className="mb-2 flex flex-col gap-1">
        <span className="text-sm font-medium">Find an incident</span>
        <input
          className="field"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          placeholder="title or service"
        />
      </label>
      {active.isPending ? <Loading /> : null}
      {active.isError ? <ProblemMessage error={active.error} /> : null}
      {active.isSuccess && candidates.length === 0 ? <Empty title="No other active incident matches" /> : null}
      <fieldset className="max-h-80 overflow-y-auto">
        <legend className="sr-only">Incident to merge</legend>
        {candidates.map((other) => (
          <label
            key={other.id}
            className="flex cursor-pointer items-center gap-2 rounded px-2 py-1 hover:bg-zinc-100 has-[:checked]:bg-amber-100 dark:hover:bg-zinc-800 dark:has-[:checked]:bg-amber-500/20"
          >
            <input
              type="radio"
              name="merge-source"
              value={other.id}
              checked={chosen === other.id}
              onChange={() => setChosen(other.id)}
            />
            <SeverityBadge severity={other.severity} />
            <span className="flex-1 truncate">{other.title}</span>
            <span className="muted font-mono text-xs">{other.service ?? ''}</span>
            <span className="muted text-xs">{other.alertCount} alerts</span>
          </label>
        ))}
      </fieldset>
      {merge.isError ? <ProblemMessage error={merge.error} className="mt-2" /> : null}
      <div className="mt-3 flex justify-end gap-2">
        <button type="button" className="button" onClick={() => onOpenChange(false)}>
          Cancel
        </button>
        <button
          type="button"
          className="button-primary"
          disabled={!chosen || merge.isPending}
          onClick={() =>
            chosen &&
            merge.mutate(chosen, {
              onSuccess: () => {
                onOpenChange(false);
                setChosen(undefined);
                notify('Incident merged into this one');
              },
            })
          }
        >
          {merge.isPending ? 'Merging…' : 'Merge into this incident'}
        </button>
      </div>
    </Dialog>
  );
}

function AlertCard({
  alert,
  onDetach,
  detaching,
  now,
}: {
  alert: IncidentAlert;
  /** Absent when the alert cannot be detached (viewer, merged incident, or the incident's only alert). */
  onDetach?: () => void;
  detaching: boolean;
  now: number;
}) {
  const labels = Object.entries(alert.labels);
  const annotations = Object.entries(alert.annotations);
  const links = Object.entries(alert.links).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string' && /^https?:\/\//.test(entry[1]),
  );
  return (
    <li className="panel px-3 py-2" data-alert-id={alert.id}>
      <div className="flex flex-wrap items-center gap-2">
        <StatusBadge status={alert.status} />
        <SeverityBadge severity={alert.severity} />
        <span className="min-w-0 flex-1 font-medium">{alert.title}</span>
        <span
          className="rounded bg-zinc-100 px-1.5 text-xs tabular-nums dark:bg-zinc-800"
          title="Times this alert was received"
        >
          ×{alert.occurrences}
        </span>
        {onDetach ? (
          <button
            type="button"
            className="button py-0.5 text-xs"
            disabled={detaching}
            aria-label={`Detach alert ${alert.title} into a new incident`}
            onClick={onDetach}
          >
            Detach
          </button>
        ) : null}
      </div>
      <p className="muted mt-1 text-xs">
        {alert.service ? <span className="mr-3 font-mono">{alert.service}</span> : null}
        {alert.environment ? <span className="mr-3">{alert.environment}</span> : null}
        <span className="mr-3">
          started{' '}
          <time dateTime={alert.startsAt} title={formatAbsolute(alert.startsAt)}>
            {formatRelative(alert.startsAt, now)}
          </time>
        </span>
        <span className="mr-3">
          last seen{' '}
          <time dateTime={alert.lastSeenAt} title={formatAbsolute(alert.lastSeenAt)}>
            {formatRelative(alert.lastSeenAt, now)}
          </time>
        </span>
        {alert.endsAt ? (
          <span className="mr-3">
            ended{' '}
            <time dateTime={alert.endsAt} title={formatAbsolute(alert.endsAt)}>
              {formatRelative(alert.endsAt, now)}
            </time>
          </span>
        ) : null}
        {alert.correlation.reason ? (
          <span title="Why this alert joined this incident">
            joined: {alert.correlation.reason}
            {alert.correlation.score !== null ? ` (${alert.correlation.score.toFixed(2)})` : ''}
          </span>
        ) : null}
      </p>
      {labels.length > 0 ? (
        <ul className="mt-1.5 flex flex-wrap gap-1" aria-label="Labels">
          {labels.map(([name, value]) => (
            <li key={name} className="rounded border border-zinc-200 px-1.5 font-mono text-[11px] dark:border-zinc-700">
              <span className="muted">{name}=</span>
              {value}
            </li>
          ))}
        </ul>
      ) : null}
      {annotations.length > 0 ? (
        <dl className="mt-1.5 grid grid-cols-[max-content_1fr] gap-x-3 text-xs">
          {annotations.map(([name, value]) => (
            <div key={name} className="contents">
              <dt className="muted font-mono">{name}</dt>
              <dd className="break-words whitespace-pre-wrap">{value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {links.length > 0 ? (
        <p className="mt-1.5 flex flex-wrap gap-3 text-xs">
          {links.map(([name, href]) => (
            <a
              key={name}
              href={href}
              target="_blank"
              rel="noopener noreferrer"
              className="text-amber-700 underline dark:text-amber-400"
            >
              {name} ↗
            </a>
          ))}
        </p>
      ) : null}
    </li>
  );
}

function Timeline({
  entries,
  memberNames,
  now,
}: {
  entries: TimelineEntry[];
  memberNames: Map<string, string>;
  now: number;
}) {
  if (entries.length === 0) return <Empty title="Nothing has happened yet" />;
  return (
    <ol className="relative border-l border-zinc-200 pl-4 dark:border-zinc-800" data-testid="timeline">
      {entries.map((entry) => (
        <li key={entry.id} className="mb-2.5" data-type={entry.type}>
          <span
            aria-hidden
            className="absolute -left-[5px] mt-1.5 size-2.5 rounded-full border-2 border-white bg-zinc-400 dark:border-zinc-950"
          />
          <p className="text-sm">{describe(entry, memberNames)}</p>
          <p className="muted text-xs">
            <time dateTime={entry.at} title={formatAbsolute(entry.at)}>
              {formatRelative(entry.at, now)}
            </time>{' '}
            · {entry.actor.type === 'user' ? (memberNames.get(entry.actor.id ?? '') ?? 'a user') : entry.actor.type}
          </p>
        </li>
      ))}
    </ol>
  );
}

function incidentLink(id: unknown, label: string): ReactNode {
  return typeof id === 'string' ? (
    <Link className="underline" to={`/incidents/${id}`}>
      {label}
    </Link>
  ) : (
    label
  );
}

/** Timeline entries in words; unknown types (added by later features) still show their type and details. */
function describe(entry: TimelineEntry, memberNames: Map<string, string>): ReactNode {
  const details = entry.details;
  const count = typeof details.count === 'number' ? details.count : undefined;
  const plural = (value: number | undefined, word: string) => `${value ?? 'Some'} ${word}${value === 1 ? '' : 's'}`;
  const person = (id: unknown) => (typeof id === 'string' ? (memberNames.get(id) ?? 'a former member') : 'nobody');
  switch (entry.type) {
    case 'incident.created':
      return details.detachedFrom ? (
        <>Created by detaching an alert from {incidentLink(details.detachedFrom, 'another incident')}</>
      ) : (
        <>Incident opened from {String(details.source ?? 'an alert')}</>
      );
    case 'alerts.attached': {
      const reasons = Array.isArray(details.reasons)
        ? details.reasons.filter((reason) => typeof reason === 'string')
        : [];
      return `${plural(count, 'alert')} attached${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`;
    }
    case 'alerts.resolved':
      return `${plural(count, 'alert')} resolved`;
    case 'status.changed':
      return (
        <>
          Status {details.from ? <StatusBadge status={String(details.from)} /> : null} →{' '}
          <StatusBadge status={String(details.to)} />
          {details.reason ? <span className="muted"> ({String(details.reason)})</span> : null}
        </>
      );
    case 'severity.changed':
      return (
        <>
          Severity <SeverityBadge severity={String(details.from)} /> → <SeverityBadge severity={String(details.to)} />
        </>
      );
    case 'assignee.changed':
      return `Assigned to ${person(details.to)}`;
    case 'incident.merged_in':
      return (
        <>
          Merged in {incidentLink(details.from, 'another incident')} (
          {plural(typeof details.alerts === 'number' ? details.alerts : undefined, 'alert')})
        </>
      );
    case 'incident.merged_into':
      return <>Merged into {incidentLink(details.into, 'another incident')}</>;
    case 'alert.detached':
      return <>An alert was detached into {incidentLink(details.into, 'a new incident')}</>;
    case 'investigation.queued':
      return 'Investigation queued';
    case 'investigation.started':
      return `Investigation started${typeof details.attempt === 'number' && details.attempt > 1 ? ` (attempt ${details.attempt})` : ''}`;
    case 'investigation.thought':
      return (
        <>
          Agent: <span className="muted">{String(details.text ?? '')}</span>
        </>
      );
    case 'investigation.finished': {
      const cause = details.rootCause as { service?: unknown; category?: unknown } | null | undefined;
      return `Investigation finished: ${String(details.confidence ?? '')}${cause?.service ? `, ${String(cause.service)} (${String(cause.category ?? '').replace('_', ' ')})` : ', no root cause'}`;
    }
    case 'investigation.failed':
      return `Investigation failed${details.error ? `: ${String(details.error)}` : ''}`;
    case 'investigation.feedback':
      return `${person(details.by)} marked the report ${details.helpful ? 'helpful' : 'not helpful'}${details.corrected ? ' and named the correct cause' : ''}`;
    case 'investigation.ran':
      return `Investigation ran${details.note ? ` (${String(details.note)})` : ''}`;
    default:
      return (
        <>
          <code className="font-mono text-xs">{entry.type}</code>{' '}
          {Object.keys(details).length > 0 ? (
            <span className="muted font-mono text-xs">{JSON.stringify(details)}</span>
          ) : null}
        </>
      );
  }
}
