import type { ObjectStoreConfig } from '../../config/config.js';
import { FsObjectStore } from './fs-object-store.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3-object-store.js';

export function createObjectStore(config: ObjectStoreConfig): ObjectStore {
  switch (config.kind) {
    case 'fs':
      return new FsObjectStore(config.root);
    case 's3':
      return new S3ObjectStore(config);
  }
}
