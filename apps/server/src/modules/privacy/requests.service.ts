import {
  type AuditAction,
  CONSENT_CHANNELS,
  CONSENT_PURPOSES,
  PRIVACY_REQUEST_DEFAULT_DUE_MONTHS,
  type PrivacyRequest,
  type PrivacyRequestList,
  type PrivacyRequestSource,
  type PrivacyRequestState,
  type PrivacyRequestType,
  type ProposedChange,
  type VerificationMethod,
} from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { recordConsentIn } from '../consent/consent.service.js';
import { findPatientIn } from '../patients/patients.service.js';
import { staffNamesIn } from '../staff/staff.service.js';
import { fulfilDeletion } from './erasure.service.js';
import {
  type RequestRow,
  dueMonthsIn,
  findRequest,
  insertRequest,
  listRequests,
  updateRequest,
} from './requests.repository.js';

/**
 * Patients' rights requests (issue 14, deliver 1): recorded by the desk or arriving over WhatsApp
 * or email, each one's identity check written down (who, how, a note), approved or refused by an
 * owner, and closed. The state machine:
 *
 *   received → identity_verified → in_progress → fulfilled
 *   any open state → refused (with a reason; owners)
 *
 * Approving needs a verified identity (409 privacy_identity_not_verified); any other step out of
 * order is 409 privacy_request_state. Owners (privacy:approve) approve access and deletion requests;
 * the desk (privacy:requests) records and verifies, and starts and closes the other kinds.
 * Approving a deletion erases at once through erasure.service (fulfilDeletion): under a legal hold
 * nothing changes and the request stays open. Every step is audited, by ids and codes only.
 */

const OPEN: readonly PrivacyRequestState[] = ['received', 'identity_verified', 'in_progress'];
const DUE_SOON_MS = 7 * 86_400_000;

/** The answer is due this many calendar months after receipt (the same day of the month, or the month's last). */
export function dueDateFrom(receivedAt: Date, months: number): Date {
  const d = new Date(receivedAt);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

export async function createPrivacyRequest(
  ctx: AppContext,
  input: {
    actor: Actor;
    practiceId: string;
    request: {
      patientId: string;
      type: PrivacyRequestType;
      source: PrivacyRequestSource;
      receivedAt?: string;
      note: string;
      proposedChange?: ProposedChange | null;
    };
    now?: Date;
  },
): Promise<PrivacyRequest> {
  requirePermission(input.actor, 'privacy:requests');
  return inPractice(ctx.db, input.practiceId, (tx) => createPrivacyRequestIn(tx, input));
}

/** The same inside a caller's transaction bound to the practice (the WhatsApp routes). */
export async function createPrivacyRequestIn(
  tx: Tx,
  input: {
    actor: Actor;
    practiceId: string;
    request: {
      patientId: string;
      type: PrivacyRequestType;
      source: PrivacyRequestSource;
      receivedAt?: string;
      note: string;
      proposedChange?: ProposedChange | null;
    };
    now?: Date;
  },
): Promise<PrivacyRequest> {
  requirePermission(input.actor, 'privacy:requests');
  const now = input.now ?? new Date();
  const r = input.request;
  const patient = await findPatientIn(tx, r.patientId);
  if (!patient) throw new AppError('patient_not_found');
  const receivedAt = r.receivedAt ? new Date(r.receivedAt) : now;
  if (Number.isNaN(receivedAt.getTime()) || receivedAt.getTime() > now.getTime() + 5 * 60_000)
    throw new AppError('validation_failed', {
      detail: 'receivedAt: a request cannot be received in the future',
      errors: [{ path: 'receivedAt', code: 'date_in_future', message: 'This time is in the future' }],
    });
  const months = (await dueMonthsIn(tx, receivedAt)) ?? PRIVACY_REQUEST_DEFAULT_DUE_MONTHS;
  const proposedChange = r.type === 'correction' ? (r.proposedChange ?? null) : null;
  if (r.type === 'correction' && !proposedChange)
    throw new AppError('validation_failed', {
      detail: 'proposedChange: a correction request says what should change',
      errors: [{ path: 'proposedChange', code: 'required', message: 'Say what should change' }],
    });
  const row = await insertRequest(tx, {
    practiceId: input.practiceId,
    patientId: patient.id,
    type: r.type,
    source: r.source,
    receivedAt,
    dueAt: dueDateFrom(receivedAt, months),
    note: r.note,
    proposedChange,
    recordedBy: input.actor.userId,
  });
  await audit(tx, input, row, 'privacy.request_received', {
    type: row.type,
    source: row.source,
    dueAt: row.dueAt.toISOString(),
  });
  return present(tx, row, now);
}

export async function listPrivacyRequests(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patientId?: string; state: 'open' | 'closed' | 'all'; now?: Date },
): Promise<PrivacyRequestList> {
  requirePermission(input.actor, 'privacy:requests');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const rows = await listRequests(tx, { patientId: input.patientId, state: input.state });
    return { requests: await presentAll(tx, rows, input.now ?? new Date()) };
  });
}

