import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into dist/web, which the Aurora process serves at /. `npm run web:dev` proxies the API to
// an Aurora on 127.0.0.1:8080.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), tailwindcss()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    proxy: {
      ...Object.fromEntries(['/api', '/hooks', '/healthz', '/readyz'].map((path) => [path, 'http://127.0.0.1:8080'])),
      '/ws': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
});
