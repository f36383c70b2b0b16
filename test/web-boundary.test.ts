import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
/** fetch() reports no upload progress, so knowledge uploads use XMLHttpRequest here and nowhere else. */
const uploadModule = join(web, 'src', 'api', 'knowledge-upload.ts');

function files(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|tsx)$/.test(path) ? [path] : [];
  });
}

const importPattern =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]/gm;

describe('web/ boundary', () => {
  it('never imports from outside web/ (the UI talks to the server only through the HTTP API)', () => {
    const offenders: string[] = [];
    for (const file of files(web)) {
      for (const match of readFileSync(file, 'utf8').matchAll(importPattern)) {
        const specifier = match[1] ?? match[2] ?? match[3] ?? '';
        const escapes = specifier.startsWith('.') && !resolve(dirname(file), specifier).startsWith(`${web}/`);
        if (escapes || specifier.startsWith('/') || /^(src|test|bench|scripts)\//.test(specifier)) {
          offenders.push(`${relative(root, file)} → ${specifier}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('calls the API only through the generated client (no hand-written fetch)', () => {
    const offenders = files(join(web, 'src'))
      .filter((file) => file !== uploadModule)
      .filter((file) => /\bfetch\s*\(|XMLHttpRequest|axios/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });

  it('makes the one request the client cannot (a multipart upload with progress) in one module, on a typed path', () => {
    const source = readFileSync(uploadModule, 'utf8');
    // Its path is checked against the OpenAPI paths, and it makes exactly one kind of request.
    expect(source).toMatch(/'\/api\/v1\/knowledge\/documents' satisfies keyof Paths/);
    expect(source.match(/new XMLHttpRequest\(/g)).toHaveLength(1);
    expect(source).not.toMatch(/\bfetch\s*\(/);
  });
});
