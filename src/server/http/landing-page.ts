/** Shown at / until the web UI is built into dist/web. */
export function landingPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Aurora</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:4rem auto;padding:0 1rem}code{background:#8882;padding:.1rem .3rem;border-radius:.2rem}</style>
</head><body>
<h1>Aurora is running</h1>
<p>The API is at <a href="/api/v1/openapi.json"><code>/api/v1/openapi.json</code></a>. Health: <a href="/readyz"><code>/readyz</code></a>.</p>
<p>First run? Create an admin: <code>npx --no-install aurora admin create --email you@example.com --password '…' --org my-team</code></p>
</body></html>`;
}
