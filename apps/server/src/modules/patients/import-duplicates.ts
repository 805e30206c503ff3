import type { PatientImportDuplicate, PatientImportProblem, PatientSummary } from '@dentalpro/contracts';
import { SIMILAR_NAME } from './duplicates.js';

/**
 * Who in an import is someone already known: another row of the file, or a patient on file.
 *
 * The same person — the same folded given and family name, and the same birth date (or, both
 * without one, a shared phone) — is rejected: importing them would make a second record. A
 * likely duplicate — a similar name (trigram similarity as pg_trgm computes it, over 0.5) with
 * the same birth date or a shared phone — is imported and listed for people to judge, as
 * createPatient warns: twins share a birth date. A shared phone with a different name is a
 * family (children on a parent's number), not reported at all: in a file of thousands it
 * would bury the real duplicates.
 */

export interface ImportedPerson {
  row: number;
  displayName: string;
  /** Folded 'family given' (patients.sort_name): equal means the same name. */
  sortName: string;
  /** Folded 'given preferred family' (patients.search_name), compared by similarity. */
  searchName: string;
  dateOfBirth: string | null;
  phones: string[];
}

/** A patient on file that the database found sharing a birth date (with a similar name) or a phone with a row. */
export interface FileMatch {
  row: number;
  patient: PatientSummary;
  sortName: string;
  searchName: string;
  sharesPhone: boolean;
}

export interface DuplicateFindings {
  /** Rows to reject, with the problem that says who they are. */
  same: Map<number, PatientImportProblem>;
  /** Rows imported with a warning. */
  likely: PatientImportDuplicate[];
}

/** Comparisons per row and key: a phone shared by hundreds of rows (a clinic's own number) stays cheap. */
const MAX_COMPARED = 50;

export function findDuplicates(people: ImportedPerson[], onFile: FileMatch[]): DuplicateFindings {
  const findings: DuplicateFindings = { same: new Map(), likely: [] };
  const similar = similarNames();
  const warned = new Set<number>();
  const warn = (d: PatientImportDuplicate) => {
    if (warned.has(d.row) || findings.same.has(d.row)) return;
    warned.add(d.row);
    findings.likely.push(d);
  };

  // Against patients on file first: a row that is already a patient is that, whatever else.
  const byRow = new Map(people.map((p) => [p.row, p]));
  for (const m of onFile) {
    const person = byRow.get(m.row);
    if (!person || findings.same.has(m.row)) continue;
    const sameDate = person.dateOfBirth !== null && person.dateOfBirth === m.patient.dateOfBirth;
    const neitherDated = person.dateOfBirth === null && m.patient.dateOfBirth === null;
    if (m.sortName === person.sortName && (sameDate || (neitherDated && m.sharesPhone))) {
      findings.same.set(m.row, {
        code: 'duplicate_on_file',
        field: null,
        column: null,
        value: person.displayName,
        message: `${person.displayName} is already a patient (${m.patient.givenName} ${m.patient.familyName}${m.patient.dateOfBirth ? `, born ${m.patient.dateOfBirth}` : ''})`,
        patient: m.patient,
      });
    }
  }
  for (const m of onFile) {
    const person = byRow.get(m.row);
    if (!person || findings.same.has(m.row)) continue;
    const sameDate = person.dateOfBirth !== null && person.dateOfBirth === m.patient.dateOfBirth;
    if ((sameDate || m.sharesPhone) && similar(person.searchName, m.searchName)) {
      warn({
        row: m.row,
        name: person.displayName,
        reason: sameDate ? 'same_birth_date' : 'same_phone',
        sameAsRow: null,
        patient: m.patient,
      });
    }
  }

  // Within the file: each row against the earlier rows with its birth date or one of its phones.
  const earlierByDate = new Map<string, ImportedPerson[]>();
  const earlierByPhone = new Map<string, ImportedPerson[]>();
  for (const person of people) {
    if (!findings.same.has(person.row))
      compareWithEarlier(person, earlierByDate, earlierByPhone, findings, warn, similar);
    if (findings.same.has(person.row)) continue;
    if (person.dateOfBirth) push(earlierByDate, person.dateOfBirth, person);
    for (const phone of person.phones) push(earlierByPhone, phone, person);
  }
  findings.likely.sort((a, b) => a.row - b.row);
  return findings;
}

function compareWithEarlier(
  person: ImportedPerson,
  earlierByDate: Map<string, ImportedPerson[]>,
  earlierByPhone: Map<string, ImportedPerson[]>,
  findings: DuplicateFindings,
  warn: (d: PatientImportDuplicate) => void,
  similar: (a: string, b: string) => boolean,
) {
  const same = (other: ImportedPerson) => {
    findings.same.set(person.row, {
      code: 'duplicate_in_file',
      field: null,
      column: null,
      value: person.displayName,
      message: `The same person as row ${other.row} (${other.displayName})`,
      sameAsRow: other.row,
    });
  };
  const sameDate = person.dateOfBirth ? (earlierByDate.get(person.dateOfBirth) ?? []).slice(0, MAX_COMPARED) : [];
  for (const other of sameDate) {
    if (other.sortName === person.sortName) return same(other);
  }
  const samePhone = person.phones.flatMap((phone) => (earlierByPhone.get(phone) ?? []).slice(0, MAX_COMPARED));
  for (const other of samePhone) {
    if (other.sortName === person.sortName && person.dateOfBirth === null && other.dateOfBirth === null)
      return same(other);
  }
  for (const other of sameDate) {
    if (similar(person.searchName, other.searchName)) {
      return warn({
        row: person.row,
        name: person.displayName,
        reason: 'same_birth_date',
        sameAsRow: other.row,
        patient: null,
      });
    }
  }
  for (const other of samePhone) {
    if (similar(person.searchName, other.searchName)) {
      return warn({
        row: person.row,
        name: person.displayName,
        reason: 'same_phone',
        sameAsRow: other.row,
        patient: null,
      });
    }
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Names as similar as createPatient's duplicate check wants, each name's trigrams made once. */
function similarNames() {
  const cache = new Map<string, Set<string>>();
  const of = (name: string) => {
    let t = cache.get(name);
    if (!t) {
      t = trigrams(name);
      cache.set(name, t);
    }
    return t;
  };
  return (a: string, b: string) => setSimilarity(of(a), of(b)) > SIMILAR_NAME;
}

/** pg_trgm's similarity(): trigrams of each word padded '  word ', shared over all (as sets). */
export function trigramSimilarity(a: string, b: string): number {
  return setSimilarity(trigrams(a), trigrams(b));
}

function setSimilarity(ta: Set<string>, tb: Set<string>): number {
  if (ta.size === 0 || tb.size === 0) return 0;
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  return shared / (ta.size + tb.size - shared);
}

function trigrams(text: string): Set<string> {
  const out = new Set<string>();
  for (const word of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (!word) continue;
    const padded = `  ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  }
  return out;
}
