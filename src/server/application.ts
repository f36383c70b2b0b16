import type { Config } from '../config/config.js';
import type { AuroraApp } from '../features/accounts/index.js';
import { createLogger, type Logger, SecretRedactor } from '../platform/logger/logger.js';
import { createPlatform, type Platform, type PlatformOptions } from '../platform/platform.js';
import { startScheduler, startWorker } from '../worker/worker.js';
import { buildHttpServer } from './http/http-server.js';
import { createServices, type ServiceOverrides, type Services } from './services.js';

export const processRoles = ['api', 'worker', 'scheduler'] as const;
export type ProcessRole = (typeof processRoles)[number];

export interface StartOptions {
  roles: readonly ProcessRole[];
  logger?: Logger;
  redactor?: SecretRedactor;
  overrides?: PlatformOptions['overrides'];
  serviceOverrides?: ServiceOverrides;
}

export interface RunningApplication {
  platform: Platform;
  services: Services;
  http?: AuroraApp;
  /** Where the API listens, e.g. http://127.0.0.1:8080 (only with the api role). */
  url?: string;
  /** Graceful: stop accepting requests, finish in-flight ones, return unfinished jobs to the queue, close ports. */
  stop(): Promise<void>;
}

export async function startApplication(config: Config, options: StartOptions): Promise<RunningApplication> {
  const roles = new Set(options.roles);
  const redactor = options.redactor ?? new SecretRedactor();
  const logger = options.logger ?? createLogger({ level: config.log.level, format: config.log.format, redactor });
  const platform = await createPlatform(config, {
    logger,
    redactor,
    purpose: `aurora start --role ${[...roles].join(',')}`,
    supervise: roles.has('worker') || roles.has('scheduler'),
    schedule: roles.has('scheduler'),
    overrides: options.overrides,
  });
  const services = createServices(platform, options.serviceOverrides);
  let http: AuroraApp | undefined;
  let url: string | undefined;
  try {
    if (roles.has('worker')) await startWorker(platform, services);
    if (roles.has('scheduler')) await startScheduler(platform);
    if (roles.has('api')) {
      http = await buildHttpServer(platform, services);
      await http.listen({ host: config.server.host, port: config.server.port });
      const address = http.server.address();
      if (address && typeof address === 'object') {
        const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        url = `http://${host}:${address.port}`;
      }
    }
  } catch (error) {
    await http?.close().catch(() => undefined);
    await platform.close();
    throw error;
  }
  logger.info({ roles: [...roles], url, database: platform.database.kind }, 'Aurora started');

  let stopping: Promise<void> | undefined;
  return {
    platform,
    services,
    http,
    url,
    stop() {
      stopping ??= (async () => {
        logger.info('Aurora stopping');
        // Fastify stops accepting connections and waits for in-flight requests before resolving.
        await http?.close();
        // stdio MCP servers are child processes of this one.
        await services.agent.mcpServers.close();
        await platform.close();
        logger.info('Aurora stopped');
      })();
      return stopping;
    },
  };
}
