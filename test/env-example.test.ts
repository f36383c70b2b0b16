import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { environmentSchema, loadConfig } from '../src/config/config.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const example = readFileSync(join(root, '.env.example'), 'utf8');

describe('.env.example', () => {
  it('documents every variable the config schema reads', () => {
    const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]));
    const missing = Object.keys(environmentSchema.shape).filter((name) => !documented.has(name));
    expect(missing).toEqual([]);
  });

  it('parses as a valid configuration as written', () => {
    const values = Object.fromEntries(
      [...example.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((match) => [match[1], match[2]]),
    );
    expect(() => loadConfig(values)).not.toThrow();
  });
});
