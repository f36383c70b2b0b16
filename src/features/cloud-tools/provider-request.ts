import { ValidationFailed } from '../../platform/errors.js';
import { type ConnectionContext, callProvider } from '../connectors/index.js';

export const providerCallTimeoutMs = 20_000;

/** The caller's signal (tool timeout, run cancel) combined with a per-request timeout. */
export function requestSignal(signal?: AbortSignal, timeoutMs = providerCallTimeoutMs): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** A JSON call to a vendor REST API with a bearer token, through the connection's fetch. */
export async function bearerJson<Body>(
  provider: string,
  connection: ConnectionContext,
  token: string,
  url: string,
  options: { method?: 'GET' | 'POST'; body?: unknown; signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<Body> {
  const response = await callProvider<Body>({
    provider,
    fetch: connection.fetch,
    url,
    init: {
      method: options.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: requestSignal(options.signal),
    },
  });
  return response.body;
}

/** A page token that carries an absolute next-page URL (ARM nextLink), accepted only back on the expected host. */
export function encodeLinkToken(link: string | undefined): string | undefined {
  return link ? Buffer.from(link, 'utf8').toString('base64url') : undefined;
}

export function decodeLinkToken(token: string, allowedPrefix: string): string {
  const link = Buffer.from(token, 'base64url').toString('utf8');
  if (!link.startsWith(`${allowedPrefix}/`)) throw new ValidationFailed('pageToken is not one this tool issued');
  return link;
}

/** The last path segment of a Google or Azure resource URL ("zones/us-central1-a" → "us-central1-a"). */
export function lastSegment(value: string | undefined): string | undefined {
  return value?.split('/').filter(Boolean).at(-1);
}

/** A log message from a structured payload, shortened. */
export function shortText(value: unknown, max = 600): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
