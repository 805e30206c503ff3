import { AUDIT_ACTIONS, FIELD_ERROR_CODES } from '@dentalpro/contracts';
import { describe, expect, it } from 'vitest';
import en from './en.json';
import fr from './fr.json';

/** The server's sources, read as text (tests excepted). */
const serverSources = import.meta.glob<string>(['../../../server/src/**/*.ts', '!**/*.test.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** The text at a dotted key, or undefined. */
function labelAt(tree: object, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>(
      (node, part) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined),
      tree,
    );
}

/** Every leaf key, dotted (list items by index); plural forms (_one, _other) count as one key, as plural rules differ. */
function keysOf(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]: [string, unknown]) =>
    value !== null && typeof value === 'object'
      ? keysOf(value, `${prefix}${key}.`)
      : [`${prefix}${key.replace(/_(zero|one|two|few|many|other)$/, '')}`],
  );
}

describe('the locale files', () => {
  it('have the same keys in English and French', () => {
    const english = new Set(keysOf(en));
    const french = new Set(keysOf(fr));
    expect([...english].filter((k) => !french.has(k))).toEqual([]);
    expect([...french].filter((k) => !english.has(k))).toEqual([]);
  });

  // AUDIT_ACTIONS is what the server's audit writer accepts (its type), so every action recorded is listed.
  it('label every action the server records, on the audit trail', () => {
    for (const locale of [en, fr]) {
      expect(AUDIT_ACTIONS.filter((action) => typeof labelAt(locale.audit.actions, action) !== 'string')).toEqual([]);
    }
  });

  it('label every clinical action on the patient access log too', () => {
    const clinical = AUDIT_ACTIONS.filter((action) => action.startsWith('clinical.'));
    expect(clinical).toContain('clinical.plan_item_completed');
    for (const locale of [en, fr]) {
      expect(
        clinical.filter((action) => typeof labelAt(locale.patientRecord.accessLog.actions, action) !== 'string'),
      ).toEqual([]);
    }
  });

  it('and the list holds every action named in the server (a cast past the type would show here)', () => {
    const named = new Set<string>();
    for (const source of Object.values(serverSources)) {
      for (const call of source.matchAll(/\b(?:action: |auditForUser\([^;]*?)([^,;\n]*'[a-z_]+\.[a-z_]+'[^,;\n]*)/g)) {
        for (const literal of call[1]!.matchAll(/'([a-z_]+\.[a-z_]+)'/g)) named.add(literal[1]!);
      }
    }
    expect(named).toContain('appointment.overbooked');
    expect(named).toContain('auth.mfa_enabled');
    expect([...named].filter((action) => !(AUDIT_ACTIONS as readonly string[]).includes(action))).toEqual([]);
  });

  it('say every field error code the server sends', () => {
    for (const locale of [en, fr]) {
      expect(FIELD_ERROR_CODES.filter((code) => typeof labelAt(locale.fieldErrors, code) !== 'string')).toEqual([]);
    }
  });
});
