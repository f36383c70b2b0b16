import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Paths, type ResponseOf, unwrap } from './client';
import { orgKey, useSession } from './session';

export type Integration = ResponseOf<'/api/v1/integrations'>['items'][number];
export type IntegrationSource = Integration['source'];
export type CreatedIntegration = ResponseOf<'/api/v1/integrations', 'post'>;
export type ApiToken = ResponseOf<'/api/v1/tokens'>['items'][number];
export type CreatedToken = ResponseOf<'/api/v1/tokens', 'post'>;
export type AuditEntry = ResponseOf<'/api/v1/audit-log'>['items'][number];
export type CorrelationSettings = ResponseOf<'/api/v1/settings/incidents'>;
type CreateMemberBody = NonNullable<Paths['/api/v1/members']['post']['requestBody']>['content']['application/json'];
type CreateTokenBody = NonNullable<Paths['/api/v1/tokens']['post']['requestBody']>['content']['application/json'];

export const integrationSources: IntegrationSource[] = [
  'alertmanager',
  'grafana',
  'datadog',
  'pagerduty',
  'opsgenie',
  'sentry',
  'cloudwatch',
  'generic',
] satisfies IntegrationSource[];

/** Query key and a refresher for one org-scoped resource. */
function useScoped(name: string) {
  const { organization } = useSession();
  const queryClient = useQueryClient();
  const key = [...orgKey(organization.id), name] as const;
  return { key, refresh: () => queryClient.invalidateQueries({ queryKey: key }) };
}

export function useIntegrations() {
  const { key, refresh } = useScoped('integrations');
  const query = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/integrations', { signal })),
  });
  const byId = (integrationId: string) => ({ params: { path: { integrationId } } });
  return {
    query,
    create: useMutation({
      mutationFn: (body: { source: IntegrationSource; name: string }) =>
        unwrap(api.POST('/api/v1/integrations', { body })),
      onSettled: refresh,
    }),
    setEnabled: useMutation({
      mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) =>
        unwrap(api.PATCH('/api/v1/integrations/{integrationId}', { ...byId(id), body: { enabled } })),
      onSettled: refresh,
    }),
    rotate: useMutation({
      mutationFn: (id: string) => unwrap(api.POST('/api/v1/integrations/{integrationId}/rotate-secret', byId(id))),
      onSettled: refresh,
    }),
    remove: useMutation({
      mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/integrations/{integrationId}', byId(id))),
      onSettled: refresh,
    }),
  };
}

export function useMemberAdmin() {
  const { key, refresh } = useScoped('members');
  const query = useQuery({ queryKey: key, queryFn: ({ signal }) => unwrap(api.GET('/api/v1/members', { signal })) });
  return {
    query,
    add: useMutation({
      mutationFn: (body: CreateMemberBody) => unwrap(api.POST('/api/v1/members', { body })),
      onSettled: refresh,
    }),
    changeRole: useMutation({
      mutationFn: ({ userId, role }: { userId: string; role: CreateMemberBody['role'] }) =>
        unwrap(api.PATCH('/api/v1/members/{userId}', { params: { path: { userId } }, body: { role } })),
      onSettled: refresh,
    }),
    remove: useMutation({
      mutationFn: (userId: string) => unwrap(api.DELETE('/api/v1/members/{userId}', { params: { path: { userId } } })),
      onSettled: refresh,
    }),
  };
}

export function useApiTokens() {
  const { key, refresh } = useScoped('tokens');
  const query = useQuery({ queryKey: key, queryFn: ({ signal }) => unwrap(api.GET('/api/v1/tokens', { signal })) });
  return {
    query,
    create: useMutation({
      mutationFn: (body: CreateTokenBody) => unwrap(api.POST('/api/v1/tokens', { body })),
      onSettled: refresh,
    }),
    revoke: useMutation({
      mutationFn: (tokenId: string) =>
        unwrap(api.DELETE('/api/v1/tokens/{tokenId}', { params: { path: { tokenId } } })),
      onSettled: refresh,
    }),
  };
}

export function useAuditLog(action: string) {
  const { key } = useScoped('audit-log');
  return useInfiniteQuery({
    queryKey: [...key, action],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/audit-log', {
          params: { query: { limit: 100, cursor: pageParam, action: action || undefined } },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useCorrelationSettings() {
  const { key, refresh } = useScoped('correlation-settings');
  const query = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/settings/incidents', { signal })),
  });
  return {
    query,
    save: useMutation({
      mutationFn: (body: Partial<CorrelationSettings>) => unwrap(api.PUT('/api/v1/settings/incidents', { body })),
      onSettled: refresh,
    }),
  };
}
