import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Paths, type ResponseOf, unwrap } from './client';
import { orgKey, useSession } from './session';

export type Investigation = ResponseOf<'/api/v1/incidents/{incidentId}/investigation'>;
export type InvestigationStatus = Investigation['status'];
export type Evidence = Investigation['evidence'][number];
export type Hypothesis = Investigation['hypotheses'][number];
export type Thought = Investigation['thoughts'][number];
export type Report = NonNullable<Investigation['report']>;
export type Confidence = Report['confidence'];
export type Remediation = Report['remediations'][number];
export type EvidenceDetails = ResponseOf<'/api/v1/incidents/{incidentId}/investigation/evidence'>;
export type EvidenceDetail = EvidenceDetails['items'][number];
export type EvidenceData = NonNullable<EvidenceDetail['data']>;
export type FeedbackBody = NonNullable<
  Paths['/api/v1/incidents/{incidentId}/feedback']['post']['requestBody']
>['content']['application/json'];

/** The Markdown report's address (opened as a plain link: the session cookie authorises it). */
export function reportMarkdownUrl(incidentId: string): string {
  const path = '/api/v1/incidents/{incidentId}/report.md' satisfies keyof Paths;
  return path.replace('{incidentId}', encodeURIComponent(incidentId));
}

/** Investigation data is keyed apart from incidents, so incident events do not refetch the evidence. */
export const investigationKey = (orgId: string, incidentId: string) =>
  [...orgKey(orgId), 'investigations', incidentId] as const;

export const activeInvestigationStatuses: readonly InvestigationStatus[] = ['queued', 'running'];

export function useInvestigation(incidentId: string) {
  const { organization } = useSession();
  return useQuery({
    queryKey: [...investigationKey(organization.id, incidentId), 'view'],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/incidents/{incidentId}/investigation', { params: { path: { incidentId } }, signal })),
    // Live events drive updates; a slow poll while a run is active covers a dropped stream.
    refetchInterval: (query) =>
      query.state.data && activeInvestigationStatuses.includes(query.state.data.status) ? 10_000 : false,
  });
}

/**
 * The evidence items with their structured answers, for charts, log lines and change timelines. Re-read when the
 * run's evidence count changes (`evidenceCount` comes from the light view, which live events refresh).
 */
export function useEvidenceDetails(incidentId: string, investigationId: string | null, evidenceCount: number) {
  const { organization } = useSession();
  return useQuery({
    queryKey: [...investigationKey(organization.id, incidentId), 'evidence', investigationId, evidenceCount],
    // openapi-fetch's response type turns tuples ([time, value] points) into plain arrays; the schema's is exact.
    queryFn: async ({ signal }): Promise<EvidenceDetails> =>
      (await unwrap(
        api.GET('/api/v1/incidents/{incidentId}/investigation/evidence', {
          params: { path: { incidentId }, query: { investigationId: investigationId ?? undefined } },
          signal,
        }),
      )) as EvidenceDetails,
    enabled: investigationId !== null && evidenceCount > 0,
    staleTime: Number.POSITIVE_INFINITY,
    placeholderData: (previous) => (previous?.investigationId === investigationId ? previous : undefined),
  });
}

export function useInvestigationActions(incidentId: string) {
  const { organization } = useSession();
  const queryClient = useQueryClient();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: investigationKey(organization.id, incidentId) }),
      queryClient.invalidateQueries({ queryKey: [...orgKey(organization.id), 'incidents'] }),
    ]);
  return {
    investigate: useMutation({
      mutationFn: () =>
        unwrap(api.POST('/api/v1/incidents/{incidentId}/investigate', { params: { path: { incidentId } } })),
      onSettled: refresh,
    }),
    feedback: useMutation({
      mutationFn: (body: FeedbackBody) =>
        unwrap(api.POST('/api/v1/incidents/{incidentId}/feedback', { params: { path: { incidentId } }, body })),
      onSettled: refresh,
    }),
  };
}
