import { constantTimeEqual } from './constant-time.js';

export type CredentialCheck =
  | { state: 'absent' }
  | { state: 'invalid' }
  | { state: 'valid'; method: 'bearer' | 'basic' };

const maxHeaderLength = 8_192;

/**
 * `Authorization: Bearer {secret}` (every source), or `Authorization: Basic base64(user:secret)` with any user name
 * (what SNS sends for `https://user:secret@host/…` subscriptions, and what Alertmanager's `basic_auth` and Grafana's
 * basic-auth fields send).
 */
export function checkCredentials(headers: Record<string, string | undefined>, secret: string): CredentialCheck {
  const header = headers.authorization?.trim();
  if (!header) return { state: 'absent' };
  if (header.length > maxHeaderLength) return { state: 'invalid' };
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer?.[1] !== undefined) {
    return constantTimeEqual(bearer[1], secret) ? { state: 'valid', method: 'bearer' } : { state: 'invalid' };
  }
  const basic = /^Basic\s+([A-Za-z0-9+/=_-]+)$/i.exec(header);
  if (basic?.[1] !== undefined) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    const password = separator === -1 ? '' : decoded.slice(separator + 1);
    return separator !== -1 && constantTimeEqual(password, secret)
      ? { state: 'valid', method: 'basic' }
      : { state: 'invalid' };
  }
  return { state: 'invalid' };
}
