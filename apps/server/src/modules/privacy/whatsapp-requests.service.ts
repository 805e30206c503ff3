import { PRIVACY_REQUEST_DEFAULT_DUE_MONTHS, type PrivacyRequestType } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { findPatientIn } from '../patients/patients.service.js';
import { dueMonthsIn } from './requests.repository.js';
import { findWhatsAppRequest, insertWhatsAppRequestOnce } from './whatsapp-requests.repository.js';
import { dueDateFrom, requestAudit } from './requests.service.js';

/**
 * A rights request a patient wrote on WhatsApp, recorded for the patient(s) it is for: by privacy's
 * listener while the booking assistant is off, and once the patient has confirmed it to the
 * assistant while it is on (both in requests.whatsapp.ts). Either way it is recorded once per patient, kind and
 * message: the message's time is the request's receipt (the legal clock starts when the patient
 * wrote, not when they confirmed), and a unique index keeps a second one out.
 */

const NOTE_MAX = 2000;

export interface WhatsAppRightsRequest {
  actor: Actor;
  practiceId: string;
  /** The patients it is for: the one the patient chose, or every patient of the number. */
  patientIds: readonly string[];
  type: Exclude<PrivacyRequestType, 'consent_withdrawal'>;
  /** The patient's own words, kept with the request for the desk. */
  words: string;
  /** When the patient wrote the request. */
  receivedAt: Date;
  /** The number is shared by several patients (the note says so). */
  sharedNumber: boolean;
  now?: Date;
}

/** Records the request; returns its due date (the same for each patient) and the requests' ids. */
export async function recordWhatsAppRightsRequestIn(
  tx: Tx,
  input: WhatsAppRightsRequest,
): Promise<{ dueAt: Date; requestIds: string[] }> {
  requirePermission(input.actor, 'privacy:requests');
  if (input.patientIds.length === 0) throw new AppError('patient_not_found');
  const now = input.now ?? new Date();
  // A message stamped a moment ahead of this server's clock is received now, not in the future.
  const receivedAt = new Date(Math.min(input.receivedAt.getTime(), now.getTime()));
  const dueAt = dueDateFrom(receivedAt, (await dueMonthsIn(tx, receivedAt)) ?? PRIVACY_REQUEST_DEFAULT_DUE_MONTHS);
  const words = input.words.trim();
  const asked = input.sharedNumber
    ? 'Asked on WhatsApp, from a number shared by several patients'
    : 'Asked on WhatsApp';
  const note = clip(words ? `${asked}: “${words}”` : asked, NOTE_MAX);
  const requestIds: string[] = [];
  let answeredDue = dueAt;
  for (const patientId of new Set(input.patientIds)) {
    const patient = await findPatientIn(tx, patientId);
    if (!patient) throw new AppError('patient_not_found');
    const row = await insertWhatsAppRequestOnce(tx, {
      practiceId: input.practiceId,
      patientId: patient.id,
      type: input.type,
      receivedAt,
      dueAt,
      note,
      // The desk reads what should change in the patient's words and fills in the rest with them.
      proposedChange:
        input.type === 'correction'
          ? { field: 'As the patient wrote on WhatsApp', proposedValue: clip(words || '…', NOTE_MAX) }
          : null,
      recordedBy: input.actor.userId,
    });
    if (row) {
      await requestAudit(tx, input, row, 'privacy.request_received', {
        type: row.type,
        source: row.source,
        dueAt: row.dueAt.toISOString(),
      });
      requestIds.push(row.id);
      continue;
    }
    const existing = await findWhatsAppRequest(tx, { patientId: patient.id, type: input.type, receivedAt });
    if (existing) {
      requestIds.push(existing.id);
      answeredDue = existing.dueAt;
    }
  }
  return { dueAt: answeredDue, requestIds };
}

/** The same in its own transaction (the assistant's command). */
export async function recordWhatsAppRightsRequest(
  ctx: AppContext,
  input: WhatsAppRightsRequest,
): Promise<{ dueAt: Date; requestIds: string[] }> {
  return inPractice(ctx.db, input.practiceId, (tx) => recordWhatsAppRightsRequestIn(tx, input));
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
