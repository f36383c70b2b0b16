import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuroraApp } from '../../features/accounts/index.js';

/**
 * Where `vite build` writes the SPA. This file is three levels below the package root both as source
 * (src/server/http) and compiled (dist/server/http), so one relative path serves both.
 */
export const defaultWebUiDirectory = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

/** Paths the SPA never owns: an unknown URL under them is an API 404, not the app shell. */
const serverPrefixes = ['/api', '/hooks', '/ws', '/mcp', '/metrics', '/healthz', '/readyz', '/assets'];

// The shell is tiny and names hashed bundles; it must be revalidated on every load so a new build is picked up.
const shellHeaders = {
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  // Radix positions popovers with inline style attributes, hence 'unsafe-inline' for styles only.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
};

/**
 * Serves the built web UI: hashed files under /assets with a year-long immutable cache (Brotli or gzip when the
 * browser accepts them), and the app shell (index.html) at / and at every client route, so deep links and reloads
 * work. When the UI was not built, those pages say how to build it instead.
 */
export async function registerWebUi(app: AuroraApp, options: { directory?: string } = {}): Promise<void> {
  const directory = options.directory ?? defaultWebUiDirectory;
  const built = existsSync(join(directory, 'index.html'));

  await app.register(fastifyStatic, {
    root: join(directory, 'assets'),
    serve: built,
    prefix: '/assets/',
    index: false,
    list: false,
    dotfiles: 'deny',
    maxAge: '365d',
    immutable: true,
    // `npm run build` writes .br and .gz copies of the bundles: a first load moves about a quarter of the bytes.
    preCompressed: true,
    schemaHide: true,
  });

  const serveShell = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    const lastSegment = path.slice(path.lastIndexOf('/') + 1);
    // A file-like name (favicon.ico, x.js.map) that is not a built asset is a plain 404, not the shell.
    if (
      serverPrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)) ||
      lastSegment.includes('.')
    ) {
      return reply.callNotFound();
    }
    if (!built)
      return reply
        .code(503)
        .headers({ 'cache-control': 'no-store' })
        .type('text/html; charset=utf-8')
        .send(notBuiltPage(directory));
    return reply.headers(shellHeaders).sendFile('index.html', directory, { cacheControl: false });
  };

  const routeOptions = { config: { auth: 'public' as const }, schema: { hide: true } };
  app.get('/', routeOptions, serveShell);
  app.get('/*', routeOptions, serveShell);
}

/** Shown instead of the UI when dist/web is missing (e.g. only `tsc` ran). The API works regardless. */
export function notBuiltPage(directory: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Aurora: web UI not built</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:4rem auto;padding:0 1rem}code{background:#8882;padding:.1rem .3rem;border-radius:.2rem}</style>
</head><body>
<h1>Aurora is running, but its web UI is not built</h1>
<p>No <code>index.html</code> in <code>${escapeHtml(directory)}</code>. Build it from the checkout with <code>npm run build</code> (which <code>npm ci</code> also runs), then restart Aurora.</p>
<p>The API works without it: <a href="/api/v1/openapi.json"><code>/api/v1/openapi.json</code></a>, health at <a href="/readyz"><code>/readyz</code></a>.</p>
<p>First run? Create an admin: <code>npx --no-install aurora admin create --email you@example.com --org my-team</code></p>
</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
