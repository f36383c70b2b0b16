import { z } from 'zod';
import { defineJob } from '../../src/platform/queue/job-catalog.js';

export const queueTestCatalog = {
  'test.echo': defineJob({
    payload: z.object({ value: z.string() }),
    retryLimit: 2,
    retryDelaySeconds: 0,
    retryBackoff: false,
    timeoutSeconds: 3,
  }),
};
