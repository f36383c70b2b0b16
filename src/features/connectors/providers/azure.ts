import type { ConnectorsConfig } from '../../../config/config.js';
import { ValidationFailed } from '../../../platform/errors.js';
import { CredentialsRejected, callProvider, form } from '../provider-http.js';

const subscriptionsApiVersion = '2022-12-01';

export interface ServicePrincipal {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/** Client-credentials grant at the Microsoft identity platform, for an Azure Resource Manager token. */
export async function servicePrincipalToken(
  config: ConnectorsConfig,
  principal: ServicePrincipal,
  vendorFetch: typeof fetch,
): Promise<{ accessToken: string; expiresAt: Date }> {
  const response = await callProvider<{ access_token?: string; expires_in?: number | string; error?: string }>({
    provider: 'the Microsoft identity platform',
    fetch: vendorFetch,
    url: `${config.azureLoginUrl}/${encodeURIComponent(principal.tenantId)}/oauth2/v2.0/token`,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form({
        grant_type: 'client_credentials',
        client_id: principal.clientId,
        client_secret: principal.clientSecret,
        scope: `${config.azureManagementUrl}/.default`,
      }),
    },
    accept: [400],
  });
  if (response.status === 400 || !response.body.access_token) {
    throw new CredentialsRejected(
      `Azure refused the service principal (${response.body.error ?? `HTTP ${response.status}`})`,
    );
  }
  return {
    accessToken: response.body.access_token,
    expiresAt: new Date(Date.now() + Number(response.body.expires_in ?? 3600) * 1000),
  };
}

export interface AzureSubscription {
  id: string;
  name: string;
}

/** Subscriptions the principal can read (ARM `GET /subscriptions`), first page (up to `limit`). */
export async function listSubscriptions(
  config: ConnectorsConfig,
  accessToken: string,
  vendorFetch: typeof fetch,
  limit = 200,
): Promise<AzureSubscription[]> {
  const subscriptions: AzureSubscription[] = [];
  let next: string | undefined = `${config.azureManagementUrl}/subscriptions?api-version=${subscriptionsApiVersion}`;
  while (next && subscriptions.length < limit) {
    const response: { body: { value?: Array<{ subscriptionId: string; displayName?: string }>; nextLink?: string } } =
      await callProvider({
        provider: 'Azure Resource Manager',
        fetch: vendorFetch,
        url: next,
        init: { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } },
      });
    for (const entry of response.body.value ?? []) {
      subscriptions.push({ id: entry.subscriptionId, name: entry.displayName ?? entry.subscriptionId });
    }
    // nextLink is absolute; only follow it on the configured ARM host.
    next = response.body.nextLink?.startsWith(config.azureManagementUrl) ? response.body.nextLink : undefined;
  }
  return subscriptions.slice(0, limit);
}

/** One subscription (ARM `GET /subscriptions/{id}`), or the first readable one when none is named. */
export async function readSubscription(
  config: ConnectorsConfig,
  accessToken: string,
  subscriptionId: string | undefined,
  vendorFetch: typeof fetch,
): Promise<AzureSubscription> {
  if (!subscriptionId) {
    const [first] = await listSubscriptions(config, accessToken, vendorFetch, 1);
    if (!first)
      throw new ValidationFailed('The service principal cannot read any subscription; grant it Reader on one');
    return first;
  }
  const response = await callProvider<{ subscriptionId?: string; displayName?: string }>({
    provider: 'Azure Resource Manager',
    fetch: vendorFetch,
    url: `${config.azureManagementUrl}/subscriptions/${encodeURIComponent(subscriptionId)}?api-version=${subscriptionsApiVersion}`,
    init: { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } },
    accept: [404],
  });
  if (response.status === 404) {
    throw new ValidationFailed(`Subscription ${subscriptionId} does not exist or the service principal cannot read it`);
  }
  return { id: response.body.subscriptionId ?? subscriptionId, name: response.body.displayName ?? subscriptionId };
}