export async function getPrivacyRequest(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; requestId: string; now?: Date },
): Promise<PrivacyRequest> {
  requirePermission(input.actor, 'privacy:requests');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await findRequest(tx, input.requestId);
    if (!row) throw new AppError('privacy_request_not_found');
    return present(tx, row, input.now ?? new Date());
  });
}

/** The desk records how it knows the person asking is the patient. */
export async function verifyRequestIdentity(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; requestId: string; method: VerificationMethod; note: string; now?: Date },
): Promise<PrivacyRequest> {
  requirePermission(input.actor, 'privacy:requests');
  const now = input.now ?? new Date();
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const before = await openForStep(tx, input.requestId, ['received'], 'verify the identity of');
    const row = await updateRequest(tx, before.id, {
      state: 'identity_verified',
      verificationMethod: input.method,
      verificationNote: input.note,
      verifiedBy: input.actor.userId,
      verifiedAt: now,
    });
    await audit(tx, input, row, 'privacy.request_identity_verified', { method: input.method });
    return present(tx, row, now);
  });
}

/**
 * The request goes ahead. Access and deletion need an owner: an access request's copy can then be
 * downloaded (export.service); a deletion is carried out at once and closed. The other kinds are
 * started by the desk and closed (fulfilled) when done.
 */
export async function approvePrivacyRequest(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; requestId: string; now?: Date },
): Promise<PrivacyRequest> {
  requirePermission(input.actor, 'privacy:requests');
  const now = input.now ?? new Date();
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const before = await findRequest(tx, input.requestId, { forUpdate: true });
    if (!before) throw new AppError('privacy_request_not_found');
    if (before.type === 'access' || before.type === 'deletion') requirePermission(input.actor, 'privacy:approve');
    if (before.state === 'received')
      throw new AppError('privacy_identity_not_verified', {
        detail: 'Verify the identity of the person asking before approving the request',
      });
    if (before.state !== 'identity_verified')
      throw new AppError('privacy_request_state', { detail: `A request that is ${before.state} cannot be approved` });
    let row = await updateRequest(tx, before.id, {
      state: 'in_progress',
      approvedBy: input.actor.userId,
      approvedAt: now,
    });
    await audit(tx, input, row, 'privacy.request_approved', { type: row.type });
    if (row.type === 'deletion') {
      const receipt = await fulfilDeletion(ctx, {
        practiceId: input.practiceId,
        patientId: row.patientId,
        requestId: row.id,
        actor: input.actor,
        now,
        tx,
      });
      row = await closeRequest(tx, row, { ...input, at: now, changes: { erasure: !!receipt } });
    }
    if (row.type === 'consent_withdrawal') {
      // Withdrawn in the consent ledger at once, on every channel and for every purpose: queued
      // reminders and messages are cancelled by the ledger's announcement.
      await recordConsentIn(tx, {
        practiceId: input.practiceId,
        changes: CONSENT_CHANNELS.flatMap((channel) =>
          CONSENT_PURPOSES.map((purpose) => ({
            patientId: row.patientId,
            channel,
            purpose,
            granted: false,
            source: 'patient_request' as const,
            actorUserId: input.actor.userId,
            wording:
              row.note.trim() || `Privacy request of ${row.receivedAt.toISOString().slice(0, 10)}: consent withdrawn`,
            language: null,
            at: now,
          })),
        ),
      });
      row = await closeRequest(tx, row, { ...input, at: now, changes: { consentWithdrawn: true } });
    }
    return present(tx, row, now);
  });
}

/** Done: the correction applied, the copy handed over, the restriction or withdrawal in place. */
export async function fulfilPrivacyRequest(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; requestId: string; now?: Date },
): Promise<PrivacyRequest> {
  requirePermission(input.actor, 'privacy:requests');
  const now = input.now ?? new Date();
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const before = await openForStep(tx, input.requestId, ['in_progress'], 'close');
    if (before.type === 'deletion')
      throw new AppError('privacy_request_state', {
        detail: 'A deletion request is closed by carrying out the erasure',
      });
    return present(tx, await closeRequest(tx, before, { ...input, at: now }), now);
  });
}

