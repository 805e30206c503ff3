import {
  type FieldErrorCode,
  MULTI_COLUMN_IMPORT_FIELDS,
  type PatientImportColumn,
  type PatientImportField,
  type PatientImportMapping,
  type PatientImportMappingProblem,
  type PatientImportProblem,
  type PatientImportProblemCode,
  type PatientInput,
} from '@dentalpro/contracts';
import { AppError } from '../../platform/errors.js';
import { preparePatient } from './patients.service.js';
import { toE164 } from './phones.js';
import { calendarDate, foldName } from './search.js';

/**
 * Rows of another system's CSV file as patients: which column feeds which field (by header,
 * in English or French, or as the operator says), and each row read, checked like a patient
 * typed in (the same preparePatient), with every problem named by column and value.
 */

// ---------------------------------------------------------------------------------------------
// Columns

/** Headers as folded by foldHeader: lower case, no accents, single spaces, a trailing number dropped. */
const HEADER_NAMES: Record<PatientImportField, string[]> = {
  givenName: [
    'given name',
    'given names',
    'first name',
    'first names',
    'firstname',
    'forename',
    'forenames',
    'given',
    'first',
    'prenom',
    'prenoms',
    'patient first name',
    'prenom du patient',
  ],
  familyName: [
    'family name',
    'last name',
    'lastname',
    'surname',
    'family',
    'last',
    'nom',
    'nom de famille',
    'patient last name',
    'nom du patient',
    'patronyme',
  ],
  fullName: [
    'name',
    'full name',
    'fullname',
    'patient',
    'patient name',
    'nom complet',
    'nom et prenom',
    'nom prenom',
    'prenom et nom',
    'prenom nom',
    'patient nom',
  ],
  preferredName: ['preferred name', 'nickname', 'known as', 'surnom', 'nom d usage', 'prenom usuel', 'nom usuel'],
  dateOfBirth: [
    'date of birth',
    'dob',
    'd o b',
    'birth date',
    'birthdate',
    'birthday',
    'born',
    'born on',
    'date de naissance',
    'naissance',
    'date naissance',
    'ddn',
    'ne le',
    'nee le',
    'ne e le',
  ],
  sex: ['sex', 'gender', 'sexe', 'genre'],
  phone: [
    'phone',
    'phone number',
    'mobile',
    'mobile phone',
    'mobile number',
    'cell',
    'cell phone',
    'cellphone',
    'telephone',
    'telephone number',
    'tel',
    'portable',
    'telephone portable',
    'tel portable',
    'tel mobile',
    'gsm',
    'numero',
    'numero de telephone',
    'no de telephone',
    'contact',
    'contact number',
  ],
  homePhone: [
    'home phone',
    'home',
    'home telephone',
    'landline',
    'fixe',
    'telephone fixe',
    'tel fixe',
    'domicile',
    'telephone domicile',
    'tel domicile',
    'tel maison',
  ],
  workPhone: [
    'work phone',
    'work',
    'office phone',
    'business phone',
    'work telephone',
    'bureau',
    'telephone bureau',
    'tel bureau',
    'telephone professionnel',
    'tel professionnel',
    'tel travail',
  ],
  whatsApp: ['whatsapp', 'whatsapp number', 'whatsapp phone', 'numero whatsapp', 'whatsapp numero'],
  email: [
    'email',
    'e mail',
    'email address',
    'e mail address',
    'mail',
    'courriel',
    'adresse email',
    'adresse e mail',
    'adresse mail',
    'adresse electronique',
  ],
  address: [
    'address',
    'street',
    'street address',
    'address line',
    'city',
    'town',
    'village',
    'district',
    'locality',
    'postcode',
    'postal code',
    'zip',
    'adresse',
    'rue',
    'ville',
    'localite',
    'code postal',
    'quartier',
  ],
  preferredLanguage: ['language', 'preferred language', 'lang', 'langue', 'langue preferee', 'langue parlee'],
  notes: [
    'notes',
    'note',
    'comments',
    'comment',
    'remarks',
    'remarques',
    'remarque',
    'commentaire',
    'commentaires',
    'observations',
    'observation',
  ],
  status: ['status', 'statut', 'etat', 'patient status'],
  guardianName: [
    'guardian',
    'guardian name',
    'parent',
    'parent name',
    'parent guardian',
    'responsable',
    'nom du responsable',
    'tuteur',
    'nom du tuteur',
    'nom du parent',
    'responsible',
  ],
  guardianPhone: [
    'guardian phone',
    'parent phone',
    'guardian telephone',
    'telephone du responsable',
    'tel responsable',
    'telephone responsable',
    'telephone parent',
    'tel parent',
    'telephone du parent',
    'telephone tuteur',
  ],
  guardianRelationship: [
    'relationship',
    'guardian relationship',
    'relation',
    'lien',
    'lien de parente',
    'lien avec le patient',
  ],
};

