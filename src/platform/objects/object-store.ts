import type { Readable } from 'node:stream';

export interface ObjectInfo {
  /** The key relative to the org's prefix, exactly as the caller gave it. */
  key: string;
  size: number;
  contentType?: string;
  lastModified?: Date;
  etag?: string;
}

export type ObjectBody = Buffer | Uint8Array | string | Readable;

/**
 * Blob storage. Every key lives under its org's prefix (`{orgId}/{key}`); callers never see or choose
 * the prefix, so one org cannot name another's objects. Keys with `..`, absolute paths, backslashes,
 * empty segments or control characters are rejected with ValidationFailed.
 */
export interface ObjectStore {
  readonly kind: 'fs' | 's3';
  put(orgId: string, key: string, body: ObjectBody, options?: { contentType?: string }): Promise<ObjectInfo>;
  /** Throws NotFound when the object does not exist. */
  get(orgId: string, key: string): Promise<{ info: ObjectInfo; body: Readable }>;
  head(orgId: string, key: string): Promise<ObjectInfo | undefined>;
  /** Objects whose key starts with `prefix`, in key order. */
  list(orgId: string, prefix?: string): AsyncIterable<ObjectInfo>;
  /** Deleting a missing object is not an error. */
  delete(orgId: string, key: string): Promise<void>;
  /** Throws UpstreamUnavailable when the store does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
