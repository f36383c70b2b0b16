import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import { assertOutboundUrl, type OutboundPolicy, refusalFor } from './outbound-policy.js';

export type OutboundFetch = typeof fetch;

export interface OutboundFetchOptions {
  /** Whole-request timeout unless the caller passes its own signal. */
  timeoutMs?: number;
  /** Redirects followed, each re-checked against the policy. */
  maxRedirects?: number;
  /** The DNS resolver (tests stand in for DNS to simulate rebinding); defaults to the system's. */
  resolve?: typeof dnsLookup;
}

export class OutboundRequestRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRequestRefused';
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A DNS lookup that refuses addresses the policy forbids, for clients that take a socket `lookup` (Node's http/https
 * agents, e.g. the Kubernetes client) rather than a fetch.
 */
export function createGuardedLookup(policy: OutboundPolicy, resolve: typeof dnsLookup = dnsLookup) {
  return (hostname: string, lookupOptions: LookupOptions, callback: LookupCallback) => {
    resolve(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      for (const { address } of addresses) {
        const refusal = refusalFor(hostname, address, policy);
        if (refusal) return callback(Object.assign(new OutboundRequestRefused(refusal), { code: 'EREFUSED' }), []);
      }
      if (lookupOptions.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * A `fetch` for user-supplied URLs. Every connection's resolved address is checked against the policy inside
 * the socket's DNS lookup, so the address checked is the address connected to (no DNS-rebinding window).
 * Redirects are followed by hand so each hop is checked too.
 */
export function createOutboundFetch(policy: OutboundPolicy, options: OutboundFetchOptions = {}): OutboundFetch {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxRedirects = options.maxRedirects ?? 5;

  const guardedLookup = createGuardedLookup(policy, options.resolve);
  const dispatcher = new Agent({
    connect: { lookup: guardedLookup as never },
    connectTimeout: Math.min(timeoutMs, 10_000),
  });

  const guardedFetch = async (input: Parameters<typeof fetch>[0], init: RequestInit = {}): Promise<Response> => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    let request: RequestInit =
      input instanceof Request ? { method: input.method, headers: input.headers, body: input.body, ...init } : init;
    const signal = request.signal ?? AbortSignal.timeout(timeoutMs);
    for (let hop = 0; ; hop++) {
      try {
        assertOutboundUrl(url.toString(), policy);
      } catch (error) {
        throw new OutboundRequestRefused((error as Error).message);
      }
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (isIP(host) !== 0) {
        // IP literals never reach the lookup hook, so they are judged here.
        const refusal = refusalFor(host, host, policy);
        if (refusal) throw new OutboundRequestRefused(refusal);
      }
      const response = (await undiciFetch(url, {
        ...(request as object),
        signal,
        redirect: 'manual',
        dispatcher,
      } as never)) as unknown as Response;
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return response;
      if (hop >= maxRedirects) throw new OutboundRequestRefused(`more than ${maxRedirects} redirects from ${url.host}`);
      await response.body?.cancel();
      url = new URL(location, url);
      // 303 (and 301/302 after POST, as browsers do) turn into a GET without a body.
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && request.method === 'POST')
      ) {
        request = { ...request, method: 'GET', body: undefined };
      }
    }
  };
  return guardedFetch as OutboundFetch;
}
