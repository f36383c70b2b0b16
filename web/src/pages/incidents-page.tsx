import { type KeyboardEvent as ReactKeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  activeStatuses,
  type IncidentFilters,
  type IncidentSummary,
  timeWindows,
  useActiveIncidents,
  useIncidentList,
} from '../api/incidents';
import { SeverityBadge, StatusBadge, severityOrder, statusOrder } from '../components/badges';
import { ProblemMessage } from '../components/problem-message';
import { Empty, Loading, PageHeader } from '../components/states';
import { useLiveEvents } from '../lib/live-events';
import { formatAbsolute, formatDuration, formatRelative, useNow } from '../lib/time';

function readFilters(searchParams: URLSearchParams): IncidentFilters {
  const list = (name: string) => (searchParams.get(name) ?? '').split(',').filter(Boolean);
  return {
    status: list('status'),
    severity: list('severity'),
    service: searchParams.get('service') ?? '',
    window: searchParams.get('window') ?? '',
  };
}

const chipClass = (pressed: boolean) =>
  `rounded-full border px-2 py-0.5 text-xs font-medium ${
    pressed
      ? 'border-amber-500 bg-amber-100 text-zinc-950 dark:border-amber-500 dark:bg-amber-500/25 dark:text-white'
      : 'border-zinc-300 text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800'
  }`;