/** An owner refuses an open request, with the reason the patient will be given. */
export async function refusePrivacyRequest(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; requestId: string; reason: string; now?: Date },
): Promise<PrivacyRequest> {
  requirePermission(input.actor, 'privacy:approve');
  const now = input.now ?? new Date();
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const before = await openForStep(tx, input.requestId, OPEN, 'refuse');
    const row = await updateRequest(tx, before.id, {
      state: 'refused',
      refusedReason: input.reason,
      closedBy: input.actor.userId,
      closedAt: now,
    });
    await audit(tx, input, row, 'privacy.request_refused', { type: row.type });
    return present(tx, row, now);
  });
}

/**
 * Closes a request as done: fulfilled by whoever carried it out (null for the system, as a link's
 * download), and audited in the same transaction with its type and what `changes` adds.
 */
export async function closeRequest(
  tx: Tx,
  row: RequestRow,
  details: { actor: Actor; practiceId: string; at: Date; changes?: Record<string, unknown> },
): Promise<RequestRow> {
  const closed = await updateRequest(tx, row.id, {
    state: 'fulfilled',
    closedBy: details.actor.userId,
    closedAt: details.at,
  });
  await audit(tx, details, closed, 'privacy.request_fulfilled', { type: closed.type, ...details.changes });
  return closed;
}

/** The request, locked, if it is in one of `states`; else 404 or 409 privacy_request_state. */
export async function openForStep(
  tx: Tx,
  requestId: string,
  states: readonly PrivacyRequestState[],
  what: string,
): Promise<RequestRow> {
  const row = await findRequest(tx, requestId, { forUpdate: true });
  if (!row) throw new AppError('privacy_request_not_found');
  if (!states.includes(row.state as PrivacyRequestState))
    throw new AppError('privacy_request_state', { detail: `Cannot ${what} a request that is ${row.state}` });
  return row;
}

export async function requestAudit(
  tx: Tx,
  input: { actor: Actor; practiceId: string },
  row: RequestRow,
  action: AuditAction,
  changes: Record<string, unknown>,
) {
  await audit(tx, input, row, action, changes);
}

async function audit(
  tx: Tx,
  input: { actor: Actor; practiceId: string },
  row: RequestRow,
  action: AuditAction,
  changes: Record<string, unknown>,
) {
  await recordAudit(tx, {
    practiceId: input.practiceId,
    actor: input.actor,
    action,
    targetType: 'patient',
    targetId: row.patientId,
    changes: { requestId: row.id, ...changes },
  });
}

async function present(tx: Tx, row: RequestRow, now: Date): Promise<PrivacyRequest> {
  const [one] = await presentAll(tx, [row], now);
  return one!;
}

async function presentAll(tx: Tx, rows: RequestRow[], now: Date): Promise<PrivacyRequest[]> {
  const staffIds = rows.flatMap((r) => [r.recordedBy, r.verifiedBy, r.approvedBy].filter((id): id is string => !!id));
  const names = await staffNamesIn(tx, [...new Set(staffIds)]);
  const patients = new Map<string, string>();
  for (const id of new Set(rows.map((r) => r.patientId))) {
    const p = await findPatientIn(tx, id);
    patients.set(id, p ? `${p.givenName} ${p.familyName}`.trim() : '');
  }
  const ref = (id: string | null) => (id ? { id, name: names.get(id)?.name ?? '' } : null);
  return rows.map((r) => {
    const open = OPEN.includes(r.state as PrivacyRequestState);
    return {
      id: r.id,
      patient: { id: r.patientId, name: patients.get(r.patientId) ?? '' },
      type: r.type as PrivacyRequestType,
      source: r.source as PrivacyRequestSource,
      state: r.state as PrivacyRequestState,
      receivedAt: r.receivedAt.toISOString(),
      dueAt: r.dueAt.toISOString(),
      overdue: open && r.dueAt.getTime() < now.getTime(),
      dueSoon: open && r.dueAt.getTime() >= now.getTime() && r.dueAt.getTime() - now.getTime() <= DUE_SOON_MS,
      note: r.note,
      proposedChange: (r.proposedChange as ProposedChange | null) ?? null,
      recordedBy: ref(r.recordedBy),
      verification:
        r.verificationMethod && r.verifiedAt
          ? {
              method: r.verificationMethod as VerificationMethod,
              note: r.verificationNote ?? '',
              by: ref(r.verifiedBy),
              at: r.verifiedAt.toISOString(),
            }
          : null,
      approvedBy: ref(r.approvedBy),
      approvedAt: r.approvedAt ? r.approvedAt.toISOString() : null,
      refusedReason: r.refusedReason,
      closedAt: r.closedAt ? r.closedAt.toISOString() : null,
      exportReady: r.type === 'access' && !!r.approvedAt && r.state !== 'refused',
    };
  });
}
