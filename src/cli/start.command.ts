import type { Config } from '../config/config.js';
import { type ProcessRole, startApplication } from '../server/application.js';

export async function startCommand(config: Config, roles: ProcessRole[]): Promise<void> {
  const application = await startApplication(config, { roles });
  if (application.url) {
    const shown = application.url.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
    process.stderr.write(`Aurora is listening on ${shown} (roles: ${roles.join(', ')})\n`);
  }
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      process.stderr.write(`aurora: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    application.platform.logger.info({ signal }, 'shutting down gracefully');
    application.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        application.platform.logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
