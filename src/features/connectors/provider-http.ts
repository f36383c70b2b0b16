import { UpstreamUnavailable, ValidationFailed } from '../../platform/errors.js';
import { OutboundRequestRefused } from '../../platform/http-client/outbound-fetch.js';

/** The provider turned the credentials (or the grant) down: a 400 for the user, never retried. */
export class CredentialsRejected extends ValidationFailed {}

export interface ProviderResponse<Body = unknown> {
  status: number;
  headers: Headers;
  body: Body;
}

export interface ProviderRequest {
  /** Who is called, for messages ("Datadog", "the GCP token endpoint"). */
  provider: string;
  fetch: typeof fetch;
  url: string;
  init?: RequestInit;
  timeoutMs?: number;
  /** Statuses returned to the caller instead of thrown (e.g. 400 from a token endpoint, read as an OAuth error). */
  accept?: number[];
}

const maxBodyBytes = 5 * 1024 * 1024;

/**
 * One provider call with a timeout, JSON decoding and errors that are safe to show: messages name the host
 * and status, never the request (it carries credentials) or the raw response body (it may echo them).
 */
export async function callProvider<Body = unknown>(request: ProviderRequest): Promise<ProviderResponse<Body>> {
  const host = safeHost(request.url);
  let response: Response;
  try {
    response = await request.fetch(request.url, {
      ...request.init,
      signal: request.init?.signal ?? AbortSignal.timeout(request.timeoutMs ?? 15_000),
    });
  } catch (error) {
    const refused = findRefusal(error);
    if (refused) throw new ValidationFailed(`${request.provider} URL is not allowed: ${refused.message}`);
    throw new UpstreamUnavailable(`Could not reach ${request.provider} at ${host}: ${describeNetworkError(error)}`, 30);
  }
  const text = await readLimited(response);
  let body: unknown = text;
  if (text && /json/i.test(response.headers.get('content-type') ?? '')) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  } else if (text.startsWith('{') || text.startsWith('[')) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const status = response.status;
  if ((status >= 200 && status < 300) || request.accept?.includes(status)) {
    return { status, headers: response.headers, body: body as Body };
  }
  if (status === 401 || status === 403) {
    throw new CredentialsRejected(`${request.provider} rejected the credentials (HTTP ${status} from ${host})`, {
      providerStatus: status,
    });
  }
  if (status === 429 || status >= 500) {
    throw new UpstreamUnavailable(`${request.provider} at ${host} answered HTTP ${status}; try again later`, 30);
  }
  throw new ValidationFailed(`${request.provider} at ${host} answered HTTP ${status}`, { providerStatus: status });
}

/** `application/x-www-form-urlencoded` body. */
export function form(values: Record<string, string | undefined>): URLSearchParams {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined) body.set(key, value);
  return body;
}

export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}

async function readLimited(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBodyBytes) {
    await response.body?.cancel();
    throw new UpstreamUnavailable(`The provider's answer is larger than ${maxBodyBytes} bytes`);
  }
  const text = await response.text();
  if (text.length > maxBodyBytes)
    throw new UpstreamUnavailable(`The provider's answer is larger than ${maxBodyBytes} bytes`);
  return text;
}

function findRefusal(error: unknown): OutboundRequestRefused | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof OutboundRequestRefused) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if ((error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError') return 'timed out';
  return cause?.code ?? cause?.message ?? (error as Error)?.message ?? 'network error';
}
