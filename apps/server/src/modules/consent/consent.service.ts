import {
  CONSENT_CHANNELS,
  CONSENT_PURPOSES,
  type ConsentChannel,
  type ConsentEntry,
  type ConsentHistory,
  type ConsentLanguage,
  type ConsentPurpose,
  type ConsentSource,
  type ConsentState,
  type RecordConsent,
  RecordConsent as RecordConsentSchema,
  defaultConsent,
} from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { publishEvent } from '../../platform/jobs.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { findPatientIn } from '../patients/patients.service.js';
import { staffNamesIn } from '../staff/staff.service.js';
import { consentWithdrawn } from './consent.events.js';
import { type ConsentRow, consentRowsOf, insertConsentRows, latestConsentRows } from './consent.repository.js';

/**
 * The consent ledger: every sender asks `mayContactIn` (or `contactableIn` for many patients)
 * before it queues a message, and every grant or withdrawal, whoever records it (staff at the
 * desk, a STOP on WhatsApp, the assistant's question in the chat), goes through `recordConsentIn`
 * in the caller's transaction. A withdrawal announces `consent.withdrawn`; the modules that queued
 * messages of that purpose cancel them (this module knows none of them). docs/consent.md has the
 * purposes, the defaults and why.
 */

export type { ConsentWithdrawn } from './consent.events.js';
export { consentWithdrawn } from './consent.events.js';

export interface ConsentChange {
  patientId: string;
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  granted: boolean;
  source: ConsentSource;
  /** The member who recorded it; null when the patient did it on WhatsApp. */
  actorUserId: string | null;
  /** The words shown or read to the patient (for a keyword, their message). */
  wording: string;
  language: ConsentLanguage | null;
  at: Date;
}

/**
 * Appends grants and withdrawals to the ledger, in the caller's transaction (bound to the
 * practice). Each withdrawal is announced, so that what is queued of its purpose is cancelled.
 */
export async function recordConsentIn(
  tx: Tx,
  input: { practiceId: string; changes: readonly ConsentChange[] },
): Promise<void> {
  await insertConsentRows(
    tx,
    input.changes.map((c) => ({
      practiceId: input.practiceId,
      patientId: c.patientId,
      channel: c.channel,
      purpose: c.purpose,
      granted: c.granted,
      source: c.source,
      actorUserId: c.actorUserId,
      wording: c.wording.slice(0, 4000) || '—',
      language: c.language,
      recordedAt: c.at,
    })),
  );
  for (const c of input.changes)
    if (!c.granted)
      await publishEvent(tx, consentWithdrawn, {
        practiceId: input.practiceId,
        patientId: c.patientId,
        channel: c.channel,
        purpose: c.purpose,
        source: c.source,
        at: c.at.toISOString(),
      });
}

/** Whether the practice may contact this patient on this channel for this purpose now. */
export async function mayContactIn(
  tx: Tx,
  input: { patientId: string; channel: ConsentChannel; purpose: ConsentPurpose },
): Promise<boolean> {
  return (await contactableIn(tx, { ...input, patientIds: [input.patientId] })).has(input.patientId);
}

/** Of these patients, those the practice may contact on this channel for this purpose (one query). */
export async function contactableIn(
  tx: Tx,
  input: { patientIds: readonly string[]; channel: ConsentChannel; purpose: ConsentPurpose },
): Promise<Set<string>> {
  const latest = await latestConsentRows(tx, input);
  const byPatient = new Map(latest.map((r) => [r.patientId, r.granted]));
  return new Set(input.patientIds.filter((id) => byPatient.get(id) ?? defaultConsent(input.purpose)));
}

/** The current state of each channel and purpose, from the latest rows (the default where there is none). */
export function currentStates(latest: readonly ConsentRow[]): ConsentState[] {
  return CONSENT_CHANNELS.flatMap((channel) =>
    CONSENT_PURPOSES.map((purpose) => {
      const row = latest.find((r) => r.channel === channel && r.purpose === purpose);
      return row
        ? { channel, purpose, granted: row.granted, isDefault: false, since: row.recordedAt.toISOString() }
        : { channel, purpose, granted: defaultConsent(purpose), isDefault: true, since: null };
    }),
  );
}

/** GET …/patients/:patientId/consent: the current state and every entry, newest first. */
export async function consentHistory(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patientId: string },
): Promise<ConsentHistory> {
  requirePermission(input.actor, 'consent:read');
  return inPractice(ctx.db, input.practiceId, (tx) => historyIn(tx, input.patientId));
}

/**
 * POST …/patients/:patientId/consent: staff record a grant or withdrawal with the words they read
 * to the patient. Audited (channel, purpose, granted, source; never the words).
 */
export async function recordConsentByStaff(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patientId: string; body: RecordConsent },
): Promise<ConsentHistory> {
  requirePermission(input.actor, 'consent:write');
  const body = RecordConsentSchema.parse(input.body);
  const channel = CONSENT_CHANNELS.find((c) => c === body.channel);
  const purpose = CONSENT_PURPOSES.find((p) => p === body.purpose);
  if (!channel || !purpose)
    throw new AppError('consent_kind_unknown', {
      errors: [
        ...(channel ? [] : [{ path: 'channel', code: 'invalid_value' as const, message: 'Unknown channel' }]),
        ...(purpose ? [] : [{ path: 'purpose', code: 'invalid_value' as const, message: 'Unknown purpose' }]),
      ],
    });
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    if (!(await findPatientIn(tx, input.patientId, { forShare: true }))) throw new AppError('patient_not_found');
    await recordConsentIn(tx, {
      practiceId: input.practiceId,
      changes: [
        {
          patientId: input.patientId,
          channel,
          purpose,
          granted: body.granted,
          source: body.source,
          actorUserId: input.actor.userId,
          wording: body.wording,
          language: body.language,
          at: new Date(),
        },
      ],
    });
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'consent.recorded',
      targetType: 'patient',
      targetId: input.patientId,
      changes: { channel, purpose, granted: body.granted, source: body.source },
    });
    return historyIn(tx, input.patientId);
  });
}

async function historyIn(tx: Tx, patientId: string): Promise<ConsentHistory> {
  if (!(await findPatientIn(tx, patientId))) throw new AppError('patient_not_found');
  const rows = await consentRowsOf(tx, patientId);
  const latest = rows.filter((r, i) => rows.findIndex((o) => o.channel === r.channel && o.purpose === r.purpose) === i);
  const actorIds = [...new Set(rows.map((r) => r.actorUserId).filter((id): id is string => id !== null))];
  const names = await staffNamesIn(tx, actorIds);
  const entries: ConsentEntry[] = rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    purpose: r.purpose,
    granted: r.granted,
    source: r.source,
    actorUserId: r.actorUserId,
    actorName: r.actorUserId ? (names.get(r.actorUserId)?.name ?? null) : null,
    wording: r.wording,
    language: r.language,
    recordedAt: r.recordedAt.toISOString(),
  }));
  return { patientId, current: currentStates(latest), entries };
}
