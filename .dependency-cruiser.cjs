// The module rules of docs/architecture.md, checked by `npm run depcruise` (and in CI, .ci/run),
// file by file. The map of modules as a whole (no two modules reaching each other, directly or
// round about) is checked by .dependency-cruiser.module-map.cjs, in the same npm script.
// Paths are relative to the repository root. Type-only imports count as imports: a type from
// another module couples the two just as a value does (tsPreCompilationDeps below keeps them).
//
// A server module is a folder apps/server/src/modules/<name>/. Its front door for other modules
// is its *.service.ts files and, for what is not a service (events, data owners), an index.ts
// that re-exports it. Tests beside the code follow the same rules; the integration tests in
// apps/server/test, the demo seed and the benchmarks in bench are outside the modules.

const MODULES = '^apps/server/src/modules/';
const SERVER_ROOT_FILES = '^apps/server/src/(app|bootstrap|main|worker|cli)[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-server-cycles',
      severity: 'error',
      comment:
        'This import closes a circle of files in the server. Circles make load order matter and ' +
        'hide which file depends on which; move the shared part to the lower file or to platform/.',
      from: { path: '^apps/server/src/' },
      to: { circular: true },
    },
    {
      name: 'modules-through-services',
      severity: 'error',
      comment:
        "A module uses another module only through that module's *.service.ts files, its index.ts, " +
        'or the facts it announces (*.events.ts, which listeners subscribe to), never its repository, ' +
        'routes, helpers or pure rules: what a module exports for others is in those files and nowhere else.',
      from: { path: `${MODULES}([^/]+)/` },
      to: {
        path: MODULES,
        pathNot: [`${MODULES}$1/`, `${MODULES}[^/]+/(index|[^/]+[.](service|events))[.]ts$`],
      },
    },
    {
      name: 'platform-imports-no-module',
      severity: 'error',
      comment:
        'platform/ is the floor every module stands on: it knows no domain module, and not the ' +
        'composition root (app.ts, bootstrap.ts, main.ts, worker.ts, cli.ts, registry.ts, background.ts).',
      from: { path: '^apps/server/src/platform/' },
      to: {
        path: [
          MODULES,
          '^apps/server/src/(app|bootstrap|main|worker|cli|registry|background)[.]ts$',
          '^apps/server/src/demo/',
        ],
      },
    },
    {
      name: 'modules-import-no-composition-root',
      severity: 'error',
      comment:
        'A module is given what it needs (AppContext from context.ts, parameters); it never imports ' +
        'the files that assemble the server (app.ts, bootstrap.ts, main.ts, worker.ts, cli.ts).',
      from: { path: MODULES },
      to: { path: SERVER_ROOT_FILES },
    },
    {
      name: 'web-imports-no-server',
      severity: 'error',
      comment:
        'The web app talks to the server over HTTP; what they share is in packages/contracts. ' +
        'It imports no server file, not even a type.',
      from: { path: '^apps/web/' },
      to: { path: '^apps/server/' },
    },
    {
      name: 'contracts-import-nothing-of-ours',
      severity: 'error',
      comment:
        'packages/contracts is shared by server and web: it imports zod and its own files, nothing ' +
        'else of ours and no other package (its tests may also use the test tools).',
      from: { path: '^packages/contracts/', pathNot: '[.]test[.]ts$' },
      to: {
        pathNot: ['^packages/contracts/', '^node_modules/zod/'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'contracts-no-node-builtins',
      severity: 'error',
      comment: 'packages/contracts also runs in the browser: no node: modules.',
      from: { path: '^packages/contracts/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve to a file or a package: a typo, or a file moved without its importers.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
