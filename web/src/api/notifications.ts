import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Paths, type ResponseOf, unwrap } from './client';
import { hasRole, orgKey, useSession } from './session';

export type NotificationSettings = ResponseOf<'/api/v1/settings/notifications'>;
export type NotificationSettingsBody = NonNullable<
  Paths['/api/v1/settings/notifications']['put']['requestBody']
>['content']['application/json'];
export type NotificationEvent = NonNullable<NotificationSettings['email']>['events'][number];
export type Delivery = ResponseOf<'/api/v1/settings/notifications/deliveries'>['items'][number];

export const notificationEvents = [
  'investigation.started',
  'investigation.finished',
  'investigation.failed',
] as const satisfies readonly NotificationEvent[];

/** Notification channels (admins only): the settings, save, test, and recent deliveries. */
export function useNotificationSettings() {
  const session = useSession();
  const queryClient = useQueryClient();
  const key = [...orgKey(session.organization.id), 'settings', 'notifications'] as const;
  const enabled = hasRole(session, 'admin');
  return {
    query: useQuery({
      queryKey: key,
      queryFn: ({ signal }) => unwrap(api.GET('/api/v1/settings/notifications', { signal })),
      enabled,
    }),
    deliveries: useQuery({
      queryKey: [...key, 'deliveries'],
      queryFn: ({ signal }) =>
        unwrap(api.GET('/api/v1/settings/notifications/deliveries', { params: { query: { limit: 20 } }, signal })),
      enabled,
      refetchInterval: 10_000,
    }),
    save: useMutation({
      mutationFn: (body: NotificationSettingsBody) => unwrap(api.PUT('/api/v1/settings/notifications', { body })),
      // The response may carry a webhook signing secret shown once: keep it out of the cache.
      onSuccess: ({ webhook, ...rest }) =>
        queryClient.setQueryData(key, {
          ...rest,
          webhook: webhook ? { ...webhook, signingSecret: undefined } : null,
        }),
    }),
    test: useMutation({
      mutationFn: () => unwrap(api.POST('/api/v1/settings/notifications/test')),
      onSettled: () => queryClient.invalidateQueries({ queryKey: [...key, 'deliveries'] }),
    }),
  };
}
