import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, type Paths, type ResponseOf, unwrap } from './client';
import { orgKey, useSession } from './session';

export type ConnectorProvider = ResponseOf<'/api/v1/connectors'>['providers'][number];
export type ProviderId = ConnectorProvider['id'];
export type Connection = ConnectorProvider['connections'][number];
export type AuthKind = ConnectorProvider['authKinds'][number]['kind'];
export type CredentialBody =
  Paths['/api/v1/connectors/{provider}/connections']['post']['requestBody']['content']['application/json'];
export type CredentialKind = CredentialBody['kind'];
export type OAuthProvider =
  Paths['/api/v1/connectors/{provider}/oauth/start']['post']['parameters']['path']['provider'];

export const oauthProviders = ['gcp', 'github', 'slack'] as const satisfies readonly OAuthProvider[];

export function isOAuthProvider(provider: ProviderId): provider is OAuthProvider {
  return (oauthProviders as readonly string[]).includes(provider);
}

/** Server-Sent Events of connection changes; the path is checked against the API's OpenAPI paths. */
const streamPath = '/api/v1/connectors/stream' satisfies keyof Paths;

function useConnectorsKey() {
  const { organization } = useSession();
  return [...orgKey(organization.id), 'connectors'] as const;
}

export function useConnectors() {
  const key = useConnectorsKey();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  const query = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/connectors', { signal })),
  });
  return {
    query,
    create: useMutation({
      mutationFn: ({ provider, body }: { provider: ProviderId; body: CredentialBody }) =>
        unwrap(api.POST('/api/v1/connectors/{provider}/connections', { params: { path: { provider } }, body })),
      onSettled: refresh,
    }),
    verify: useMutation({
      mutationFn: (connectionId: string) =>
        unwrap(
          api.POST('/api/v1/connectors/connections/{connectionId}/verify', { params: { path: { connectionId } } }),
        ),
      onSettled: refresh,
    }),
    remove: useMutation({
      mutationFn: (connectionId: string) =>
        unwrap(api.DELETE('/api/v1/connectors/connections/{connectionId}', { params: { path: { connectionId } } })),
      onSettled: refresh,
    }),
    startOAuth: useMutation({
      mutationFn: ({ provider, name }: { provider: OAuthProvider; name?: string }) =>
        unwrap(
          api.POST('/api/v1/connectors/{provider}/oauth/start', {
            params: { path: { provider } },
            body: name ? { name } : {},
          }),
        ),
    }),
  };
}

export function useAwsExternalId(enabled: boolean) {
  const { organization } = useSession();
  return useQuery({
    queryKey: [...orgKey(organization.id), 'connectors-aws-external-id'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/connectors/aws/external-id', { signal })),
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Keeps the connector list live: `connector.created|updated|deleted` refetch it (and a reconnect does too). */
export function useConnectorEvents() {
  const key = useConnectorsKey();
  const queryClient = useQueryClient();
  const orgId = key[1];
  useEffect(() => {
    const source = new EventSource(streamPath);
    const refresh = () => void queryClient.invalidateQueries({ queryKey: [...orgKey(orgId), 'connectors'] });
    let dropped = false;
    source.onopen = () => {
      if (dropped) refresh();
      dropped = false;
    };
    source.onerror = () => {
      dropped = true;
    };
    for (const type of ['connector.created', 'connector.updated', 'connector.deleted']) {
      source.addEventListener(type, refresh);
    }
    return () => source.close();
  }, [orgId, queryClient]);
}
