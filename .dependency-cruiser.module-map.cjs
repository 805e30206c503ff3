// The map of server modules as a whole, checked by `npm run depcruise` after the file rules of
// .dependency-cruiser.cjs: only the modules are cruised (apps/server/src/modules/<name>/, their
// tests included, type-only imports included), so each folder is a module and a circle of
// folders is a circle of modules. (Cruising the whole server would join every module through
// the composition root, which imports them all, and report circles that are not there.)
const base = require('./.dependency-cruiser.cjs');

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-module-cycles',
      severity: 'error',
      comment:
        'Two server modules depend on each other, directly or through others. Modules form a one-way ' +
        'map (docs/architecture.md); the lower one announces an event (a job in the same transaction) ' +
        'or takes what it needs as a parameter instead of calling back up.',
      scope: 'folder',
      from: { path: '^apps/server/src/modules/[^/]+$' },
      to: { path: '^apps/server/src/modules/[^/]+$', circular: true },
    },
  ],
  options: {
    ...base.options,
    includeOnly: '^apps/server/src/modules/',
  },
};
