import { ValidationFailed } from '../errors.js';

/** S3 caps a whole object key at 1024 UTF-8 bytes, and the key we send is `{orgId}/{key}`. */
export const MAX_OBJECT_PATH_BYTES = 1024;
/** Most filesystems cap one path segment (NAME_MAX) at 255 bytes; enforced everywhere so keys stay portable. */
export const MAX_SEGMENT_BYTES = 255;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ORG_PREFIX_BYTES = 37; // a UUID plus the slash
// Control characters, plus lone surrogates, which would be silently replaced when encoded as UTF-8.
const FORBIDDEN_CHARACTERS = /[\p{Cc}\p{Cs}]/u;
const CONTENT_TYPE_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** Returns the org id in its canonical lowercase form, so one org always maps to one prefix. */
export function normalizeOrgId(orgId: string): string {
  if (typeof orgId !== 'string' || !UUID_PATTERN.test(orgId)) {
    throw new ValidationFailed('Organization id must be a UUID', { field: 'orgId' });
  }
  return orgId.toLowerCase();
}

/** Throws ValidationFailed unless `key` is a safe, portable object key. */
export function validateObjectKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw invalid('key', 'must not be empty');
  }
  checkPath('key', key);
}

/** Like a key, but may be empty (everything) and may end with `/` (a folder). */
export function validateListPrefix(prefix: string): void {
  if (typeof prefix !== 'string') throw invalid('prefix', 'must be a string');
  if (prefix.length === 0) return;
  checkPath('prefix', prefix.endsWith('/') ? prefix.slice(0, -1) : prefix, prefix);
}

/** The org's own prefix, `{orgId}/`. */
export function orgPrefix(orgId: string): string {
  return `${normalizeOrgId(orgId)}/`;
}

/** The full path of an object inside the store: `{orgId}/{key}`. */
export function objectPath(orgId: string, key: string): string {
  const prefix = orgPrefix(orgId);
  validateObjectKey(key);
  return `${prefix}${key}`;
}

/** The full path a listing starts from: `{orgId}/{prefix}`. */
export function listPath(orgId: string, prefix = ''): string {
  const org = orgPrefix(orgId);
  validateListPrefix(prefix);
  return `${org}${prefix}`;
}

/** Content types travel as an HTTP header on S3, so they must be short, printable ASCII. */
export function validateContentType(contentType: string): void {
  if (typeof contentType !== 'string' || !CONTENT_TYPE_PATTERN.test(contentType)) {
    throw new ValidationFailed('Content type must be 1 to 255 printable ASCII characters', { field: 'contentType' });
  }
}

function checkPath(field: 'key' | 'prefix', path: string, original = path): void {
  if (Buffer.byteLength(original, 'utf8') > MAX_OBJECT_PATH_BYTES - ORG_PREFIX_BYTES) {
    throw invalid(field, `must be at most ${MAX_OBJECT_PATH_BYTES - ORG_PREFIX_BYTES} bytes`);
  }
  if (original.startsWith('/')) throw invalid(field, 'must not start with "/"');
  if (original.includes('\\')) throw invalid(field, 'must not contain "\\"');
  if (FORBIDDEN_CHARACTERS.test(original)) throw invalid(field, 'must not contain control characters');
  for (const segment of path.split('/')) {
    if (segment === '') throw invalid(field, 'must not contain empty segments ("//")');
    if (segment === '.' || segment === '..') throw invalid(field, 'must not contain "." or ".." segments');
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) {
      throw invalid(field, `segments must be at most ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
}

function invalid(field: 'key' | 'prefix', reason: string): ValidationFailed {
  return new ValidationFailed(`Object ${field} ${reason}`, { field });
}
