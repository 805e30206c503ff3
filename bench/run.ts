// `npm run bench -- <name>`: benchmarks print figures; they assert nothing.
const benches: Record<string, () => Promise<unknown>> = {
  startup: () => import('./startup.js'),
  availability: () => import('./availability.js'),
  'booking-race': () => import('./booking-race.js'),
  'patient-search': () => import('./patient-search.js'),
  'patient-import': () => import('./patient-import.js'),
  webhook: () => import('./webhook.js'),
  outbound: () => import('./outbound.js'),
  reminders: () => import('./reminders.js'),
  inbox: () => import('./inbox.js'),
  jobs: () => import('./jobs.js'),
  assistant: () => import('./assistant.js'),
  understanding: () => import('./understanding.js'),
};

const name = process.argv[2];
const load = name ? benches[name] : undefined;
if (!load) {
  process.stderr.write(`Usage: npm run bench -- <${Object.keys(benches).join('|')}>\n`);
  process.exit(2);
}
await load();
