/**
 * Why a send failed, said the way the provider said it (`channel_not_found`, `535 5.7.8 Authentication failed`),
 * and whether trying again can help. Messages must never contain a credential.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    /** A later attempt may succeed (rate limit, 5xx, timeout, connection refused). */
    readonly retryable: boolean,
    /** The provider asked us to wait this long (HTTP 429 Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Network failures (refused, reset, DNS, timeout) are worth retrying; an SSRF refusal is not. */
export function deliveryErrorFrom(error: unknown, what: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const name = (error as { name?: string } | null)?.name;
  if (name === 'OutboundRequestRefused') return new DeliveryError(`${what}: ${(error as Error).message}`, false);
  if (name === 'TimeoutError' || name === 'AbortError') return new DeliveryError(`${what}: timed out`, true);
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  if (cause?.code === 'EREFUSED' || (cause as { name?: string } | undefined)?.name === 'OutboundRequestRefused') {
    return new DeliveryError(`${what}: ${cause?.message ?? 'refused by the outbound policy'}`, false);
  }
  const detail = cause?.code ?? cause?.message ?? (error as Error | null)?.message ?? String(error);
  return new DeliveryError(`${what}: ${detail}`, true);
}

/** HTTP statuses a retry can fix: rate limits, timeouts and server errors. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** A short, single-line excerpt of a provider's answer for an error message. */
export async function responseExcerpt(response: Response, max = 200): Promise<string> {
  const text = await response.text().catch(() => '');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: collapsing control characters to spaces
  const clean = text.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
