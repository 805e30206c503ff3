import { AppError } from './errors.js';
import type { Actor } from './access.js';
import type { Tx } from './tenancy.js';

/**
 * What a module that keeps rows about patients promises the rest of the system. The patients
 * module loops over the list for a merge or a death, and the privacy work will for export,
 * erasure and retention, without knowing any other module's tables. Every function runs inside
 * the caller's transaction, already bound to the practice.
 */
export interface DataOwner {
  /** The module's name, as in docs/architecture.md. */
  module: string;
  /** A merge: this module's rows of `fromPatientId` now belong to `toPatientId`. */
  movePatient(tx: Tx, input: { practiceId: string; fromPatientId: string; toPatientId: string }): Promise<void>;
  /**
   * A death was recorded by `actor`. Returns facts for the audit event of that change (for
   * example the appointments it cancelled), or nothing.
   */
  onPatientDeceased(
    tx: Tx,
    input: { practiceId: string; patientId: string; actor: Actor; now: Date },
  ): Promise<Record<string, unknown> | undefined>;
  /** Everything this module holds about the patient, for a copy of their data. */
  exportPatient(tx: Tx, input: { practiceId: string; patientId: string }): Promise<unknown>;
  /** Erases what may be erased at once; says what is kept, why and until when. */
  erasePatient(tx: Tx, input: { practiceId: string; patientId: string; actor: Actor }): Promise<unknown>;
  /** How long each kind of this module's data is kept. */
  retention(): DataRetention[];
}

export interface DataRetention {
  category: string;
  keptFor: string;
  why: string;
}

/** For a part of a data owner that the privacy work has not built yet. */
export function notImplemented(what: string): never {
  throw new AppError('not_implemented', { detail: `${what} is not built yet` });
}
