import { describe, expect, it } from 'vitest';
import { formatWhen } from './when-format';

const MU = 'Indian/Mauritius';
// Intl puts narrow no-break and thin spaces around range dashes and times: compare plain spaces.
const plain = (text: string) => text.replace(/[\u202f\u2009\u00a0]/g, ' ');

describe('formatWhen', () => {
  it('says a morning as the day and its hours, in the practice’s zone', () => {
    const morning = { from: '2026-12-10T04:00:00.000Z', to: '2026-12-10T08:00:00.000Z' };
    expect(plain(formatWhen(morning, MU, 'en'))).toMatch(/^Thursday,? 10 December 2026,? 08:00 ?– ?12:00$/);
    expect(plain(formatWhen(morning, MU, 'fr'))).toMatch(/^jeudi 10 décembre 2026,? 08:00 ?– ?12:00$/);
  });

  it('says a whole day as the day alone, and whole days as a range of days', () => {
    const thursday = { from: '2026-12-09T20:00:00.000Z', to: '2026-12-10T20:00:00.000Z' };
    expect(plain(formatWhen(thursday, MU, 'en'))).toMatch(/^Thursday,? 10 December 2026$/);
    const nextWeek = { from: '2026-12-13T20:00:00.000Z', to: '2026-12-20T20:00:00.000Z' };
    expect(plain(formatWhen(nextWeek, MU, 'fr'))).toMatch(/^lundi 14 – dimanche 20 décembre 2026$/);
  });

  it('reads the instants in the zone given, not the browser’s', () => {
    const morning = { from: '2026-12-10T04:00:00.000Z', to: '2026-12-10T08:00:00.000Z' };
    expect(plain(formatWhen(morning, 'UTC', 'en'))).toMatch(/04:00 ?– ?08:00$/);
  });
});