const BY_HEADER = new Map<string, PatientImportField>(
  Object.entries(HEADER_NAMES).flatMap(([field, names]) => names.map((n) => [n, field as PatientImportField] as const)),
);

export const foldHeader = (header: string) =>
  foldName(header)
    .replace(/(\s*n?o?\s*\d+)$/, '')
    .trim();

export function fieldForHeader(header: string): PatientImportField | null {
  return BY_HEADER.get(foldHeader(header)) ?? BY_HEADER.get(foldName(header)) ?? null;
}

export const columnLabel = (header: string, position: number) => header || `#${position}`;

/**
 * Each column's field: the request's mapping first (by header or '#N'), then by header. A name
 * column beside a given-name column is the family name ("Name" + "First name", "Nom" + "Prénom").
 */
export function mapColumns(
  header: string[],
  mapping: PatientImportMapping = {},
): { columns: PatientImportColumn[]; problems: PatientImportMappingProblem[] } {
  const explicit = new Map<number, PatientImportField | 'ignore'>();
  for (const [key, field] of Object.entries(mapping)) {
    const positions = columnsNamed(header, key);
    if (positions.length === 0) {
      throw new AppError('import_mapping_invalid', {
        detail: `No column "${key}" in the file (its columns: ${header.map(columnLabel).join(', ')})`,
      });
    }
    for (const p of positions) explicit.set(p, field);
  }
  const columns: PatientImportColumn[] = header.map((h, i) => {
    const position = i + 1;
    const chosen = explicit.get(position);
    if (chosen !== undefined)
      return { position, header: h, field: chosen === 'ignore' ? null : chosen, automatic: false };
    return { position, header: h, field: fieldForHeader(h), automatic: true };
  });

  // A field that takes one column keeps the first column found for it by header.
  const seen = new Set<PatientImportField>(columns.filter((c) => !c.automatic && c.field).map((c) => c.field!));
  for (const c of columns) {
    if (!c.automatic || !c.field || MULTI_COLUMN_IMPORT_FIELDS.includes(c.field)) continue;
    if (seen.has(c.field)) c.field = null;
    else seen.add(c.field);
  }
  const has = (f: PatientImportField) => columns.some((c) => c.field === f);
  if (has('givenName') && !has('familyName')) {
    const fullName = columns.find((c) => c.field === 'fullName' && c.automatic);
    if (fullName) fullName.field = 'familyName';
  }

  const problems: PatientImportMappingProblem[] = [];
  for (const field of new Set(columns.map((c) => c.field))) {
    if (!field || MULTI_COLUMN_IMPORT_FIELDS.includes(field)) continue;
    const feeding = columns.filter((c) => c.field === field);
    if (feeding.length > 1)
      problems.push({ code: 'several_columns', field, columns: feeding.map((c) => columnLabel(c.header, c.position)) });
  }
  if (!has('fullName')) {
    if (!has('givenName')) problems.push({ code: 'missing_field', field: 'givenName', columns: [] });
    if (!has('familyName')) problems.push({ code: 'missing_field', field: 'familyName', columns: [] });
  }
  return { columns, problems };
}

