/**
 * A worker process that takes one job and never finishes it, so a test can SIGKILL it mid-job.
 * argv: <pglite data dir | postgres url> <queue schema>
 */
import { openPglite } from '../../src/platform/database/pglite.adapter.js';
import { openPostgres } from '../../src/platform/database/postgres.adapter.js';
import { Queue } from '../../src/platform/queue/queue.js';
import { silentLogger } from './logger.js';
import { queueTestCatalog } from './queue-test-catalog.js';

const [target = '', schema = 'pgboss'] = process.argv.slice(2);
const logger = silentLogger();
const database = target.startsWith('postgres')
  ? await openPostgres({ url: target, poolMax: 3, statementTimeoutMs: 0, logger })
  : await openPglite(target);
const queue = new Queue(database, queueTestCatalog, logger, {
  schema,
  supervise: false,
  schedule: false,
  maintenanceIntervalSeconds: 60,
  pollingIntervalSeconds: 0.5,
});
await queue.start();
await queue.work('test.echo', async (payload) => {
  process.stdout.write(`started ${payload.value}\n`);
  await new Promise(() => undefined); // hang until killed
});
process.stdout.write('ready\n');
