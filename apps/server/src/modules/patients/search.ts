/**
 * The one search box, as pure functions: what a query means (a birth date, phone digits, an
 * email or names) and the folding that makes "Helene" find "Hélène". The database stores text
 * folded by foldName, and queries are folded the same way, so both sides always agree.
 */

export type ParsedQuery =
  | { kind: 'all' }
  | { kind: 'birthDate'; date: string }
  | { kind: 'phone'; digits: string }
  | { kind: 'email'; prefix: string }
  | { kind: 'name'; tokens: string[] };

/** Lower case, accents removed, anything but letters and digits turned into single spaces. */
export function foldName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The folded words a patient is found by, without repeats. */
export function searchWords(searchName: string): string[] {
  return [...new Set(searchName.split(' ').filter(Boolean))];
}

export function searchNameOf(p: { givenName: string; preferredName?: string; familyName: string }): string {
  return foldName([p.givenName, p.preferredName ?? '', p.familyName].join(' '));
}

export function sortNameOf(p: { givenName: string; familyName: string }): string {
  return foldName(`${p.familyName} ${p.givenName}`);
}

/** 'YYYY-MM-DD' when it is a real calendar date, else undefined. */
export function calendarDate(year: number, month: number, day: number): string | undefined {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function parseSearchQuery(raw: string): ParsedQuery {
  const q = raw.trim();
  if (!q) return { kind: 'all' };
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(q);
  const local = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(q); // DD/MM/YYYY, as written in Mauritius
  const date = iso
    ? calendarDate(+iso[1]!, +iso[2]!, +iso[3]!)
    : local
      ? calendarDate(+local[3]!, +local[2]!, +local[1]!)
      : undefined;
  if (date) return { kind: 'birthDate', date };
  if (/^[+\d\s\-().]+$/.test(q)) {
    const digits = q.replace(/\D/g, '');
    if (digits.length >= 3) return { kind: 'phone', digits };
  }
  if (q.includes('@')) return { kind: 'email', prefix: q.toLowerCase() };
  const tokens = searchWords(foldName(q));
  return tokens.length ? { kind: 'name', tokens } : { kind: 'all' };
}

/**
 * The byte-order range [from, to) of all strings starting with `prefix` (`to` undefined: no upper
 * bound). Ranges, not LIKE: under row-level security PostgreSQL only uses leakproof operators as
 * index conditions, and text comparison is leakproof where LIKE is not.
 */
export function prefixRange(prefix: string): { from: string; to: string | undefined } {
  const chars = [...prefix];
  while (chars.length) {
    const last = chars.pop()!.codePointAt(0)!;
    // Skip the surrogate block: those code points cannot appear in text.
    const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
    if (next <= 0x10ffff) return { from: prefix, to: chars.join('') + String.fromCodePoint(next) };
  }
  return { from: prefix, to: undefined };
}

/** Escapes LIKE's wildcards in user text. */
export const likeEscape = (text: string) => text.replace(/[\\%_]/g, '\\$&');

/**
 * Where a page starts: the tier of the ranking (0: word prefixes, 1: similar words) and the
 * offset inside it. Opaque to clients.
 */
export interface SearchCursor {
  tier: number;
  offset: number;
}

export function encodeCursor(cursor: SearchCursor): string {
  return Buffer.from(`${cursor.tier}:${cursor.offset}`).toString('base64url');
}

export function decodeCursor(raw: string | undefined): SearchCursor | undefined {
  if (!raw) return { tier: 0, offset: 0 };
  const m = /^(\d):(\d{1,7})$/.exec(Buffer.from(raw, 'base64url').toString());
  return m ? { tier: Number(m[1]), offset: Number(m[2]) } : undefined;
}