function columnsNamed(header: string[], key: string): number[] {
  const byPosition = /^#(\d+)$/.exec(key);
  if (byPosition) {
    const p = Number(byPosition[1]);
    return p >= 1 && p <= header.length ? [p] : [];
  }
  const wanted = key.trim().toLowerCase();
  const exact = header.flatMap((h, i) => (h.trim().toLowerCase() === wanted ? [i + 1] : []));
  if (exact.length) return exact;
  const folded = foldName(key);
  return header.flatMap((h, i) => (foldName(h) === folded ? [i + 1] : []));
}

// ---------------------------------------------------------------------------------------------
// Cells

/** What other systems write in an empty cell. */
const EMPTY_MARKERS = new Set([
  '-',
  '--',
  '.',
  '?',
  'n/a',
  'n.a.',
  'null',
  'none',
  'aucun',
  'aucune',
  'neant',
  'néant',
  'inconnu',
  'inconnue',
  'unknown',
]);
const isBlank = (value: string) => value === '' || EMPTY_MARKERS.has(value.toLowerCase());

type CellResult<T> = { value: T } | { code: PatientImportProblemCode; message: string };

const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  janv: 1,
  janvier: 1,
  feb: 2,
  february: 2,
  fev: 2,
  fevr: 2,
  fevrier: 2,
  mar: 3,
  march: 3,
  mars: 3,
  apr: 4,
  april: 4,
  avr: 4,
  avril: 4,
  may: 5,
  mai: 5,
  jun: 6,
  june: 6,
  juin: 6,
  jul: 7,
  july: 7,
  juil: 7,
  juillet: 7,
  aug: 8,
  august: 8,
  aou: 8,
  aout: 8,
  sep: 9,
  sept: 9,
  september: 9,
  septembre: 9,
  oct: 10,
  october: 10,
  octobre: 10,
  nov: 11,
  november: 11,
  novembre: 11,
  dec: 12,
  december: 12,
  decembre: 12,
}; // prettier-ignore

const DATE_HELP = 'write it as DD/MM/YYYY or YYYY-MM-DD';

/**
 * A birth date as other systems write it: YYYY-MM-DD, DD/MM/YYYY (day first, as in Mauritius and
 * France; also with '-' or '.'), "14 March 1980" / "14 mars 1980", a time after it ignored.
 */
export function parseBirthDate(raw: string, today: string): CellResult<string> {
  const text = raw.trim().replace(/[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i, '');
  let date: string | undefined;
  const yearFirst = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text);
  const dayFirst = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(text);
  const spelled = /^(\d{1,2})(?:er)?\s+([a-z]+)\.?,?\s+(\d{4})$/.exec(foldName(text).replace(/ (\d{4})$/, ' $1'));
  if (yearFirst) date = calendarDate(+yearFirst[1]!, +yearFirst[2]!, +yearFirst[3]!);
  else if (dayFirst) date = calendarDate(+dayFirst[3]!, +dayFirst[2]!, +dayFirst[1]!);
  else if (spelled) {
    const month = MONTHS[spelled[2]!];
    if (month) date = calendarDate(+spelled[3]!, month, +spelled[1]!);
  } else if (/^\d{1,2}[-/.]\d{1,2}[-/.]\d{2}$/.test(text)) {
    return {
      code: 'date_invalid',
      message: `"${clip(raw)}" has a two-digit year: write the year in full (DD/MM/YYYY)`,
    };
  }
  if (!date) return { code: 'date_invalid', message: `"${clip(raw)}" is not a date: ${DATE_HELP} (day before month)` };
  if (date > today) return { code: 'date_in_future', message: `${date} is in the future` };
  if (date < '1900-01-01') return { code: 'date_too_old', message: `${date} is before 1900` };
  return { value: date };
}

