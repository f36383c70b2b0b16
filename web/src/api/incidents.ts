import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ResponseOf, unwrap } from './client';
import { orgKey, useSession } from './session';

export type IncidentSummary = ResponseOf<'/api/v1/incidents'>['items'][number];
export type IncidentDetail = ResponseOf<'/api/v1/incidents/{incidentId}'>;
export type IncidentAlert = IncidentDetail['alerts'][number];
export type TimelineEntry = IncidentDetail['timeline'][number];
export type Member = ResponseOf<'/api/v1/members'>['items'][number];

export const activeStatuses = ['open', 'investigating', 'analyzed'] as const;

export const timeWindows = [
  { value: '1h', label: 'Last hour', milliseconds: 3_600_000 },
  { value: '6h', label: 'Last 6 hours', milliseconds: 6 * 3_600_000 },
  { value: '24h', label: 'Last 24 hours', milliseconds: 24 * 3_600_000 },
  { value: '7d', label: 'Last 7 days', milliseconds: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', milliseconds: 30 * 86_400_000 },
] as const;

export interface IncidentFilters {
  status: string[];
  severity: string[];
  service: string;
  window: string;
}

const incidentsKey = (orgId: string) => [...orgKey(orgId), 'incidents'] as const;

export function useIncidentList(filters: IncidentFilters) {
  const { organization } = useSession();
  return useInfiniteQuery({
    queryKey: [...incidentsKey(organization.id), 'list', filters],
    queryFn: ({ pageParam, signal }) => {
      const window = timeWindows.find((entry) => entry.value === filters.window);
      return unwrap(
        api.GET('/api/v1/incidents', {
          params: {
            query: {
              status: filters.status.length > 0 ? filters.status.join(',') : undefined,
              severity: filters.severity.length > 0 ? filters.severity.join(',') : undefined,
              service: filters.service || undefined,
              since: window ? new Date(Date.now() - window.milliseconds).toISOString() : undefined,
              limit: 50,
              cursor: pageParam,
            },
          },
          signal,
        }),
      );
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

/** Up to 200 active incidents: the counts at the top of the list. */
export function useActiveIncidents() {
  const { organization } = useSession();
  return useQuery({
    queryKey: [...incidentsKey(organization.id), 'active'],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/incidents', { params: { query: { status: activeStatuses.join(','), limit: 200 } }, signal }),
      ),
  });
}

export function useIncident(incidentId: string) {
  const { organization } = useSession();
  return useQuery({
    queryKey: [...incidentsKey(organization.id), 'detail', incidentId],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/incidents/{incidentId}', { params: { path: { incidentId } }, signal })),
  });
}

export function useMembers() {
  const { organization } = useSession();
  return useQuery({
    queryKey: [...orgKey(organization.id), 'members'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/members', { signal })),
    staleTime: 60_000,
  });
}

/** Mutations on one incident; each refreshes every incident view of the org when it lands. */
export function useIncidentActions(incidentId: string) {
  const { organization } = useSession();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: incidentsKey(organization.id) });
  return {
    update: useMutation({
      mutationFn: (body: {
        status?: 'open' | 'investigating' | 'analyzed' | 'resolved';
        severity?: IncidentSummary['severity'];
        assigneeId?: string | null;
      }) => unwrap(api.PATCH('/api/v1/incidents/{incidentId}', { params: { path: { incidentId } }, body })),
      onSettled: refresh,
    }),
    merge: useMutation({
      mutationFn: (otherIncidentId: string) =>
        unwrap(
          api.POST('/api/v1/incidents/{incidentId}/merge', {
            params: { path: { incidentId } },
            body: { incidentId: otherIncidentId },
          }),
        ),
      onSettled: refresh,
    }),
    detach: useMutation({
      mutationFn: (alertId: string) =>
        unwrap(
          api.POST('/api/v1/incidents/{incidentId}/alerts/{alertId}/detach', {
            params: { path: { incidentId, alertId } },
          }),
        ),
      onSettled: refresh,
    }),
  };
}
