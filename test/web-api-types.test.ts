import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiTypesPath, buildOpenApiDocument, renderApiTypes } from '../scripts/web-api-types.js';
import { copyPgliteTemplate } from './support/database.js';

describe('web UI API types', () => {
  it('match the OpenAPI document the server builds today (regenerate with `npm run web:api`)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aurora-web-api-'));
    try {
      copyPgliteTemplate(dataDir);
      const document = await buildOpenApiDocument(dataDir);
      expect(Object.keys(document.paths ?? {})).toContain('/api/v1/incidents');
      const expected = await renderApiTypes(document);
      const committed = readFileSync(apiTypesPath, 'utf8');
      // A plain equality would print 1,500 lines; name the stale paths instead.
      if (committed !== expected) {
        const paths = (text: string) => new Set([...text.matchAll(/^ {4}"(\/[^"]*)": \{$/gm)].map((match) => match[1]));
        const [now, then] = [paths(expected), paths(committed)];
        throw new Error(
          `web/src/api/schema.d.ts is stale: run \`npm run web:api\` and commit it. Paths added: [${[...now].filter((path) => !then.has(path)).join(', ')}]; removed: [${[...then].filter((path) => !now.has(path)).join(', ')}]; otherwise a schema changed.`,
        );
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