const SEXES: Record<string, PatientInput['sex']> = {
  f: 'female',
  female: 'female',
  woman: 'female',
  w: 'female',
  femme: 'female',
  feminin: 'female',
  fille: 'female',
  girl: 'female',
  m: 'male',
  male: 'male',
  man: 'male',
  h: 'male',
  homme: 'male',
  masculin: 'male',
  garcon: 'male',
  boy: 'male',
  o: 'other',
  other: 'other',
  autre: 'other',
  x: 'other',
  u: 'unknown',
  unknown: 'unknown',
  inconnu: 'unknown',
  'not stated': 'unknown',
  'non precise': 'unknown',
}; // prettier-ignore

export function parseSex(raw: string): CellResult<NonNullable<PatientInput['sex']>> {
  const sex = SEXES[foldName(raw)];
  return sex
    ? { value: sex }
    : { code: 'sex_unknown', message: `"${clip(raw)}" is not a sex DentalPro knows (F, M, other; or H/F in French)` };
}

const LANGUAGES: Record<string, NonNullable<PatientInput['preferredLanguage']>> = {
  en: 'en',
  eng: 'en',
  english: 'en',
  anglais: 'en',
  'en gb': 'en',
  'en us': 'en',
  fr: 'fr',
  fra: 'fr',
  fre: 'fr',
  french: 'fr',
  francais: 'fr',
  'fr fr': 'fr',
  'fr mu': 'fr',
  mfe: 'mfe',
  kreol: 'mfe',
  creole: 'mfe',
  'kreol morisien': 'mfe',
  morisien: 'mfe',
  'mauritian creole': 'mfe',
  'creole mauricien': 'mfe',
}; // prettier-ignore

export function parseLanguage(raw: string): CellResult<NonNullable<PatientInput['preferredLanguage']>> {
  const language = LANGUAGES[foldName(raw)];
  return language
    ? { value: language }
    : {
        code: 'language_unknown',
        message: `"${clip(raw)}" is not a language DentalPro offers (English, French, Kreol)`,
      };
}

const STATUSES: Record<string, NonNullable<PatientInput['status']>> = {
  active: 'active',
  actif: 'active',
  current: 'active',
  'en cours': 'active',
  archived: 'archived',
  archive: 'archived',
  inactive: 'archived',
  inactif: 'archived',
  former: 'archived',
  ancien: 'archived',
  deceased: 'deceased',
  dead: 'deceased',
  decede: 'deceased',
  decedee: 'deceased',
  'decede e': 'deceased',
}; // prettier-ignore

export function parseStatus(raw: string): CellResult<NonNullable<PatientInput['status']>> {
  const status = STATUSES[foldName(raw)];
  return status
    ? { value: status }
    : { code: 'status_unknown', message: `"${clip(raw)}" is not a status (active, archived, deceased)` };
}

/**
 * A full name split in two: "Family, Given"; "RAMDIN Anjali" (the family name in capitals, as in
 * French lists); otherwise the last word is the family name.
 */
export function splitFullName(raw: string): { givenName: string; familyName: string } {
  const text = raw.trim().replace(/\s+/g, ' ');
  const comma = text.indexOf(',');
  if (comma >= 0) return { familyName: text.slice(0, comma).trim(), givenName: text.slice(comma + 1).trim() };
  const words = text.split(' ');
  const isCapitals = (w: string) => /\p{L}{2}/u.test(w) && w === w.toUpperCase() && w !== w.toLowerCase();
  const capitals = words.filter(isCapitals);
  if (capitals.length > 0 && capitals.length < words.length) {
    return { familyName: capitals.join(' '), givenName: words.filter((w) => !isCapitals(w)).join(' ') };
  }
  if (words.length === 1) return { givenName: '', familyName: words[0]! };
  return { givenName: words.slice(0, -1).join(' '), familyName: words.at(-1)! };
}

/** Several numbers in one cell: "5712 3456 / 212 3456". */
const splitPhones = (value: string) =>
  value
    .split(/[/;,|]|\s+(?:or|ou)\s+/i)
    .map((p) => p.trim())
    .filter((p) => !isBlank(p));

const clip = (value: string, max = 100) => (value.length > max ? `${value.slice(0, max - 1)}…` : value);

// ---------------------------------------------------------------------------------------------
// Rows

