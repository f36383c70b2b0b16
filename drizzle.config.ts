import { defineConfig } from 'drizzle-kit';

// Migrations are generated from every *.schema.ts and committed; `aurora migrate` (or embedded start) applies them.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/platform/**/*.schema.ts', './src/features/**/*.schema.ts'],
  out: './src/platform/database/migrations',
});
