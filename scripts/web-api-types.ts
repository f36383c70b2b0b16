/**
 * Generates the web UI's typed API client types (web/src/api/schema.d.ts) from Aurora's OpenAPI document.
 * The document is built in-process: a throwaway embedded platform, the real HTTP app (never listening),
 * then `app.swagger()`. No network, no running server. Run with `npm run web:api`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { loadConfig } from '../src/config/config.js';
import { createLogger, SecretRedactor } from '../src/platform/logger/logger.js';
import { createPlatform } from '../src/platform/platform.js';
import { buildHttpServer } from '../src/server/http/http-server.js';
import { createServices } from '../src/server/services.js';

export const apiTypesPath = fileURLToPath(new URL('../web/src/api/schema.d.ts', import.meta.url));

/** The OpenAPI document the server would serve, from an embedded platform on `dataDir` (migrated if needed). */
export async function buildOpenApiDocument(dataDir: string): Promise<OpenAPI3> {
  // An explicit environment, not process.env, so the document never depends on who runs this.
  const config = loadConfig({ AURORA_DATA_DIR: dataDir, LOG_LEVEL: 'silent', AURORA_MIGRATE_ON_START: 'true' });
  const redactor = new SecretRedactor();
  const logger = createLogger({ level: 'silent', format: 'json', redactor });
  const platform = await createPlatform(config, { logger, redactor, purpose: 'web:api (OpenAPI types)' });
  try {
    const app = await buildHttpServer(platform, createServices(platform));
    try {
      await app.ready();
      return app.swagger() as unknown as OpenAPI3;
    } finally {
      await app.close();
    }
  } finally {
    await platform.close();
  }
}

export async function renderApiTypes(document: OpenAPI3): Promise<string> {
  const ast = await openapiTS(document, { alphabetize: true });
  return `/**\n * Generated from Aurora's OpenAPI document by \`npm run web:api\`. Do not edit.\n */\n\n${astToString(ast)}`;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aurora-web-api-'));
  try {
    const types = await renderApiTypes(await buildOpenApiDocument(dataDir));
    writeFileSync(apiTypesPath, types);
    console.log(`wrote ${apiTypesPath}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
