import { createPrivateKey, createSign } from 'node:crypto';
import { z } from 'zod';
import type { ConnectorsConfig } from '../../../config/config.js';
import { ValidationFailed } from '../../../platform/errors.js';
import { CredentialsRejected, callProvider, form } from '../provider-http.js';

export const gcpReadOnlyScope = 'https://www.googleapis.com/auth/cloud-platform.read-only';

const serviceAccountKeySchema = z.object({
  type: z.literal('service_account'),
  project_id: z.string().min(1),
  private_key_id: z.string().optional(),
  private_key: z.string().min(1),
  client_email: z.string().min(3),
});
export type ServiceAccountKey = z.infer<typeof serviceAccountKeySchema>;

/** `https://{service}.googleapis.com`, or `{CONNECTOR_GCP_API_URL}/{service}` (a proxy or a stand-in). */
export function googleApiBase(config: ConnectorsConfig, service: string): string {
  return config.gcpApiUrl ? `${config.gcpApiUrl}/${service}` : `https://${service}.googleapis.com`;
}

export function parseServiceAccountKey(text: string): ServiceAccountKey {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationFailed('The service-account key is not JSON; paste the whole key file');
  }
  const parsed = serviceAccountKeySchema.safeParse(value);
  if (!parsed.success) {
    throw new ValidationFailed(
      'The service-account key must be a Google Cloud key file (type "service_account", with project_id, client_email and private_key)',
    );
  }
  try {
    createPrivateKey(parsed.data.private_key);
  } catch {
    throw new ValidationFailed('The service-account key holds no valid private key');
  }
  return parsed.data;
}

const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

/**
 * OAuth 2.0 JWT bearer grant (RFC 7523) as Google documents it for service accounts: a JWT signed with the
 * key, exchanged at the token endpoint for an access token. The key file's own token_uri is ignored: the
 * endpoint comes from Aurora's configuration, not from user input.
 */
export async function serviceAccountToken(
  config: ConnectorsConfig,
  key: ServiceAccountKey,
  vendorFetch: typeof fetch,
): Promise<{ accessToken: string; expiresAt: Date }> {
  const tokenUrl = config.oauth.gcp.tokenUrl;
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', ...(key.private_key_id ? { kid: key.private_key_id } : {}) };
  const claims = { iss: key.client_email, scope: gcpReadOnlyScope, aud: tokenUrl, iat: now, exp: now + 3600 };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(key.private_key);
  const response = await callProvider<{ access_token?: string; expires_in?: number; error?: string }>({
    provider: 'the Google token endpoint',
    fetch: vendorFetch,
    url: tokenUrl,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: `${unsigned}.${base64url(signature)}`,
      }),
    },
    accept: [400],
  });
  if (response.status === 400 || !response.body.access_token) {
    throw new CredentialsRejected(
      `Google refused the service-account key (${response.body.error ?? `HTTP ${response.status}`})`,
    );
  }
  return {
    accessToken: response.body.access_token,
    expiresAt: new Date(Date.now() + (response.body.expires_in ?? 3600) * 1000),
  };
}

export interface GcpProject {
  projectId: string;
  name: string;
}

/** One project (Cloud Resource Manager v1 projects.get): the cheap read that proves the key works. */
export async function getProject(
  config: ConnectorsConfig,
  accessToken: string,
  projectId: string,
  vendorFetch: typeof fetch,
): Promise<GcpProject> {
  const response = await callProvider<{ projectId?: string; name?: string }>({
    provider: 'Google Cloud Resource Manager',
    fetch: vendorFetch,
    url: `${googleApiBase(config, 'cloudresourcemanager')}/v1/projects/${encodeURIComponent(projectId)}`,
    init: { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } },
  });
  return { projectId: response.body.projectId ?? projectId, name: response.body.name ?? projectId };
}

/** Active projects the credentials can see (projects.list, followed page by page up to `limit`). */
export async function listProjects(
  config: ConnectorsConfig,
  accessToken: string,
  vendorFetch: typeof fetch,
  limit = 500,
): Promise<{ projects: GcpProject[]; truncated: boolean }> {
  const projects: GcpProject[] = [];
  let pageToken: string | undefined;
  do {
    const url = new URL(`${googleApiBase(config, 'cloudresourcemanager')}/v1/projects`);
    url.searchParams.set('pageSize', '200');
    url.searchParams.set('filter', 'lifecycleState:ACTIVE');
    if (pageToken) url.searchParams.set('pageToken', pageToken);
    const response = await callProvider<{
      projects?: Array<{ projectId: string; name?: string }>;
      nextPageToken?: string;
    }>({
      provider: 'Google Cloud Resource Manager',
      fetch: vendorFetch,
      url: url.toString(),
      init: { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } },
    });
    for (const project of response.body.projects ?? []) {
      projects.push({ projectId: project.projectId, name: project.name ?? project.projectId });
    }
    pageToken = response.body.nextPageToken || undefined;
  } while (pageToken && projects.length < limit);
  return { projects: projects.slice(0, limit), truncated: Boolean(pageToken) || projects.length > limit };
}
