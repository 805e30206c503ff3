import type { DataOwner, DataRetention, RetentionAnchor } from '../../platform/data-owners.js';
import { AppError } from '../../platform/errors.js';
import { minorsRecordsKeptUntil } from '../../platform/retention-dates.js';

/**
 * The retention rules as the data owners declare them, and the arithmetic of when a patient's time
 * is up. Pure: no database, so the dates can be tested on their own.
 */

export const DAY_MS = 86_400_000;

/** A category with a period the job enforces, and the module that keeps it. */
export interface DeclaredRule {
  owner: DataOwner;
  category: string;
  description: string;
  keptFor: string;
  why: string;
  defaultDays: number;
  floorDays: number;
  from: RetentionAnchor;
  tiedTo: 'patient' | 'time';
  anyHoldStops?: boolean;
}

export interface DeclaredRetention {
  rules: DeclaredRule[];
  /** Categories with no period of their own (they go with what they belong to). */
  others: (DataRetention & { module: string })[];
  /** Modules whose declaration is not built yet: the job leaves their data alone and says so. */
  undeclared: string[];
}

/** Every owner's declarations; an owner that has not declared yet is listed as such, not an error. */
export function declaredRetention(owners: readonly DataOwner[]): DeclaredRetention {
  const out: DeclaredRetention = { rules: [], others: [], undeclared: [] };
  for (const owner of owners) {
    let declared: DataRetention[];
    try {
      declared = owner.retention();
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_implemented') {
        out.undeclared.push(owner.module);
        continue;
      }
      throw err;
    }
    for (const d of declared) {
      if (d.rule) out.rules.push({ owner, ...d, ...d.rule });
      else out.others.push({ ...d, module: owner.module });
    }
  }
  return out;
}

/** What the job knows of one patient when it works out whether their time is up. */
export interface PatientClock {
  /** Their latest visit that took place (the calendar's), or one recorded at their erasure. */
  lastVisitAt: Date | null;
  /** A visit still to come: the patient is being cared for, nothing of theirs is due. */
  nextAppointmentAt: Date | null;
  dateOfBirth: string | null;
  /** When the record was made: what a patient never seen counts from. */
  createdAt: Date;
  /** A 25th birthday recorded at an erasure (the date of birth may be gone since): not due before it. */
  notBefore?: Date | null;
}

/**
 * When a patient's data under a rule tied to the patient falls due, or null when it does not
 * (a visit is still to come), or undefined when the rule counts from something the job cannot know
 * per patient (it then leaves the category alone).
 *
 * From the last visit: `days` after it (after the record's creation for a patient never seen); a
 * patient who was a minor at that visit, not before their 25th birthday either (the platform's
 * `minorsRecordsKeptUntil`, the rule every module keeps).
 */
export function patientDueAt(
  patient: PatientClock,
  rule: { days: number; from: RetentionAnchor },
): Date | null | undefined {
  if (rule.from === 'created') return new Date(patient.createdAt.getTime() + rule.days * DAY_MS);
  if (rule.from !== 'last_visit') return undefined;
  if (patient.nextAppointmentAt) return null;
  const base = patient.lastVisitAt ?? patient.createdAt;
  let due = new Date(base.getTime() + rule.days * DAY_MS);
  const minorUntil = minorsRecordsKeptUntil(patient.dateOfBirth, base.toISOString().slice(0, 10));
  if (minorUntil && new Date(`${minorUntil}T00:00:00Z`) > due) due = new Date(`${minorUntil}T00:00:00Z`);
  if (patient.notBefore && patient.notBefore > due) due = patient.notBefore;
  return due;
}

/** The practice's period for a rule: its own choice when it made one, else the default. */
export function effectiveDays(rule: DeclaredRule, chosen: ReadonlyMap<string, number>): number {
  return chosen.get(rule.category) ?? rule.defaultDays;
}

/** The date (YYYY-MM-DD) an instant falls on in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** The hour (0–23) an instant falls in, in a time zone. */
export function localHour(at: Date, timeZone: string): number {
  const hour = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(at);
  return Number(hour);
}
