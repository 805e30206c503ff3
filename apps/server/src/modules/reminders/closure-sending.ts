import { TZDate } from '@date-fns/tz';
import type { ClosureCallReason, ClosureReason } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, systemActor } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { type PracticeFacts, type Tx, inPractice, practiceFactsIn } from '../../platform/tenancy.js';
import { contactableIn } from '../consent/consent.service.js';
import { wakeOutbox } from '../messaging/assistant-channel.service.js';
import { numberOptedOutIn, queueTemplateToNumberIn } from '../messaging/outreach.service.js';
import { type WhatsAppContact, whatsappContactsIn } from '../patients/contacts.service.js';
import { appointmentFactsIn } from '../scheduling/appointment-facts.service.js';
import { cancelAppointment } from '../scheduling/appointments.service.js';
import {
  type AnnouncementRow,
  type ItemRow,
  lockItems,
  markMessaged,
  markNotMessaged,
  selectAnnouncement,
  selectItems,
} from './closure-announcements.repository.js';
import { closureKeyOf, signClosurePayload } from './closure-payload.js';
import { languagesFor } from './sending.js';

/**
 * The announcement's job: first the affected appointments still booked are cancelled (reason
 * "practice closed", as the desk would), then each patient is told. Patients sharing a number (a
 * family) get one message naming each of their visits. A patient without a WhatsApp number, an
 * active record, consent to appointment messages, or whose number opted out is not messaged: the
 * line says why and the desk calls. Quiet hours do not hold these back: the owner sends them on
 * purpose, and the patient must hear before they set out.
 *
 * At most once per number: each number's items are locked, checked still pending and marked
 * messaged in the transaction that queues the message, whose idempotency key is the announcement
 * and the number; a job run again (a crash, a retry) finds them messaged and sends nothing.
 */

export const TEMPLATE = 'practice_closure';

/** Cancels the affected appointments still booked or confirmed (the owner's request does it, and the job again). */
export async function cancelAffectedAppointments(
  ctx: AppContext,
  input: { practiceId: string; announcementId: string; actor?: Actor },
): Promise<number> {
  const { practiceId } = input;
  const read = await inPractice(ctx.db, practiceId, async (tx) => {
    const announcement = await selectAnnouncement(tx, input.announcementId);
    const items = await selectItems(tx, [input.announcementId]);
    const facts = await appointmentFactsIn(
      tx,
      items.map((i) => i.appointmentId),
    );
    const open = items.filter((i) => {
      const status = facts.get(i.appointmentId)?.status;
      return status === 'booked' || status === 'confirmed';
    });
    return { announcement, open };
  });
  if (!read.announcement) return 0;
  let cancelled = 0;
  for (const item of read.open) {
    try {
      await cancelAppointment(ctx, {
        actor: input.actor ?? systemActor('closure announcement'),
        practiceId,
        appointmentId: item.appointmentId,
        reason: CANCELLATION_REASONS[read.announcement.reason],
        source: 'staff',
      });
      cancelled++;
    } catch (err) {
      // Cancelled, or moved on, meanwhile (the request and the job race): nothing left to do.
      if (!(err instanceof AppError && err.code === 'invalid_status_transition')) throw err;
    }
  }
  return cancelled;
}

const CANCELLATION_REASONS: Record<ClosureReason, string> = {
  weather: 'Practice closed (cyclone or weather warning)',
  power_cut: 'Practice closed (power cut)',
  dentist_ill: 'Dentist unwell',
  other: 'Practice closed',
};

interface NumberGroup {
  e164: string;
  items: { item: ItemRow; contact: WhatsAppContact }[];
}

export interface AnnounceOutcome {
  messaged: number;
  notMessaged: number;
}

/** The job's handler (and tests): safe to run again, after a crash too. */
export async function announceClosure(
  ctx: AppContext,
  input: { practiceId: string; announcementId: string },
): Promise<AnnounceOutcome> {
  const { practiceId } = input;
  await cancelAffectedAppointments(ctx, input);
  const plan = await inPractice(ctx.db, practiceId, (tx) => planMessages(tx, input));
  if (!plan) return { messaged: 0, notMessaged: 0 };
  let messaged = 0;
  for (const group of plan.groups) {
    if (await inPractice(ctx.db, practiceId, (tx) => sendToNumber(ctx, tx, { ...plan, group }))) messaged++;
  }
  if (messaged > 0) wakeOutbox(ctx);
  return { messaged, notMessaged: plan.notMessaged };
}

