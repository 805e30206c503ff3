import type { ConsentChannel, ConsentLanguage, ConsentPurpose, ConsentSource } from '@dentalpro/contracts';
import type { Tx } from '../../platform/tenancy.js';

/** SQL of the consent ledger (consent_events); rows are only ever added (and moved on a merge). */

export interface ConsentRow {
  id: string;
  patientId: string;
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  granted: boolean;
  source: ConsentSource;
  actorUserId: string | null;
  wording: string;
  language: ConsentLanguage | null;
  recordedAt: Date;
}

const COLUMNS = [
  'id',
  'patientId',
  'channel',
  'purpose',
  'granted',
  'source',
  'actorUserId',
  'wording',
  'language',
  'recordedAt',
] as const;

export interface NewConsentRow {
  practiceId: string;
  patientId: string;
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  granted: boolean;
  source: ConsentSource;
  actorUserId: string | null;
  wording: string;
  language: ConsentLanguage | null;
  recordedAt: Date;
}

export async function insertConsentRows(tx: Tx, rows: readonly NewConsentRow[]): Promise<ConsentRow[]> {
  if (rows.length === 0) return [];
  return tx.insertInto('consentEvents').values(rows).returning(COLUMNS).execute();
}

/** The latest row of each (patient, channel, purpose) of these patients, optionally of one channel and purpose. */
export async function latestConsentRows(
  tx: Tx,
  input: { patientIds: readonly string[]; channel?: ConsentChannel; purpose?: ConsentPurpose },
): Promise<ConsentRow[]> {
  if (input.patientIds.length === 0) return [];
  let query = tx
    .selectFrom('consentEvents')
    .select(COLUMNS)
    .distinctOn(['patientId', 'channel', 'purpose'])
    .where('patientId', 'in', [...new Set(input.patientIds)]);
  if (input.channel) query = query.where('channel', '=', input.channel);
  if (input.purpose) query = query.where('purpose', '=', input.purpose);
  return query
    .orderBy('patientId')
    .orderBy('channel')
    .orderBy('purpose')
    .orderBy('recordedAt', 'desc')
    .orderBy('seq', 'desc')
    .execute();
}

/** Every row of one patient, newest first. */
export async function consentRowsOf(tx: Tx, patientId: string): Promise<ConsentRow[]> {
  return tx
    .selectFrom('consentEvents')
    .select(COLUMNS)
    .where('patientId', '=', patientId)
    .orderBy('recordedAt', 'desc')
    .orderBy('seq', 'desc')
    .execute();
}

export async function moveConsentRows(tx: Tx, input: { fromPatientId: string; toPatientId: string }): Promise<void> {
  await tx
    .updateTable('consentEvents')
    .set({ patientId: input.toPatientId })
    .where('patientId', '=', input.fromPatientId)
    .execute();
}

/** The retention job's end of these patients' ledgers (rows counted, not removed, in a dry run). */
export async function purgeConsentRows(tx: Tx, input: { patientIds: readonly string[]; dryRun: boolean }) {
  if (input.patientIds.length === 0) return 0;
  const ids = [...input.patientIds];
  if (input.dryRun) {
    const row = await tx
      .selectFrom('consentEvents')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('patientId', 'in', ids)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
  const result = await tx.deleteFrom('consentEvents').where('patientId', 'in', ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}
