import { cpus, loadavg } from 'node:os';
import { LABELLED, LABELLED_HELD_OUT } from '../apps/server/src/modules/assistant/understanding/labelled.js';
import { understand } from '../apps/server/src/modules/assistant/understanding/understand.js';

/**
 * How long the booking assistant takes to read one patient message (language, intent, visit kind,
 * date and time) over the labelled sentences, in English, French and Creole: the mean of the best
 * of several rounds, beside the floor measured in the same run (the same texts only lower-cased,
 * accent-stripped and split into words, which every reading does first) and the ceiling we hold
 * it to (half a millisecond: a crowd of patients must not wait on the reading).
 */
const ROUNDS = Number(process.env.UNDERSTANDING_ROUNDS ?? 20);
const CEILING_MS = 0.5;
const AT = new Date('2026-12-07T08:00:00Z');

const texts = [...LABELLED, ...LABELLED_HELD_OUT].map((l) => l.text);

function bestMeanMs(work: (text: string) => unknown): number {
  for (const text of texts) work(text);
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    for (const text of texts) work(text);
    best = Math.min(best, (performance.now() - started) / texts.length);
  }
  return best;
}

const floor = bestMeanMs((text) =>
  text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .split(/[^\p{L}\p{N}]+/u),
);
const reading = bestMeanMs((text) => understand(text, { at: AT, timeZone: 'Indian/Mauritius' }));
let longest = 0;
for (const text of texts) {
  const started = performance.now();
  understand(text, { at: AT, timeZone: 'Indian/Mauritius' });
  longest = Math.max(longest, performance.now() - started);
}

console.log('Understanding a patient message (the booking assistant)');
console.log(`  ${texts.length} labelled sentences (en, fr, Creole), best of ${ROUNDS} rounds`);
console.log(`  mean ${reading.toFixed(3)} ms a message; slowest single message ${longest.toFixed(2)} ms`);
console.log(`  floor (normalising and splitting the same texts): ${floor.toFixed(4)} ms a message`);
console.log(`  ceiling ${CEILING_MS} ms a message: ${reading < CEILING_MS ? 'PASS' : 'FAIL'}`);
console.log(`  machine: ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)}`);