/** Who is told on which number; those who cannot be told are recorded with the reason. */
async function planMessages(tx: Tx, input: { practiceId: string; announcementId: string }) {
  const announcement = await selectAnnouncement(tx, input.announcementId);
  const practice = await practiceFactsIn(tx, input.practiceId);
  if (!announcement || !practice) return null;
  const pending = (await selectItems(tx, [announcement.id])).filter((i) => i.state === 'pending');
  const patientIds = pending.map((i) => i.patientId);
  const contacts = await whatsappContactsIn(tx, patientIds);
  const willing = await contactableIn(tx, { patientIds, channel: 'whatsapp', purpose: 'appointments' });
  const groups = new Map<string, NumberGroup>();
  const notMessaged = new Map<ClosureCallReason, string[]>();
  const skip = (reason: ClosureCallReason, item: ItemRow) =>
    notMessaged.set(reason, [...(notMessaged.get(reason) ?? []), item.id]);
  for (const item of pending) {
    const contact = contacts.get(item.patientId);
    if (!contact?.active) skip('patient_unavailable', item);
    else if (!contact.e164) skip('no_whatsapp_number', item);
    else if (!willing.has(item.patientId)) skip('no_consent', item);
    else {
      const group = groups.get(contact.e164) ?? { e164: contact.e164, items: [] };
      group.items.push({ item, contact });
      groups.set(contact.e164, group);
    }
  }
  for (const [reason, ids] of notMessaged) await markNotMessaged(tx, ids, reason);
  return {
    practiceId: input.practiceId,
    announcement,
    practice,
    groups: [...groups.values()],
    notMessaged: [...notMessaged.values()].reduce((n, ids) => n + ids.length, 0),
  };
}

/** One number's message, in its own transaction: its items locked and still pending, queued once. */
async function sendToNumber(
  ctx: AppContext,
  tx: Tx,
  input: { practiceId: string; announcement: AnnouncementRow; practice: PracticeFacts; group: NumberGroup },
): Promise<boolean> {
  const { practiceId, announcement, practice, group } = input;
  const locked = await lockItems(
    tx,
    group.items.map((g) => g.item.id),
  );
  const stillPending = new Set(locked.filter((i) => i.state === 'pending').map((i) => i.id));
  const visits = group.items
    .filter((g) => stillPending.has(g.item.id))
    .sort((a, b) => a.item.startsAt.getTime() - b.item.startsAt.getTime());
  if (visits.length === 0) return false;
  const ids = visits.map((v) => v.item.id);
  if (await numberOptedOutIn(tx, { practiceId, e164: group.e164 })) {
    await markNotMessaged(tx, ids, 'opted_out');
    return false;
  }
  const key = closureKeyOf(ctx.config.sessionSecret);
  const first = visits[0]!;
  const result = await queueTemplateToNumberIn(tx, {
    masterKey: ctx.config.encryptionKey,
    practiceId,
    e164: group.e164,
    patientId: new Set(visits.map((v) => v.item.patientId)).size === 1 ? first.item.patientId : null,
    templateName: TEMPLATE,
    languages: languagesFor(first.contact.language, practice.defaultLanguage),
    parameters: (language) => templateValues(language, practice, announcement, visits),
    payloads: (['new_time', 'call_me'] as const).map((answer) =>
      signClosurePayload(key, practiceId, { answer, itemId: first.item.id }),
    ),
    idempotencyKey: `closure:${announcement.id}:${group.e164}`,
    // Held by the daily messaging limit past the first cancelled visit's start, it is not sent: the desk phones instead.
    sendBy: first.item.startsAt,
  });
  if (result.kind !== 'queued') {
    await markNotMessaged(tx, ids, result.kind);
    return false;
  }
  await markMessaged(tx, ids, result.messageId);
  return true;
}

/** The reason as patients read it (the template puts it in brackets). */
const REASON_WORDS: Record<ClosureReason, Record<'en' | 'fr', string>> = {
  weather: { en: 'cyclone or weather warning', fr: 'alerte cyclonique ou météo' },
  power_cut: { en: 'power cut', fr: 'coupure de courant' },
  dentist_ill: { en: 'your dentist is unwell', fr: 'votre dentiste est souffrant' },
  other: { en: 'the practice is closed', fr: 'le cabinet est fermé' },
};

/** Everyone's first name, the day, each time (whose, for a family; with the day when they differ), the reason. */
function templateValues(
  language: string,
  practice: PracticeFacts,
  announcement: AnnouncementRow,
  visits: readonly { item: ItemRow; contact: WhatsAppContact }[],
): Record<string, string> {
  const lang = language === 'fr' ? 'fr' : 'en';
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const and = lang === 'fr' ? 'et' : 'and';
  const list = (items: string[]) =>
    items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`;
  const names = [...new Set(visits.map((v) => v.contact.firstName))];
  const dayOf = (d: Date) =>
    new Intl.DateTimeFormat(locale, {
      timeZone: practice.timeZone,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
    }).format(d);
  const clock = new Intl.DateTimeFormat(locale, {
    timeZone: practice.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const localDay = (d: Date) => new TZDate(d.getTime(), practice.timeZone).toDateString();
  const oneDay = new Set(visits.map((v) => localDay(v.item.startsAt))).size === 1;
  const shortDay = new Intl.DateTimeFormat(locale, { timeZone: practice.timeZone, weekday: 'short', day: 'numeric' });
  const timeOf = (v: (typeof visits)[number]) =>
    `${oneDay ? '' : `${shortDay.format(v.item.startsAt)} `}${clock.format(v.item.startsAt)}`;
  const time =
    visits.length === 1 ? timeOf(visits[0]!) : list(visits.map((v) => `${timeOf(v)} (${v.contact.firstName})`));
  const note = announcement.reason === 'other' ? announcement.note.replace(/\s+/g, ' ').trim() : '';
  return {
    '1': list(names),
    '2': practice.name,
    '3': dayOf(visits[0]!.item.startsAt),
    '4': time,
    '5': note || REASON_WORDS[announcement.reason][lang],
  };
}
