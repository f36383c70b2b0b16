import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets or signatures in constant time. Both sides are hashed first, so the digests handed to
 * timingSafeEqual always have equal length and the comparison leaks neither content nor length.
 */
export function constantTimeEqual(left: string | Buffer, right: string | Buffer): boolean {
  const leftDigest = createHash('sha256').update(left).digest();
  const rightDigest = createHash('sha256').update(right).digest();
  return timingSafeEqual(leftDigest, rightDigest);
}

/** Lower-case hex HMAC-SHA256 of the parts, fed in order (raw bytes stay raw). */
export function hmacSha256Hex(key: string, ...parts: (string | Buffer)[]): string {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}
