/**
 * The dependency direction from DESIGN.md: cli/server/worker → features → platform → config.
 * Checked by test/architecture.test.ts on every test run.
 */
module.exports = {
  forbidden: [
    {
      name: 'config-is-a-leaf',
      comment: 'config may not import the rest of the application',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/(platform|features|server|worker|cli)/' },
    },
    {
      name: 'platform-below-features',
      comment: 'platform adapters may not depend on features or on the composition root',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/(features|server|worker|cli)/' },
    },
    {
      name: 'features-below-composition',
      comment: 'features may not depend on the composition root',
      severity: 'error',
      from: { path: '^src/features/' },
      to: { path: '^src/(server|worker|cli)/' },
    },
    {
      name: 'features-through-index',
      comment: "a feature may use another feature only through that feature's index.ts",
      severity: 'error',
      from: { path: '^src/features/([^/]+)/' },
      to: { path: '^src/features/([^/]+)/', pathNot: ['^src/features/$1/', '^src/features/[^/]+/index\\.ts$'] },
    },
    {
      name: 'web-never-imports-src',
      comment: 'the web UI talks to the API only over HTTP',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^src/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
