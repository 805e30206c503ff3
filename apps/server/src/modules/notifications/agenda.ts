/**
 * A provider's day as their daily agenda tells it: pure, so the summary's content is tested apart
 * from the job that sends it. In the app the patient's full name; on WhatsApp the first name and the
 * family name's initial, and the lines cut short to fit one template parameter. A medical alert is a
 * flag only: what it says is never read here.
 */

export interface AgendaAppointment {
  appointmentId: string;
  start: Date;
  end: Date;
  patient: { givenName: string; familyName: string };
  visitType: { en: string; fr: string };
  chairName: string;
  newPatient: boolean;
  medicalAlert: boolean;
}

export interface AgendaSummary {
  count: number;
  firstStart: Date;
  lastStart: Date;
  /** Soonest first. */
  lines: AgendaAppointment[];
}

/** The day's summary; null for a day with no appointments (nothing is sent). */
export function summariseDay(appointments: readonly AgendaAppointment[]): AgendaSummary | null {
  if (appointments.length === 0) return null;
  const lines = [...appointments].sort(
    (a, b) => a.start.getTime() - b.start.getTime() || a.appointmentId.localeCompare(b.appointmentId),
  );
  return { count: lines.length, firstStart: lines[0]!.start, lastStart: lines[lines.length - 1]!.start, lines };
}

/** The patient's full name, as the calendar shows it. */
export const fullName = (patient: AgendaAppointment['patient']) =>
  `${patient.givenName} ${patient.familyName}`.replace(/\s+/g, ' ').trim();

/** "Aisha R.": the first given name and the family name's initial (WhatsApp leaves the app). */
export function shortName(patient: AgendaAppointment['patient']): string {
  const first = patient.givenName.trim().split(/\s+/)[0] ?? '';
  const initial = [...patient.familyName.trim()][0];
  return initial ? `${first} ${initial.toUpperCase()}.` : first;
}

export type AgendaLanguage = 'en' | 'fr';

const WORDS = {
  en: { newPatient: 'new patient', medicalAlert: 'medical alert', more: (n: number) => `and ${n} more in DentalPro` },
  fr: {
    newPatient: 'nouveau patient',
    medicalAlert: 'alerte médicale',
    more: (n: number) => `et ${n} autre${n > 1 ? 's' : ''} dans DentalPro`,
  },
} as const;

/** Room for the list in one template parameter (Meta's body holds 1,024 characters with the text around it). */
export const WHATSAPP_LIST_MAX = 640;

const clockOf = (language: AgendaLanguage, timeZone: string) =>
  new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });

/** One appointment on one line: "08:30 Aisha R. (Check-up, Chair 1, new patient, medical alert)". */
export function agendaLine(
  line: AgendaAppointment,
  options: { language: AgendaLanguage; timeZone: string; names: 'full' | 'short' },
): string {
  const words = WORDS[options.language];
  const name = options.names === 'full' ? fullName(line.patient) : shortName(line.patient);
  const details = [
    line.visitType[options.language],
    line.chairName,
    ...(line.newPatient ? [words.newPatient] : []),
    ...(line.medicalAlert ? [words.medicalAlert] : []),
  ];
  return `${clockOf(options.language, options.timeZone).format(line.start)} ${name} (${details.join(', ')})`;
}

/**
 * The `daily_agenda` template's values: {{1}} the provider, {{2}} the practice, {{3}} the day,
 * {{4}} how many, {{5}} the first start, {{6}} the last start, {{7}} the lines ("; " between them,
 * as WhatsApp allows no line breaks in a parameter), cut to WHATSAPP_LIST_MAX with how many more.
 */
export function agendaTemplateValues(
  summary: AgendaSummary,
  input: { language: AgendaLanguage; timeZone: string; providerName: string; practiceName: string },
): Record<string, string> {
  const { language, timeZone } = input;
  const clock = clockOf(language, timeZone);
  const day = new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
  }).format(summary.firstStart);
  const lines = summary.lines.map((l) => agendaLine(l, { language, timeZone, names: 'short' }));
  let shown = lines.length;
  const listOf = (n: number) =>
    [...lines.slice(0, n), ...(n < lines.length ? [WORDS[language].more(lines.length - n)] : [])].join('; ');
  while (shown > 0 && listOf(shown).length > WHATSAPP_LIST_MAX) shown--;
  return {
    '1': oneLine(input.providerName),
    '2': oneLine(input.practiceName),
    '3': day,
    '4': String(summary.count),
    '5': clock.format(summary.firstStart),
    '6': clock.format(summary.lastStart),
    '7': oneLine(listOf(shown)),
  };
}

/** Template parameters allow no line breaks, tabs or long runs of spaces. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
