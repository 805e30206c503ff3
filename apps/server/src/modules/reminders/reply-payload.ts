import { REMINDER_PAYLOAD_PREFIX } from '@dentalpro/contracts';
import { hmacSha256, safeEqual } from '../../platform/crypto.js';

/**
 * The quick-reply payloads of a reminder: the action, the appointments it was about with the start
 * each had then, and a signature binding them to the practice, so that a payload typed or altered
 * by anyone but us is never acted on. `rm1.<action>.<appointment>:<start>~….<signature>`, short
 * enough for Meta's payload limit with a family's three appointments.
 */

export type ReplyAction = 'confirm' | 'reschedule' | 'cancel';
export interface RemindedAppointment {
  appointmentId: string;
  /** The start it had when reminded: a Confirm for a time that has moved since is not taken. */
  start: Date;
}
export interface ReplyPayload {
  action: ReplyAction;
  appointments: RemindedAppointment[];
}

const ACTION_CODES: Record<ReplyAction, string> = { confirm: 'c', reschedule: 'r', cancel: 'x' };
const ACTIONS = new Map(Object.entries(ACTION_CODES).map(([action, code]) => [code, action as ReplyAction]));
const SIGNATURE_BYTES = 16;

/** The signing key, derived from the server's secret for this purpose only. */
export const replyKeyOf = (serverSecret: string) => hmacSha256(serverSecret, 'dentalpro:reminder-replies:v1');

const uuidToText = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex').toString('base64url');
function textToUuid(text: string): string | null {
  const hex = Buffer.from(text, 'base64url').toString('hex');
  if (hex.length !== 32 || Buffer.from(hex, 'hex').toString('base64url') !== text) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function signatureOf(key: Buffer, practiceId: string, body: string): Buffer {
  return hmacSha256(key, `${practiceId}|${body}`).subarray(0, SIGNATURE_BYTES);
}

export function signReplyPayload(key: Buffer, practiceId: string, payload: ReplyPayload): string {
  const items = payload.appointments
    .map((a) => `${uuidToText(a.appointmentId)}:${Math.floor(a.start.getTime() / 60_000).toString(36)}`)
    .join('~');
  const body = `${ACTION_CODES[payload.action]}.${items}`;
  return `${REMINDER_PAYLOAD_PREFIX}${body}.${signatureOf(key, practiceId, body).toString('base64url')}`;
}

/** The payload, when it is one of ours for this practice and unaltered; null otherwise. */
export function readReplyPayload(key: Buffer, practiceId: string, text: string): ReplyPayload | null {
  if (!text.startsWith(REMINDER_PAYLOAD_PREFIX) || text.length > 400) return null;
  const parts = text.slice(REMINDER_PAYLOAD_PREFIX.length).split('.');
  if (parts.length !== 3) return null;
  const [code, items, signature] = parts as [string, string, string];
  const given = Buffer.from(signature, 'base64url');
  if (!safeEqual(given, signatureOf(key, practiceId, `${code}.${items}`))) return null;
  const action = ACTIONS.get(code);
  if (!action) return null;
  const appointments: RemindedAppointment[] = [];
  for (const item of items.split('~')) {
    const [id, minutes] = item.split(':');
    const appointmentId = id ? textToUuid(id) : null;
    const start = minutes ? Number.parseInt(minutes, 36) : Number.NaN;
    if (!appointmentId || !Number.isFinite(start)) return null;
    appointments.push({ appointmentId, start: new Date(start * 60_000) });
  }
  return appointments.length > 0 ? { action, appointments } : null;
}