/** The live incident list: what is burning, newest first, updated by the event stream without a reload. */
export function IncidentsPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(() => readFilters(searchParams), [searchParams]);
  const list = useIncidentList(filters);
  const active = useActiveIncidents();
  const { newIncidentIds } = useLiveEvents();
  const now = useNow();
  const serviceInput = useRef<HTMLInputElement>(null);
  const tableBody = useRef<HTMLTableSectionElement>(null);
  const [serviceDraft, setServiceDraft] = useState(filters.service);
  useEffect(() => setServiceDraft(filters.service), [filters.service]);

  const setFilter = (name: keyof IncidentFilters, value: string | string[]) => {
    const next = new URLSearchParams(searchParams);
    const text = Array.isArray(value) ? value.join(',') : value;
    if (text) next.set(name, text);
    else next.delete(name);
    setSearchParams(next, { replace: true });
  };
  const toggle = (name: 'status' | 'severity', value: string) =>
    setFilter(
      name,
      filters[name].includes(value) ? filters[name].filter((entry) => entry !== value) : [...filters[name], value],
    );

  // j/k move between incidents, / jumps to the service filter: the list works without a mouse.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (event.metaKey || event.ctrlKey || event.altKey || target.closest('input, textarea, select, [role="dialog"]'))
        return;
      if (event.key === '/') {
        event.preventDefault();
        serviceInput.current?.focus();
        return;
      }
      if (event.key !== 'j' && event.key !== 'k') return;
      const links = [...(tableBody.current?.querySelectorAll<HTMLAnchorElement>('a[data-incident-link]') ?? [])];
      if (links.length === 0) return;
      const current = links.indexOf(document.activeElement as HTMLAnchorElement);
      const next = current === -1 ? 0 : Math.min(links.length - 1, Math.max(0, current + (event.key === 'j' ? 1 : -1)));
      links[next]?.focus();
      event.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  const incidents = list.data?.pages.flatMap((page) => page.items) ?? [];
  const services = useMemo(
    () =>
      [
        ...new Set([...(active.data?.items ?? []), ...incidents].map((incident) => incident.service).filter(Boolean)),
      ].sort() as string[],
    [active.data, incidents],
  );
  const filtered = filters.status.length + filters.severity.length > 0 || filters.service || filters.window;

  return (
    <>
      <PageHeader title="Incidents">
        <ActiveSummary
          incidents={active.data?.items}
          more={Boolean(active.data?.nextCursor)}
          onPick={(severity) => {
            const next = new URLSearchParams(searchParams);
            next.set('status', activeStatuses.join(','));
            next.set('severity', severity);
            setSearchParams(next, { replace: true });
          }}
        />
      </PageHeader>

      <section aria-label="Filters" className="panel mb-3 flex flex-wrap items-center gap-x-4 gap-y-2 px-3 py-2">
        <fieldset className="flex flex-wrap items-center gap-1">
          <legend className="sr-only">Status</legend>
          <span className="muted mr-1 text-xs font-medium uppercase">Status</span>
          <button
            type="button"
            className={chipClass(filters.status.join(',') === activeStatuses.join(','))}
            aria-pressed={filters.status.join(',') === activeStatuses.join(',')}
            onClick={() =>
              setFilter('status', filters.status.join(',') === activeStatuses.join(',') ? [] : [...activeStatuses])
            }
          >
            active
          </button>
          {statusOrder.map((status) => (
            <button
              key={status}
              type="button"
              className={chipClass(filters.status.includes(status))}
              aria-pressed={filters.status.includes(status)}
              onClick={() => toggle('status', status)}
            >
              {status}
            </button>
          ))}
        </fieldset>
        <fieldset className="flex flex-wrap items-center gap-1">
          <legend className="sr-only">Severity</legend>
          <span className="muted mr-1 text-xs font-medium uppercase">Severity</span>
          {severityOrder.map((severity) => (
            <button
              key={severity}
              type="button"
              className={chipClass(filters.severity.includes(severity))}
              aria-pressed={filters.severity.includes(severity)}
              onClick={() => toggle('severity', severity)}
            >
              {severity}
            </button>
          ))}
        </fieldset>
        <form
          className="flex items-center gap-1"
          onSubmit={(event) => {
            event.preventDefault();
            setFilter('service', serviceDraft.trim());
          }}
        >
          <label htmlFor="service-filter" className="muted text-xs font-medium uppercase">
            Service
          </label>
          <input
            id="service-filter"
            ref={serviceInput}
            className="field w-40 py-0.5"
            list="known-services"
            placeholder="any ( / )"
            value={serviceDraft}
            onChange={(event) => setServiceDraft(event.target.value)}
            onBlur={() => serviceDraft.trim() !== filters.service && setFilter('service', serviceDraft.trim())}
          />
          <datalist id="known-services">
            {services.map((service) => (
              <option key={service} value={service} />
            ))}
          </datalist>
        </form>
        <label className="flex items-center gap-1">
          <span className="muted text-xs font-medium uppercase">Started</span>
          <select
            className="field py-0.5"
            value={filters.window}
            onChange={(event) => setFilter('window', event.target.value)}
          >
            <option value="">any time</option>
            {timeWindows.map((window) => (
              <option key={window.value} value={window.value}>
                {window.label}
              </option>
            ))}
          </select>
        </label>
        {filtered ? (
          <button
            type="button"
            className="button py-0.5 text-xs"
            onClick={() => setSearchParams(new URLSearchParams(), { replace: true })}
          >
            Clear filters
          </button>
        ) : null}
        <span className="muted ml-auto hidden text-xs lg:inline">
          <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> open · <kbd>/</kbd> service
        </span>
      </section>

      {list.isPending ? <Loading label="Loading incidents…" /> : null}
      {list.isError ? <ProblemMessage error={list.error} /> : null}
      {list.isSuccess && incidents.length === 0 ? (
        <Empty title={filtered ? 'No incidents match these filters' : 'No incidents yet'}>
          {filtered
            ? 'Clear the filters to see every incident.'
            : 'Incidents appear here, live, as alerts arrive. Connect a monitoring tool under Settings → Integrations.'}
        </Empty>
      ) : null}
      {incidents.length > 0 ? (
        <div className="panel overflow-x-auto">
          <table className="w-full border-collapse text-left">
            <caption className="sr-only">Incidents, newest first</caption>
            <thead className="muted border-b border-zinc-200 text-xs uppercase dark:border-zinc-800">
              <tr>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Severity
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Incident
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Service
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Status
                </th>
                <th scope="col" className="px-3 py-1.5 text-right font-medium">
                  Alerts
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Started
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Duration
                </th>
              </tr>
            </thead>
            <tbody ref={tableBody} data-testid="incident-rows">
              {incidents.map((incident) => (
                <IncidentRow key={incident.id} incident={incident} isNew={newIncidentIds.has(incident.id)} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {list.hasNextPage ? (
        <div className="mt-3 flex justify-center">
          <button
            type="button"
            className="button"
            disabled={list.isFetchingNextPage}
            onClick={() => list.fetchNextPage()}
          >
            {list.isFetchingNextPage ? 'Loading…' : 'Load older incidents'}
          </button>
        </div>
      ) : null}
    </>
  );
}

function IncidentRow({ incident, isNew, now }: { incident: IncidentSummary; isNew: boolean; now: number }) {
  const onKeyDown = (event: ReactKeyboardEvent) => {
    if (event.key === 'Escape') (event.target as HTMLElement).blur();
  };
  const muted = incident.status === 'resolved' || incident.status === 'merged';
  return (
    <tr
      data-incident-id={incident.id}
      className={`border-b border-zinc-100 last:border-0 hover:bg-zinc-50 dark:border-zinc-800/70 dark:hover:bg-zinc-800/40 ${isNew ? 'bg-amber-50 dark:bg-amber-500/10' : ''}`}
    >
      <td className="px-3 py-1.5 align-top">
        <SeverityBadge severity={incident.severity} />
      </td>
      <td className="max-w-[36rem] px-3 py-1.5 align-top">
        <Link
          data-incident-link
          to={`/incidents/${incident.id}`}
          onKeyDown={onKeyDown}
          className={`hover:underline ${muted ? 'text-zinc-600 dark:text-zinc-400' : 'font-medium'}`}
        >
          {incident.title}
        </Link>
        {isNew ? (
          <span className="ml-2 rounded bg-amber-500 px-1 text-[10px] font-bold uppercase text-zinc-950">new</span>
        ) : null}
        {incident.environment ? <span className="muted ml-2 text-xs">{incident.environment}</span> : null}
      </td>
      <td className="px-3 py-1.5 align-top font-mono text-xs">
        {incident.service ?? <span className="muted">—</span>}
      </td>
      <td className="px-3 py-1.5 align-top">
        <StatusBadge status={incident.status} />
      </td>
      <td className="px-3 py-1.5 text-right align-top tabular-nums">{incident.alertCount}</td>
      <td className="px-3 py-1.5 align-top whitespace-nowrap">
        <time dateTime={incident.startedAt} title={formatAbsolute(incident.startedAt)}>
          {formatRelative(incident.startedAt, now)}
        </time>
      </td>
      <td className="muted px-3 py-1.5 align-top whitespace-nowrap tabular-nums">
        {formatDuration(incident.startedAt, incident.resolvedAt, now)}
      </td>
    </tr>
  );
}

/** Active incidents by severity: the "what is burning" line. Each count filters the list to it. */
function ActiveSummary({
  incidents,
  more,
  onPick,
}: {
  incidents: IncidentSummary[] | undefined;
  more: boolean;
  onPick: (severity: string) => void;
}) {
  if (!incidents) return null;
  const counts = new Map<string, number>();
  for (const incident of incidents) counts.set(incident.severity, (counts.get(incident.severity) ?? 0) + 1);
  return (
    <section aria-label="Active incidents by severity" className="flex items-center gap-2" data-testid="active-summary">
      <span className="text-sm">
        <strong className="tabular-nums">
          {incidents.length}
          {more ? '+' : ''}
        </strong>{' '}
        active
      </span>
      {severityOrder.map((severity) => (
        <button
          key={severity}
          type="button"
          className="flex items-center gap-1 rounded px-1 py-0.5 hover:bg-zinc-100 dark:hover:bg-zinc-800"
          onClick={() => onPick(severity)}
          title={`Show active ${severity} incidents`}
        >
          <SeverityBadge severity={severity} />
          <span className="tabular-nums font-semibold">{counts.get(severity) ?? 0}</span>
          <span className="sr-only">active; show them</span>
        </button>
      ))}
    </section>
  );
}
