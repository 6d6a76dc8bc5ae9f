/**
 * The repository's layers (the folders), checked by `npm run lint:deps`
 * (run by `npm test`'s pretest). Imports point down: hub → resolvers → services → connectors →
 * store / reference / lib; mockdata (generator, seeding) sits beside the top and is imported
 * by scripts, bench and tests, never by production code. Type-only imports count.
 *
 * Known violations (.dependency-cruiser-known-violations.json, `npm run lint:deps:baseline`):
 * none. A new violation fails the check.
 */
const PRODUCTION = '^(hub|resolvers|services|connectors|store|reference|lib)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import circles: shared types go to the module’s model.ts, or invert the dependency.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'production-not-to-mockdata',
      severity: 'error',
      comment: 'Production code never imports the generator, seeding, tests, the bench or scripts.',
      from: { path: PRODUCTION },
      to: { path: '^(mockdata|test|bench|scripts)/' },
    },
    {
      name: 'connectors-read-sources-only',
      severity: 'error',
      comment: 'connectors/ reads the sources: it imports no service, resolver or hub module.',
      from: { path: '^connectors/' },
      to: { path: '^(services|resolvers|hub)/' },
    },
    {
      name: 'store-and-reference-below-connectors',
      severity: 'error',
      comment: 'store/ and reference/ import only lib/ (and themselves).',
      from: { path: '^(store|reference)/' },
      to: { path: '^(hub|resolvers|services|connectors|mockdata|generated)/' },
    },
    {
      name: 'lib-imports-nothing-of-the-project',
      severity: 'error',
      comment: 'lib/ is the bottom: errors, dates, logging, caches, CSV; it imports only packages.',
      from: { path: '^lib/' },
      to: { path: '^(hub|resolvers|services|connectors|store|reference|mockdata|generated|scripts|bench|test)/' },
    },
    {
      name: 'resolvers-not-to-hub',
      severity: 'error',
      comment: 'Resolvers call services; the HTTP and Apollo shell is above them.',
      from: { path: '^resolvers/' },
      to: { path: '^hub/', pathNot: '^hub/(config|scalars)\\.ts$' },
    },
    {
      name: 'services-not-to-the-shell',
      severity: 'error',
      comment: 'Services are below resolvers and the HTTP shell (the configuration type is shared).',
      from: { path: '^services/' },
      to: { path: '^(hub|resolvers)/', pathNot: '^hub/config\\.ts$' },
    },
    {
      name: 'app-not-to-server-code',
      severity: 'error',
      comment: 'The citizen app (app/) is browser code built on its own: it never imports the hub or its types.',
      from: { path: '^app/' },
      to: { path: '^((lib|store|reference|connectors|services|resolvers|hub|mockdata|scripts|bench|test)/|generated/graphql\\.ts$)' },
    },
    {
      name: 'app-imports-only-app-and-its-types',
      severity: 'error',
      comment: 'app/src imports only app/src, the generated client types (generated/app) and browser packages.',
      from: { path: '^app/src/' },
      to: { pathNot: '^(app/src/|generated/app/|node_modules/)' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|localdb|dist|app/dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      // Types-only packages (the client preset's @graphql-typed-document-node/core) have no main.
      mainFields: ['main', 'types', 'typings'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.cjs', '.mjs', '.json'],
    },
  },
};
