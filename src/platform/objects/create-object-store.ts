import type { ObjectStoreConfig } from '../../config/config.js';
import { FsObjectStore } from './fs-object-store.js';
import type { ObjectStore } from './object-store.js';

/** The S3 adapter (and the AWS SDK, tens of MB) loads only when configured, keeping embedded mode lean. */
export async function createObjectStore(config: ObjectStoreConfig): Promise<ObjectStore> {
  switch (config.kind) {
    case 'fs':
      return new FsObjectStore(config.root);
    case 's3': {
      const { S3ObjectStore } = await import('./s3-object-store.js');
      return new S3ObjectStore(config);
    }
  }
}