export type PreparedPatient = ReturnType<typeof preparePatient>;

export interface CheckedRow {
  row: number;
  /** The row as read, for the file of rejected rows. */
  cells: string[];
  problems: PatientImportProblem[];
  /** Set when the row has no problem: ready to insert. */
  patient?: PreparedPatient;
  /** For duplicates and reports, whatever the problems. */
  displayName: string;
}

const PHONE_KINDS = [
  { field: 'phone', label: 'mobile', isWhatsApp: false },
  { field: 'whatsApp', label: 'mobile', isWhatsApp: true },
  { field: 'homePhone', label: 'home', isWhatsApp: false },
  { field: 'workPhone', label: 'work', isWhatsApp: false },
] as const;

/** One row read and checked. `today` is 'YYYY-MM-DD' (birth dates after it are refused). */
export function checkRow(row: number, cells: string[], columns: PatientImportColumn[], today: string): CheckedRow {
  const problems: PatientImportProblem[] = [];
  const byField = new Map<PatientImportField, { column: string; value: string }[]>();
  for (const c of columns) {
    const value = cells[c.position - 1] ?? '';
    if (!c.field || isBlank(value)) continue;
    const cell = { column: columnLabel(c.header, c.position), value };
    const list = byField.get(c.field);
    if (list) list.push(cell);
    else byField.set(c.field, [cell]);
  }
  const cellsOf = (field: PatientImportField) => byField.get(field) ?? [];
  const one = (field: PatientImportField) => cellsOf(field)[0];
  const problem = (
    code: PatientImportProblemCode,
    field: PatientImportField | null,
    cell: { column: string; value: string } | undefined,
    message: string,
  ) => problems.push({ code, field, column: cell?.column ?? null, value: clip(cell?.value ?? ''), message });

  const extra = cells.slice(columns.length).filter((c) => c !== '');
  if (extra.length)
    problems.push({
      code: 'extra_cells',
      field: null,
      column: null,
      value: clip(extra.join(' | ')),
      message: `The row has ${cells.length} cells but the header names ${columns.length} columns`,
    });

  let givenName = one('givenName')?.value ?? '';
  let familyName = one('familyName')?.value ?? '';
  const fullName = one('fullName');
  if (fullName && (!givenName || !familyName)) {
    const split = splitFullName(fullName.value);
    givenName ||= split.givenName;
    familyName ||= split.familyName;
  }
  const nameCell = (field: 'givenName' | 'familyName') => {
    const column = columns.find((c) => c.field === field) ?? columns.find((c) => c.field === 'fullName');
    return (
      one(field) ??
      fullName ??
      (column ? { column: columnLabel(column.header, column.position), value: '' } : undefined)
    );
  };
  if (!givenName) problem('required', 'givenName', nameCell('givenName'), 'The given name is missing');
  if (!familyName) problem('required', 'familyName', nameCell('familyName'), 'The family name is missing');

  const input: PatientInput = { givenName, familyName };
  const preferredName = one('preferredName');
  if (preferredName) input.preferredName = preferredName.value;

  const dob = one('dateOfBirth');
  if (dob) {
    const parsed = parseBirthDate(dob.value, today);
    if ('value' in parsed) input.dateOfBirth = parsed.value;
    else problem(parsed.code, 'dateOfBirth', dob, parsed.message);
  }
  const sex = one('sex');
  if (sex) {
    const parsed = parseSex(sex.value);
    if ('value' in parsed) input.sex = parsed.value;
    else problem(parsed.code, 'sex', sex, parsed.message);
  }
  const language = one('preferredLanguage');
  if (language) {
    const parsed = parseLanguage(language.value);
    if ('value' in parsed) input.preferredLanguage = parsed.value;
    else problem(parsed.code, 'preferredLanguage', language, parsed.message);
  }
  const status = one('status');
  if (status) {
    const parsed = parseStatus(status.value);
    if ('value' in parsed) input.status = parsed.value;
    else problem(parsed.code, 'status', status, parsed.message);
  }

  const phones: NonNullable<PatientInput['phones']> = [];
  const whatsApps = new Set<string>();
  for (const kind of PHONE_KINDS) {
    for (const cell of cellsOf(kind.field)) {
      for (const number of splitPhones(cell.value)) {
        const e164 = toE164(number);
        if (!e164) {
          problem(
            'phone_invalid',
            kind.field,
            { column: cell.column, value: number },
            `"${clip(number)}" is not a valid phone number (e.g. 5712 3456 or +230 5712 3456)`,
          );
          continue;
        }
        if (kind.isWhatsApp) whatsApps.add(e164);
        const same = phones.find((p) => p.number === e164);
        if (same) same.isWhatsApp ||= kind.isWhatsApp;
        else phones.push({ number: e164, label: kind.label, isWhatsApp: kind.isWhatsApp });
      }
    }
  }
  if (whatsApps.size > 1)
    problem('several_whatsapp', 'whatsApp', one('whatsApp'), 'Only one number can be the WhatsApp number');
  if (phones.length > 10)
    problem('too_many_phones', 'phone', one('phone'), `${phones.length} phone numbers: at most 10`);
  input.phones = phones.slice(0, 10);

  const email = one('email');
  if (email) input.email = email.value;
  const address = cellsOf('address');
  if (address.length) input.address = address.map((a) => a.value).join(', ');
  const notes = cellsOf('notes');
  if (notes.length)
    input.notes = notes.length === 1 ? notes[0]!.value : notes.map((n) => `${n.column}: ${n.value}`).join('\n');

  const guardianName = one('guardianName');
  const guardianPhone = one('guardianPhone');
  if (guardianName && guardianPhone) {
    input.guardianContact = {
      name: guardianName.value,
      phone: guardianPhone.value,
      relationship: one('guardianRelationship')?.value ?? '',
    };
  } else if (guardianName || guardianPhone) {
    problem(
      'guardian_incomplete',
      guardianName ? 'guardianPhone' : 'guardianName',
      guardianName ?? guardianPhone,
      'A guardian needs both a name and a phone number',
    );
  }

  const displayName = `${givenName} ${familyName}`.trim();
  if (problems.length) return { row, cells, problems, displayName };
  try {
    return { row, cells, problems, displayName, patient: preparePatient(input) };
  } catch (err) {
    if (!(err instanceof AppError) || !err.options.errors) throw err;
    for (const e of err.options.errors) {
      const field = fieldOfPath(e.path);
      const cell = field
        ? (one(field) ?? (field === 'givenName' || field === 'familyName' ? fullName : undefined))
        : undefined;
      problem(IMPORT_PROBLEM_OF[e.code] ?? 'invalid', field, cell, e.message);
    }
    return { row, cells, problems, displayName };
  }
}

function fieldOfPath(path: string): PatientImportField | null {
  if (path.startsWith('guardianContact.phone')) return 'guardianPhone';
  if (path.startsWith('guardianContact.relationship')) return 'guardianRelationship';
  if (path.startsWith('guardianContact')) return 'guardianName';
  if (path.startsWith('phone')) return 'phone';
  const top = path.split('.')[0]!;
  return (PATIENT_FIELDS_BY_PATH as Record<string, PatientImportField>)[top] ?? null;
}

const PATIENT_FIELDS_BY_PATH = {
  givenName: 'givenName',
  familyName: 'familyName',
  preferredName: 'preferredName',
  dateOfBirth: 'dateOfBirth',
  email: 'email',
  address: 'address',
  notes: 'notes',
} as const;

/** The patient record's field errors as import problems; any other is `invalid`. */
const IMPORT_PROBLEM_OF: Partial<Record<FieldErrorCode, PatientImportProblemCode>> = {
  required: 'required',
  too_long: 'too_long',
  too_many: 'too_many_phones',
  phone_invalid: 'phone_invalid',
  one_whatsapp_number: 'several_whatsapp',
  email_invalid: 'email_invalid',
  date_invalid: 'date_invalid',
  birth_date_in_future: 'date_in_future',
};
