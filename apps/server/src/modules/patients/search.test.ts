import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  foldName,
  parseSearchQuery,
  prefixRange,
  searchNameOf,
  sortNameOf,
} from './search.js';

describe('foldName', () => {
  it('lower-cases and strips accents, so Hélène and Helene fold alike', () => {
    expect(foldName('Hélène')).toBe('helene');
    expect(foldName('HELENE')).toBe(foldName('hélène'));
    expect(foldName('Noël Bérenger')).toBe('noel berenger');
    expect(foldName('Françoise')).toBe('francoise');
  });

  it('turns hyphens, apostrophes and runs of spaces into single spaces', () => {
    expect(foldName('  Jean-Marc   d’Arifat ')).toBe('jean marc d arifat');
    expect(foldName('Lam Po Tang')).toBe('lam po tang');
  });

  it('is idempotent', () => {
    fc.assert(fc.property(fc.string(), (s) => foldName(foldName(s)) === foldName(s)));
  });

  it('builds the search name (given preferred family) and the sort name (family given)', () => {
    expect(searchNameOf({ givenName: 'Hélène', preferredName: 'Lena', familyName: 'Lagesse' })).toBe(
      'helene lena lagesse',
    );
    expect(searchNameOf({ givenName: 'Ravi', familyName: 'Ramgoolam' })).toBe('ravi ramgoolam');
    expect(sortNameOf({ givenName: 'Ravi', familyName: 'Ramgoolam' })).toBe('ramgoolam ravi');
  });
});

describe('parseSearchQuery', () => {
  it('reads ISO and Mauritian (DD/MM/YYYY) birth dates', () => {
    expect(parseSearchQuery('2010-03-14')).toEqual({ kind: 'birthDate', date: '2010-03-14' });
    expect(parseSearchQuery('14/03/2010')).toEqual({ kind: 'birthDate', date: '2010-03-14' });
    expect(parseSearchQuery('4/3/2010')).toEqual({ kind: 'birthDate', date: '2010-03-04' });
  });

  it('does not take an impossible date for a birth date', () => {
    expect(parseSearchQuery('2010-02-30').kind).not.toBe('birthDate');
    expect(parseSearchQuery('31/02/2010').kind).not.toBe('birthDate');
  });

  it('reads three or more digits, with spaces, + and -, as phone digits', () => {
    expect(parseSearchQuery('5712')).toEqual({ kind: 'phone', digits: '5712' });
    expect(parseSearchQuery('+230 5712-3456')).toEqual({ kind: 'phone', digits: '23057123456' });
    expect(parseSearchQuery('571')).toEqual({ kind: 'phone', digits: '571' });
  });

  it('reads fewer than three digits as a name (finds nothing rather than everyone)', () => {
    expect(parseSearchQuery('57')).toEqual({ kind: 'name', tokens: ['57'] });
  });

  it('reads an @ as an email', () => {
    expect(parseSearchQuery('Ravi@Example.mu')).toEqual({ kind: 'email', prefix: 'ravi@example.mu' });
  });

  it('folds names into tokens', () => {
    expect(parseSearchQuery('  Hélène  LAGESSE ')).toEqual({ kind: 'name', tokens: ['helene', 'lagesse'] });
    expect(parseSearchQuery('ram')).toEqual({ kind: 'name', tokens: ['ram'] });
    expect(parseSearchQuery('')).toEqual({ kind: 'all' });
    expect(parseSearchQuery(' -- ')).toEqual({ kind: 'all' });
  });
});

describe('cursor', () => {
  it('round-trips and refuses garbage', () => {
    expect(decodeCursor(encodeCursor({ tier: 1, offset: 40 }))).toEqual({ tier: 1, offset: 40 });
    expect(decodeCursor(undefined)).toEqual({ tier: 0, offset: 0 });
    expect(decodeCursor('nonsense')).toBeUndefined();
  });
});

describe('prefixRange', () => {
  const inRange = (s: string, r: { from: string; to: string | undefined }) =>
    Buffer.compare(Buffer.from(s), Buffer.from(r.from)) >= 0 &&
    (r.to === undefined || Buffer.compare(Buffer.from(s), Buffer.from(r.to)) < 0);

  it('bounds the strings that start with the prefix, in byte order', () => {
    expect(prefixRange('ram')).toEqual({ from: 'ram', to: 'ran' });
    expect(prefixRange('5712')).toEqual({ from: '5712', to: '5713' });
    expect(prefixRange('az')).toEqual({ from: 'az', to: 'a{' });
  });

  it('holds a string exactly when it starts with the prefix', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }),
        fc.string({ unit: 'grapheme', maxLength: 6 }),
        (prefix, s) => {
          const r = prefixRange(prefix);
          expect(inRange(s, r)).toBe(s.startsWith(prefix));
          expect(inRange(prefix + s, r)).toBe(true);
        },
      ),
    );
  });
});
