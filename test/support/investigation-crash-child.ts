/**
 * An Aurora worker process (the real platform, services and worker) whose investigation telemetry hangs on the
 * checkout logs, so a test can SIGKILL it mid-investigation. Configuration comes from the environment, like
 * `aurora start --role worker`. Prints `hanging` once the investigation is stuck on that call.
 */
import { loadConfig } from '../../src/config/config.js';
import { loadBuiltInScenario } from '../../src/features/investigations/index.js';
import { scenarioTelemetry } from '../../src/features/telemetry/index.js';
import { SecretRedactor } from '../../src/platform/logger/logger.js';
import { createPlatform } from '../../src/platform/platform.js';
import { createServices } from '../../src/server/services.js';
import { startWorker } from '../../src/worker/worker.js';
import { silentLogger } from './logger.js';

const config = loadConfig(process.env);
const platform = await createPlatform(config, {
  logger: silentLogger(),
  redactor: new SecretRedactor(),
  purpose: 'investigation crash test worker',
  supervise: true,
});
const services = createServices(platform, {
  investigationTelemetry: {
    async resolve({ scenario }) {
      const loaded = await loadBuiltInScenario(scenario ?? 'deploy-checkout-bad-release');
      const sources = scenarioTelemetry(loaded);
      const logs = sources.logs!;
      return {
        now: loaded.now,
        sources: {
          ...sources,
          logs: {
            name: logs.name,
            async search(query, options) {
              if (query.service === 'checkout') {
                process.stdout.write('hanging\n');
                await new Promise(() => undefined);
              }
              return logs.search(query, options);
            },
          },
        },
      };
    },
  },
});
await startWorker(platform, services);
process.stdout.write('ready\n');
