import { BlockList, isIP } from 'node:net';
import { ValidationFailed } from '../errors.js';

/**
 * Which destinations outbound requests to user-supplied URLs (LLM base URLs, MCP servers, connectors,
 * notification webhooks) may reach. Private, loopback and link-local networks are refused by default so a
 * tenant cannot make Aurora call its own database, cloud metadata service or admin ports (SSRF).
 */
export interface OutboundPolicy {
  /** Allow RFC 1918, loopback, CGNAT and unique-local addresses (a laptop talking to Ollama, an on-prem Prometheus). */
  allowPrivateNetworks: boolean;
  /** Host names, IP addresses or CIDR ranges that are always allowed, e.g. `prometheus.internal`, `10.0.0.0/8`. */
  allowedHosts: string[];
}

export const strictOutboundPolicy: OutboundPolicy = { allowPrivateNetworks: false, allowedHosts: [] };

// Never reachable from user-supplied URLs, even with private networks allowed: metadata services and the like.
const alwaysBlocked = new BlockList();
alwaysBlocked.addSubnet('0.0.0.0', 8, 'ipv4');
alwaysBlocked.addSubnet('169.254.0.0', 16, 'ipv4');
alwaysBlocked.addSubnet('192.0.0.0', 24, 'ipv4');
alwaysBlocked.addSubnet('198.18.0.0', 15, 'ipv4');
alwaysBlocked.addSubnet('224.0.0.0', 4, 'ipv4');
alwaysBlocked.addSubnet('240.0.0.0', 4, 'ipv4');
alwaysBlocked.addAddress('::', 'ipv6');
alwaysBlocked.addSubnet('fe80::', 10, 'ipv6');
alwaysBlocked.addSubnet('ff00::', 8, 'ipv6');

const privateNetworks = new BlockList();
privateNetworks.addSubnet('10.0.0.0', 8, 'ipv4');
privateNetworks.addSubnet('100.64.0.0', 10, 'ipv4');
privateNetworks.addSubnet('127.0.0.0', 8, 'ipv4');
privateNetworks.addSubnet('172.16.0.0', 12, 'ipv4');
privateNetworks.addSubnet('192.168.0.0', 16, 'ipv4');
privateNetworks.addAddress('::1', 'ipv6');
privateNetworks.addSubnet('fc00::', 7, 'ipv6');

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 4 ? 'ipv4' : 'ipv6';
}

// ::ffff:10.0.0.1 reaches 10.0.0.1, so it is judged as that IPv4 address.
function unmapped(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match?.[1] ?? address;
}

function allowListed(host: string, address: string | undefined, policy: OutboundPolicy): boolean {
  for (const entry of policy.allowedHosts) {
    const [network, prefix] = entry.split('/');
    if (!network) continue;
    if (prefix === undefined) {
      if (network.toLowerCase() === host.toLowerCase() || network === address) return true;
      continue;
    }
    if (address === undefined || isIP(network) === 0 || family(network) !== family(address)) continue;
    const list = new BlockList();
    list.addSubnet(network, Number(prefix), family(network));
    if (list.check(address, family(address))) return true;
  }
  return false;
}

/** Why `address` (reached for `host`) is refused, or undefined when the policy allows it. */
export function refusalFor(host: string, address: string, policy: OutboundPolicy): string | undefined {
  const ip = unmapped(address);
  if (allowListed(host, ip, policy)) return undefined;
  if (alwaysBlocked.check(ip, family(ip))) return `${host} resolves to ${ip}, a reserved or link-local address`;
  if (!policy.allowPrivateNetworks && privateNetworks.check(ip, family(ip))) {
    return `${host} resolves to ${ip}, a private or loopback address (allow it with AURORA_OUTBOUND_ALLOWED_HOSTS or AURORA_OUTBOUND_ALLOW_PRIVATE=true)`;
  }
  return undefined;
}

/**
 * Checks a user-supplied URL's shape before it is saved: http(s) only, no embedded credentials, and an IP
 * literal must be allowed. Host names are checked again on every connection (see outbound-fetch.ts), so a
 * DNS answer that changes later (rebinding) is still refused.
 */
export function assertOutboundUrl(raw: string, policy: OutboundPolicy, field = 'url'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationFailed(`${field} is not a valid URL`, { field });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationFailed(`${field} must use http or https`, { field });
  }
  if (url.username || url.password) {
    throw new ValidationFailed(`${field} must not contain credentials; store them as a secret instead`, { field });
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) {
    const refusal = refusalFor(host, host, policy);
    if (refusal) throw new ValidationFailed(`${field} is not allowed: ${refusal}`, { field });
  } else if (/^localhost$|\.localhost$/i.test(host) && !allowListed(host, undefined, policy)) {
    if (!policy.allowPrivateNetworks) {
      throw new ValidationFailed(`${field} is not allowed: ${host} is a loopback name`, { field });
    }
  }
  return url;
}
