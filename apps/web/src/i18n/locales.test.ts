import { TreatmentItemStatusInput } from '@dentalpro/contracts';
import { describe, expect, it } from 'vitest';
import en from './en.json';
import fr from './fr.json';

/** The server's module sources, read as text (tests excepted). */
const serverModules = import.meta.glob<string>(['../../../server/src/modules/**/*.ts', '!**/*.test.ts'], { query: '?raw', import: 'default', eager: true });

/** Every leaf key, dotted (list items by index); plural forms (_one, _other) count as one key, as plural rules differ. */
function keysOf(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]: [string, unknown]) =>
    value !== null && typeof value === 'object' ? keysOf(value, `${prefix}${key}.`) : [`${prefix}${key.replace(/_(zero|one|two|few|many|other)$/, '')}`],
  );
}

describe('the locale files', () => {
  it('have the same keys in English and French', () => {
    const english = new Set(keysOf(en));
    const french = new Set(keysOf(fr));
    expect([...english].filter((k) => !french.has(k))).toEqual([]);
    expect([...french].filter((k) => !english.has(k))).toEqual([]);
  });

  it('label every clinical action the server records (the patient access log shows them)', () => {
    const recorded = new Set<string>();
    for (const source of Object.values(serverModules)) {
      for (const match of source.matchAll(/action: '(clinical\.[a-z_]+)'/g)) recorded.add(match[1]!);
      // The one action named from a value: a plan item's new status.
      if (source.includes('action: `clinical.plan_item_${input.status}`')) {
        for (const status of TreatmentItemStatusInput.shape.status.options) recorded.add(`clinical.plan_item_${status}`);
      }
    }
    expect(recorded).toContain('clinical.record_opened');
    expect(recorded).toContain('clinical.plan_item_completed');
    for (const locale of [en, fr]) {
      const labels = locale.patientRecord.accessLog.actions.clinical as Record<string, string>;
      expect([...recorded].filter((action) => !labels[action.slice('clinical.'.length)])).toEqual([]);
    }
  });
});
