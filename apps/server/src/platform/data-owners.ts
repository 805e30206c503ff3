import { AppError } from './errors.js';
import type { Actor } from './access.js';
import { type FileStore, fileStoreOf } from './file-store.js';
import type { Tx } from './tenancy.js';

/**
 * What a module that keeps rows about patients promises the rest of the system. The patients
 * module loops over the list for a merge or a death; the privacy module loops over it for a copy
 * of a patient's data, an erasure, the retention job and the record of processing, without knowing
 * any other module's tables. Every function runs inside the caller's transaction, already bound
 * to the practice.
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
  /**
   * Everything this module holds about the patient, for a copy of their data: one entry per
   * kind of data (a list of rows, or one object), as plain JSON (times as ISO strings, clinical
   * text decrypted, file contents as separate `files`). Nothing of any other patient.
   */
  exportPatient(tx: Tx, input: { practiceId: string; patientId: string; stores: SealedStores }): Promise<PatientExport>;
  /**
   * A deletion request: erases at once what may be erased (or anonymises what the practice's
   * figures need), and says what is kept, why and until when. Safe to run twice.
   */
  erasePatient(
    tx: Tx,
    input: { practiceId: string; patientId: string; actor: Actor; now?: Date; stores: SealedStores },
  ): Promise<ErasureOutcome>;
  /** The kinds of data this module keeps and how long: the retention rules and the record of processing are built from these. */
  retention(): DataRetention[];
  /**
   * The retention job: removes (or anonymises) the rows of one of this module's categories that
   * are past their time. Rows tied to a patient are touched only for `patientIds` (the job has
   * worked out whose time is up, holds excluded); rows tied to a time are those older than
   * `before`. Idempotent; with `dryRun` it only counts.
   */
  purge?(tx: Tx, input: PurgeInput): Promise<{ count: number }>;
}

/** A copy of one module's data about one patient. `files` are attachments to add to the archive as they are. */
export interface PatientExport {
  [kind: string]: unknown;
  files?: ExportedFile[];
}

export interface ExportedFile {
  /** The path inside the archive, under the module's folder: `documents/2026-03-01-xray.png`. */
  name: string;
  read(): Promise<Buffer> | Buffer;
}

/** A phrase in each language a patient's erasure receipt may be written in. */
export interface Words {
  en: string;
  fr: string;
}

export interface ErasureOutcome {
  /** Rows erased or anonymised, by kind. */
  erased: Record<string, number>;
  /** What is kept, why, and until when (an ISO date; null: for as long as the rule that keeps it says, worked out by the retention job). */
  kept: { kind: string; why: Words; until: string | null }[];
  /** What each kind named in `erased` and `kept` is called on the patient's receipt. */
  labels: Record<string, Words>;
}

/** An erasure that found nothing of the patient's. */
export const NOTHING_HELD: ErasureOutcome = { erased: {}, kept: [], labels: {} };

/** What a retention period counts from. */
export type RetentionAnchor =
  | 'last_visit' // the patient's last visit (clinical records; minors until the later of 25 years of age and this)
  | 'last_message' // the last message of the conversation
  | 'created' // the row's own time
  | 'expiry'; // the end of the row's life (a session's expiry)

export interface DataRetention {
  /** Stable key: `clinical_records`, `whatsapp_messages`, `webhook_payloads`, … */
  category: string;
  /** In words, for the record of processing and the retention report. */
  description: string;
  keptFor: string;
  why: string;
  /**
   * A period the retention job enforces, in days, that a practice may lengthen but not shorten
   * below `floorDays`. Absent: the data lives and dies with what it belongs to (no rule of its own).
   */
  rule?: {
    defaultDays: number;
    floorDays: number;
    from: RetentionAnchor;
    tiedTo: 'patient' | 'time';
    /** A legal hold on any patient of the practice keeps the whole category (it cannot be split by patient). */
    anyHoldStops?: boolean;
  };
}

export interface PurgeInput {
  practiceId: string;
  category: string;
  /** For rules tied to a time: rows older than this go. */
  before: Date;
  /** For rules tied to a patient: whose data is due (legal holds already left out). */
  patientIds: readonly string[];
  /** Patients under a legal hold: never touched, whatever the rule. */
  heldPatientIds: readonly string[];
  dryRun: boolean;
  now: Date;
  stores: SealedStores;
}

/**
 * What opens a practice's sealed data (clinical notes, documents, WhatsApp media) and where its
 * files are: an export decrypts with these, an erasure or a purge deletes files from the store.
 */
export interface SealedStores {
  encryptionKey: Buffer;
  files: FileStore;
}

/** The sealed stores of this configuration, for a caller of the data owners. */
export const sealedStoresOf = (ctx: { config: { encryptionKey: Buffer; dataDir: string } }): SealedStores => ({
  encryptionKey: ctx.config.encryptionKey,
  files: fileStoreOf(ctx),
});

/** For a part of a data owner that the privacy work has not built yet. */
export function notImplemented(what: string): never {
  throw new AppError('not_implemented', { detail: `${what} is not built yet` });
}
