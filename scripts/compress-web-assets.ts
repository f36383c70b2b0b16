/**
 * Writes Brotli (.br) and gzip (.gz) copies of the built web UI's text assets next to them, so the server sends
 * them compressed (@fastify/static `preCompressed`) without compressing on every request. Runs after `vite build`.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const compressible = /\.(js|mjs|css|html|svg|json|map|txt)$/;
// Below this a compressed copy saves less than a packet; the original is sent instead.
const minimumBytes = 1024;

export function compressAssets(directory: string): { files: number; bytes: number; brotliBytes: number } {
  let files = 0;
  let bytes = 0;
  let brotliBytes = 0;
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (!compressible.test(name) || statSync(path).size < minimumBytes) continue;
    const content = readFileSync(path);
    const brotli = brotliCompressSync(content, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
      },
    });
    writeFileSync(`${path}.br`, brotli);
    writeFileSync(`${path}.gz`, gzipSync(content, { level: 9 }));
    files += 1;
    bytes += content.length;
    brotliBytes += brotli.length;
  }
  return { files, bytes, brotliBytes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const directory = fileURLToPath(new URL('../dist/web/assets/', import.meta.url));
  const { files, bytes, brotliBytes } = compressAssets(directory);
  const kib = (value: number) => `${(value / 1024).toFixed(1)} KiB`;
  process.stdout.write(`compressed ${files} web assets: ${kib(bytes)} → ${kib(brotliBytes)} (Brotli)\n`);
}
