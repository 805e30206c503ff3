import type { GatheredExport } from './export.service.js';

/**
 * The whole-practice export's tables, where a table is natural: one line per patient and one per
 * appointment, from the same data as the patients' JSON. RFC 4180: fields quoted when they hold a
 * comma, a quote or a line break; UTF-8 with CRLF line ends.
 */

export function csvLine(fields: readonly unknown[]): string {
  return fields
    .map((f) => {
      const text = f === null || f === undefined ? '' : String(f);
      // A leading = + - @ would be read as a formula by a spreadsheet: a quote mark keeps it text.
      const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
      return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
    })
    .join(',');
}

const table = (header: readonly string[], rows: unknown[][]) =>
  `${[header, ...rows].map((r) => csvLine(r)).join('\r\n')}\r\n`;

type Details = {
  id?: string;
  givenName?: string;
  familyName?: string;
  preferredName?: string;
  dateOfBirth?: string | null;
  sex?: string;
  email?: string;
  address?: string;
  preferredLanguage?: string;
  status?: string;
  createdAt?: string;
};
type Phone = { number?: string; label?: string; whatsApp?: boolean };
type Appointment = {
  id?: string;
  start?: string;
  end?: string;
  status?: string;
  visitType?: string;
  provider?: string;
  chair?: string;
  bookedThrough?: string;
};

export function practiceExportCsv(gathered: readonly GatheredExport[]): { patients: string; appointments: string } {
  const patients: unknown[][] = [];
  const appointments: unknown[][] = [];
  for (const g of gathered) {
    const of = (module: string) =>
      g.modules.find((m) => m.module === module)?.data as Record<string, unknown> | undefined;
    const details = (of('patients')?.details ?? {}) as Details;
    const phones = (of('patients')?.phones ?? []) as Phone[];
    patients.push([
      g.patient.id,
      details.givenName ?? g.patient.givenName,
      details.familyName ?? g.patient.familyName,
      details.preferredName ?? '',
      details.dateOfBirth ?? g.patient.dateOfBirth ?? '',
      details.sex ?? '',
      details.email ?? '',
      phones.map((p) => `${p.number ?? ''}${p.whatsApp ? ' (WhatsApp)' : ''}`).join('; '),
      details.address ?? '',
      details.preferredLanguage ?? '',
      details.status ?? '',
      details.createdAt ?? '',
    ]);
    for (const a of (of('scheduling')?.appointments ?? []) as Appointment[])
      appointments.push([
        a.id,
        g.patient.id,
        a.start,
        a.end,
        a.status,
        a.visitType,
        a.provider,
        a.chair,
        a.bookedThrough,
      ]);
  }
  appointments.sort((a, b) => String(a[2]).localeCompare(String(b[2])));
  return {
    patients: table(
      [
        'id',
        'given_name',
        'family_name',
        'preferred_name',
        'date_of_birth',
        'sex',
        'email',
        'phones',
        'address',
        'preferred_language',
        'status',
        'created_at',
      ],
      patients,
    ),
    appointments: table(
      ['id', 'patient_id', 'start', 'end', 'status', 'visit_type', 'provider', 'chair', 'booked_through'],
      appointments,
    ),
  };
}
