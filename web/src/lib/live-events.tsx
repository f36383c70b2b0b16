import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import type { Paths } from '../api/client';
import { type Investigation, investigationKey } from '../api/investigations';
import { orgKey, sessionKey } from '../api/session';

/** The one Server-Sent Events stream per tab; its path is checked against the API's OpenAPI paths. */
const streamPath = '/api/v1/incidents/stream' satisfies keyof Paths;

export type StreamState = 'connecting' | 'live' | 'reconnecting';

interface LiveEvents {
  state: StreamState;
  /** Incidents created since this page opened, to mark them as new. */
  newIncidentIds: ReadonlySet<string>;
}

const LiveEventsContext = createContext<LiveEvents>({ state: 'connecting', newIncidentIds: new Set() });

export function useLiveEvents(): LiveEvents {
  return useContext(LiveEventsContext);
}

/** Calls `run` at most once per `intervalMs`, and once more after a burst so the last change is not missed. */
function throttle(run: () => void, intervalMs: number): { call: () => void; cancel: () => void } {
  let last = 0;
  let timer: number | undefined;
  return {
    call() {
      const wait = last + intervalMs - Date.now();
      if (wait <= 0) {
        last = Date.now();
        run();
      } else if (timer === undefined) {
        timer = window.setTimeout(() => {
          timer = undefined;
          last = Date.now();
          run();
        }, wait);
      }
    },
    cancel() {
      window.clearTimeout(timer);
    },
  };
}

/**
 * Keeps the org's incident data live: each event refetches what is on screen (throttled, so an alert storm
 * costs at most one refetch a second), and a reconnect refetches too, since events sent meanwhile are lost.
 */
export function LiveEventsProvider({ orgId, children }: { orgId: string; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<StreamState>('connecting');
  const [newIncidentIds, setNewIncidentIds] = useState<ReadonlySet<string>>(new Set());
  const [announcement, setAnnouncement] = useState('');

  useEffect(() => {
    let source: EventSource | undefined;
    let retryTimer: number | undefined;
    let missedEvents = false;
    const refresh = throttle(
      () => void queryClient.invalidateQueries({ queryKey: [...orgKey(orgId), 'incidents'] }),
      1000,
    );

    const investigationRefresh = throttledPerKey(
      (incidentId) =>
        void queryClient.invalidateQueries({ queryKey: [...investigationKey(orgId, incidentId), 'view'] }),
      500,
    );

    const connect = () => {
      source = new EventSource(streamPath);
      source.onopen = () => {
        setState('live');
        if (missedEvents) refresh.call();
        missedEvents = false;
      };
      source.onerror = () => {
        missedEvents = true;
        setState('reconnecting');
        // CLOSED means the browser gave up (e.g. a 401 after the session expired): check the session, retry later.
        if (source?.readyState === EventSource.CLOSED) {
          void queryClient.invalidateQueries({ queryKey: sessionKey });
          retryTimer = window.setTimeout(connect, 5000);
        }
      };
      source.addEventListener('incident.created', (event) => {
        const data = parse(event.data);
        if (typeof data.incidentId === 'string') {
          const id = data.incidentId;
          setNewIncidentIds((previous) => new Set(previous).add(id));
        }
        const title = typeof data.title === 'string' ? data.title : 'untitled';
        const severity = typeof data.severity === 'string' ? `${data.severity} ` : '';
        setAnnouncement(`New ${severity}incident: ${title}`);
        refresh.call();
      });
      source.addEventListener('incident.updated', () => refresh.call());
      // A run's thoughts are shown as they arrive; every event re-reads the incident's investigation and (throttled
      // as above) the incident, whose timeline records each step.
      source.addEventListener('investigation.thought', (event) => {
        const data = parse(event.data);
        if (typeof data.incidentId === 'string') appendThought(queryClient, orgId, data);
        investigationRefresh.call(data.incidentId);
        refresh.call();
      });
      for (const type of ['investigation.started', 'investigation.evidence', 'investigation.finished']) {
        source.addEventListener(type, (event) => {
          investigationRefresh.call(parse(event.data).incidentId);
          // The incident's timeline records each step too.
          refresh.call();
        });
      }
    };
    connect();
    return () => {
      refresh.cancel();
      investigationRefresh.cancel();
      window.clearTimeout(retryTimer);
      source?.close();
    };
  }, [orgId, queryClient]);

  return (
    <LiveEventsContext.Provider value={{ state, newIncidentIds }}>
      {children}
      <p className="sr-only" role="status" aria-live="polite">
        {announcement}
      </p>
    </LiveEventsContext.Provider>
  );
}

/** One throttle per key (an incident id), so a busy investigation does not hold back another incident's. */
function throttledPerKey(run: (key: string) => void, intervalMs: number) {
  const throttles = new Map<string, ReturnType<typeof throttle>>();
  return {
    call(key: unknown) {
      if (typeof key !== 'string') return;
      let entry = throttles.get(key);
      if (!entry) {
        entry = throttle(() => run(key), intervalMs);
        throttles.set(key, entry);
      }
      entry.call();
    },
    cancel() {
      for (const entry of throttles.values()) entry.cancel();
    },
  };
}

/** Adds a streamed thought to the cached investigation it belongs to (the refetch that follows confirms it). */
function appendThought(queryClient: QueryClient, orgId: string, data: Record<string, unknown>): void {
  const { incidentId, investigationId, sequence, kind, text, at } = data;
  if (typeof incidentId !== 'string' || typeof sequence !== 'number' || typeof text !== 'string') return;
  queryClient.setQueryData<Investigation>([...investigationKey(orgId, incidentId), 'view'], (current) => {
    if (!current || current.investigationId !== investigationId) return current;
    if (current.thoughts.some((thought) => thought.sequence === sequence)) return current;
    const thought = {
      sequence,
      kind: typeof kind === 'string' ? kind : 'thought',
      text,
      at: typeof at === 'string' ? at : new Date().toISOString(),
    };
    return {
      ...current,
      thoughts: [...current.thoughts, thought].sort((left, right) => left.sequence - right.sequence),
    };
  });
}

function parse(data: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
