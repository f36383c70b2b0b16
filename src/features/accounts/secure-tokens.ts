import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets (session cookies, API tokens, integration secrets): 256 random bits, base64url.
 * They are stored only as SHA-256: with this much entropy a slow hash adds nothing, and a fast one
 * lets the server look a token up by its hash.
 */
export function generateToken(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
