import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Paths, type ResponseOf, unwrap } from './client';
import { hasRole, orgKey, useSession } from './session';

export type ChatSession = ResponseOf<'/api/v1/chat/sessions'>['items'][number];
export type Approval = ResponseOf<'/api/v1/approvals'>['items'][number];
export type ApprovalStatus = Approval['status'];
export type UsageReport = ResponseOf<'/api/v1/usage'>;
export type LlmSettings = ResponseOf<'/api/v1/settings/llm'>;
export type LlmProvider = NonNullable<LlmSettings['provider']>;
export type LlmSettingsBody = NonNullable<
  Paths['/api/v1/settings/llm']['put']['requestBody']
>['content']['application/json'];
export type LlmTestResult = ResponseOf<'/api/v1/settings/llm/test', 'post'>;

export const llmProviders = [
  'openai',
  'anthropic',
  'google',
  'openrouter',
  'ollama',
  'openai-compatible',
] as const satisfies readonly LlmProvider[];

function useOrgKey(...parts: string[]) {
  const { organization } = useSession();
  return [...orgKey(organization.id), ...parts] as const;
}

export function useChatSessions() {
  const key = useOrgKey('chat', 'sessions');
  return useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam, signal }) =>
      unwrap(api.GET('/api/v1/chat/sessions', { params: { query: { limit: 50, cursor: pageParam } }, signal })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function fetchChatMessages(sessionId: string) {
  return unwrap(api.GET('/api/v1/chat/sessions/{sessionId}/messages', { params: { path: { sessionId } } }));
}

/** Refreshers for what a chat run changes: the session list (titles, order) and usage. */
export function useChatRefresh() {
  const queryClient = useQueryClient();
  const { organization } = useSession();
  return {
    sessions: () => queryClient.invalidateQueries({ queryKey: [...orgKey(organization.id), 'chat', 'sessions'] }),
    usage: () => queryClient.invalidateQueries({ queryKey: [...orgKey(organization.id), 'usage'] }),
  };
}

export function useApprovals(status: ApprovalStatus | 'all') {
  const key = useOrgKey('approvals', status);
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/approvals', {
          params: { query: { status: status === 'all' ? undefined : status, limit: 100 } },
          signal,
        }),
      ),
    // Background runs' approvals have no push channel to the browser yet; a short poll keeps the inbox honest.
    refetchInterval: 5_000,
  });
}

/** How many approvals wait for a decision (the badge in the header). */
export function usePendingApprovalCount() {
  const key = useOrgKey('approvals', 'pending');
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/approvals', { params: { query: { status: 'pending', limit: 100 } }, signal })),
    refetchInterval: 15_000,
    select: (data) => data.items.length,
  });
}

export function useDecideApproval() {
  const queryClient = useQueryClient();
  const { organization } = useSession();
  return useMutation({
    mutationFn: ({ approvalId, decision }: { approvalId: string; decision: 'approve' | 'deny' }) =>
      unwrap(api.POST('/api/v1/approvals/{approvalId}', { params: { path: { approvalId } }, body: { decision } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: [...orgKey(organization.id), 'approvals'] }),
  });
}

export const usageRanges = [
  { value: '1d', label: 'Last 24 hours', days: 1 },
  { value: '7d', label: 'Last 7 days', days: 7 },
  { value: '30d', label: 'Last 30 days', days: 30 },
  { value: '90d', label: 'Last 90 days', days: 90 },
] as const;

export function useUsage(days = 30) {
  const key = useOrgKey('usage', String(days));
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/usage', {
          params: { query: { from: new Date(Date.now() - days * 86_400_000).toISOString() } },
          signal,
        }),
      ),
  });
}

/** The org's model settings; only admins may read them, so others get no query at all. */
export function useLlmSettings() {
  const session = useSession();
  const key = useOrgKey('settings', 'llm');
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/settings/llm', { signal })),
    enabled: hasRole(session, 'admin'),
  });
  return {
    query,
    save: useMutation({
      mutationFn: (body: LlmSettingsBody) => unwrap(api.PUT('/api/v1/settings/llm', { body })),
      onSuccess: (saved) => queryClient.setQueryData(key, saved),
    }),
    test: useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/settings/llm/test')) }),
  };
}

export function formatCost(costUsd: number): string {
  if (costUsd === 0) return '$0';
  if (costUsd < 0.01) return `$${costUsd.toFixed(4)}`;
  return `$${costUsd.toFixed(2)}`;
}

const integer = new Intl.NumberFormat();
export const formatTokens = (tokens: number) => integer.format(tokens);
