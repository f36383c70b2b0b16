import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, type Paths, type ResponseOf, unwrap } from './client';
import { orgKey, useSession } from './session';

export type KnowledgeDocument = ResponseOf<'/api/v1/knowledge/documents'>['items'][number];
export type DocumentKind = KnowledgeDocument['kind'];
export type DocumentStatus = KnowledgeDocument['status'];
export type SearchResponse = ResponseOf<'/api/v1/knowledge/search'>;
export type SearchResult = SearchResponse['results'][number];

export const documentKinds = [
  'runbook',
  'postmortem',
  'doc',
  'incident',
  'conversation',
] as const satisfies readonly DocumentKind[];
export const uploadKinds = ['runbook', 'postmortem', 'doc'] as const satisfies readonly DocumentKind[];

/** The knowledge feature's own event stream (document.updated); open only while a knowledge page is. */
const streamPath = '/api/v1/knowledge/stream' satisfies keyof Paths;

function useKnowledgeKey() {
  const { organization } = useSession();
  return [...orgKey(organization.id), 'knowledge'] as const;
}

export function useKnowledgeDocuments(kind: DocumentKind | '') {
  const key = useKnowledgeKey();
  return useInfiniteQuery({
    queryKey: [...key, 'documents', kind],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/knowledge/documents', {
          params: { query: { kind: kind || undefined, limit: 50, cursor: pageParam } },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useDocumentActions() {
  const key = useKnowledgeKey();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  const byId = (documentId: string) => ({ params: { path: { documentId } } });
  return {
    refresh,
    remove: useMutation({
      mutationFn: (documentId: string) =>
        unwrap(api.DELETE('/api/v1/knowledge/documents/{documentId}', byId(documentId))),
      onSettled: refresh,
    }),
    reindex: useMutation({
      mutationFn: (documentId: string) =>
        unwrap(api.POST('/api/v1/knowledge/documents/{documentId}/reindex', byId(documentId))),
      onSettled: refresh,
    }),
  };
}

export function useKnowledgeSearch(search: { q: string; kind: DocumentKind | ''; limit: number }) {
  const key = useKnowledgeKey();
  return useQuery({
    queryKey: [...key, 'search', search],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/knowledge/search', {
          params: { query: { q: search.q, kind: search.kind || undefined, limit: search.limit } },
          signal,
        }),
      ),
    enabled: search.q.trim().length > 0,
    staleTime: 0,
  });
}

/** What the stream says about a document being indexed (the list row shows it until the row itself changes). */
export interface DocumentProgress {
  stage?: string;
  done?: number;
  total?: number;
}

/**
 * Follows `document.updated` while mounted: each event refreshes the document list (throttled to one refetch a
 * second), and embedding progress is kept per document for the status badge. A reconnect refetches, since events
 * sent meanwhile are lost.
 */
export function useKnowledgeStream(): { live: boolean; progress: ReadonlyMap<string, DocumentProgress> } {
  const key = useKnowledgeKey();
  const queryClient = useQueryClient();
  const [live, setLive] = useState(false);
  const [progress, setProgress] = useState<ReadonlyMap<string, DocumentProgress>>(new Map());
  const keyText = JSON.stringify(key);

  useEffect(() => {
    const documentsKey = [...(JSON.parse(keyText) as string[]), 'documents'];
    let timer: number | undefined;
    let last = 0;
    const refresh = () => {
      const wait = last + 1000 - Date.now();
      if (wait <= 0) {
        last = Date.now();
        void queryClient.invalidateQueries({ queryKey: documentsKey });
      } else if (timer === undefined) {
        timer = window.setTimeout(() => {
          timer = undefined;
          last = Date.now();
          void queryClient.invalidateQueries({ queryKey: documentsKey });
        }, wait);
      }
    };
    let missed = false;
    const source = new EventSource(streamPath);
    source.onopen = () => {
      setLive(true);
      if (missed) refresh();
      missed = false;
    };
    source.onerror = () => {
      setLive(false);
      missed = true;
    };
    source.addEventListener('document.updated', (event) => {
      const data = parse((event as MessageEvent<string>).data);
      const documentId = typeof data.documentId === 'string' ? data.documentId : undefined;
      if (documentId) {
        const reported = data.progress as { done?: unknown; total?: unknown } | undefined;
        setProgress((previous) => {
          const next = new Map(previous);
          if (data.status === 'processing' && typeof data.stage === 'string') {
            next.set(documentId, {
              stage: data.stage,
              done: typeof reported?.done === 'number' ? reported.done : undefined,
              total: typeof reported?.total === 'number' ? reported.total : undefined,
            });
          } else next.delete(documentId);
          return next;
        });
      }
      refresh();
    });
    return () => {
      window.clearTimeout(timer);
      source.close();
    };
  }, [keyText, queryClient]);

  return { live, progress };
}

function parse(data: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const units = ['B', 'KB', 'MB', 'GB'];
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value >= 10 ? 0 : 1)} ${units[unit]}`;
}
