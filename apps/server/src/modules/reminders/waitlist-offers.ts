import { randomUUID } from 'node:crypto';
import type { AppointmentType } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { systemActor } from '../../platform/access.js';
import { cancelJob, enqueueJob } from '../../platform/jobs.js';
import { type PracticeFacts, type Tx, inPractice, practiceFactsIn } from '../../platform/tenancy.js';
import { contactableIn } from '../consent/consent.service.js';
import { wakeOutbox } from '../messaging/assistant-channel.service.js';
import { numberOptedOutIn, queueTemplateToNumberIn } from '../messaging/outreach.service.js';
import { whatsappContactsIn } from '../patients/contacts.service.js';
import { type AppointmentFacts, appointmentFactsIn, slotStillFreeIn } from '../scheduling/appointment-facts.service.js';
import { unavailableDuringIn } from '../scheduling/unavailability.service.js';
import { listAppointmentTypes } from '../scheduling/appointment-types.service.js';
import { moveWaitlistEntriesIn, waitlistMatchesIn } from '../scheduling/waitlist.service.js';
import { offerKeyOf, signOfferPayload } from './offer-payload.js';
import { quietHoursEnd } from './reminder-rules.js';
import { languagesFor } from './sending.js';
import { reminderSettingsIn } from './settings.service.js';
import { OFFER_ROUND_JOB, offerRoundKey } from './waitlist-offer-jobs.js';
import {
  type OfferRow,
  entriesWithOpenOffers,
  insertOffer,
  lockFreedTime,
  offersOfFreedTime,
  selectOfferSettings,
  setOfferStates,
} from './waitlist-offers.repository.js';

/**
 * Waitlist offers: an appointment cancelled with its time still ahead frees that time, and the
 * waiting patients it suits (scheduling's waitlistMatchesIn: type, provider, preferred days and
 * hours, dates) who may be contacted on WhatsApp (the consent ledger's `appointments` purpose: they
 * asked for the list) are offered it, oldest entry first, a few at a time. Each round of one freed
 * time runs under that time's lock: offers past their time lapse (their entries wait again), and
 * while the time is free and far enough ahead, open offers are topped up to the practice's batch
 * size; the next round is a job keyed by the time, due when the earliest open offer lapses. A round
 * run twice finds its offers made and sends nothing again (one offer per time and entry; the
 * message's idempotency key is the same pair).
 */

export const OFFER_TEMPLATE = 'waitlist_offer';
/** A time this close is no longer offered: nobody could plan to come. */
export const MIN_NOTICE_MS = 60 * 60_000;
export const OFFER_ACTOR = systemActor('whatsapp waitlist offer');

/** One round of offers of a freed time; returns how many were sent. */
export async function offerFreedTime(
  ctx: AppContext,
  input: { practiceId: string; freedAppointmentId: string; now: Date },
): Promise<number> {
  // The visit types' names (for the message) come first: on embedded PGlite one transaction may
  // not wait for another of the same process.
  const types = await listAppointmentTypes(ctx, { actor: OFFER_ACTOR, practiceId: input.practiceId });
  const sent = await inPractice(ctx.db, input.practiceId, (tx) => roundIn(ctx, tx, { ...input, types }));
  if (sent > 0) wakeOutbox(ctx);
  return sent;
}

async function roundIn(
  ctx: AppContext,
  tx: Tx,
  input: { practiceId: string; freedAppointmentId: string; now: Date; types: AppointmentType[] },
): Promise<number> {
  const { practiceId, freedAppointmentId, now } = input;
  await lockFreedTime(tx, freedAppointmentId);
  const freed = (await appointmentFactsIn(tx, [freedAppointmentId])).get(freedAppointmentId);
  if (freed?.status !== 'cancelled') return 0;
  const offers = await offersOfFreedTime(tx, freedAppointmentId);
  await lapseOffers(tx, practiceId, offers, now);
  if (offers.some((o) => o.state === 'accepted')) return 0;
  const open = offers.filter((o) => o.state === 'offered' && o.expiresAt > now);

  if (!(await slotStillFreeIn(tx, freed)) || (await unavailableDuringIn(tx, { practiceId, ...freed }))) {
    // The desk booked the time meanwhile, or it is closed (a closure announcement cancelled it):
    // those still deciding will hear it has gone when they tap.
    await goneOffers(tx, practiceId, open, now);
    return 0;
  }
  const settings = await selectOfferSettings(tx, practiceId);
  const practice = await practiceFactsIn(tx, practiceId);
  const lastChance = freed.start.getTime() - MIN_NOTICE_MS;
  if (!settings.enabled || !practice || now.getTime() >= lastChance) return 0;
  // Inside the practice's quiet hours, the next offers wait for their end (if the time is still ahead then).
  const { quietHours } = await reminderSettingsIn(tx, practiceId);
  const quietEnd = quietHoursEnd(now, quietHours, practice.timeZone);
  if (quietEnd) {
    if (quietEnd.getTime() < lastChance) await queueRound(tx, practiceId, freedAppointmentId, quietEnd, open);
    return 0;
  }

  const made: OfferRow[] = [];
  const room = settings.batchSize - open.length;
  if (room > 0) {
    const candidates = await waitlistMatchesIn(tx, {
      practiceId,
      slot: freed,
      leaveOut: {
        entryIds: offers.map((o) => o.waitlistEntryId),
        // Whoever gave the time up, and whoever was offered it already (under another entry).
        patientIds: [...(freed.patientId ? [freed.patientId] : []), ...offers.map((o) => o.patientId)],
      },
    });
    const expiresAt = new Date(Math.min(now.getTime() + settings.offerMinutes * 60_000, freed.start.getTime()));
    const type = input.types.find((t) => t.id === freed.appointmentTypeId);
    for (const candidate of await reachable(tx, practiceId, candidates)) {
      if (made.length >= room) break;
      if (made.some((m) => m.patientId === candidate.patientId)) continue;
      const offer = await sendOffer(ctx, tx, { practiceId, practice, freed, type, candidate, expiresAt });
      if (offer) made.push(offer);
    }
  }
  await queueRound(tx, practiceId, freedAppointmentId, null, [...open, ...made]);
  return made.length;
}

/** Offers past their time lapse; their entries wait again (unless another offer of theirs is open). */
async function lapseOffers(tx: Tx, practiceId: string, offers: OfferRow[], now: Date) {
  const due = offers.filter((o) => o.state === 'offered' && o.expiresAt <= now);
  const lapsed = await setOfferStates(tx, {
    offerIds: due.map((o) => o.id),
    from: ['offered'],
    to: 'lapsed',
    at: now,
  });
  // The caller goes on with the list as it is now.
  for (const o of offers) if (lapsed.some((l) => l.id === o.id)) o.state = 'lapsed';
  await releaseEntries(
    tx,
    practiceId,
    lapsed.map((o) => o.waitlistEntryId),
  );
}

/** The time was taken: offers still open are gone, and their patients wait for another time. */
export async function goneOffers(tx: Tx, practiceId: string, open: OfferRow[], now: Date) {
  const gone = await setOfferStates(tx, {
    offerIds: open.map((o) => o.id),
    from: ['offered'],
    to: 'gone',
    at: now,
  });
  await releaseEntries(
    tx,
    practiceId,
    gone.map((o) => o.waitlistEntryId),
  );
}

/** Entries offered a time that did not become theirs wait again, unless another offer of theirs is still open. */
export async function releaseEntries(tx: Tx, practiceId: string, entryIds: string[]) {
  const stillOffered = await entriesWithOpenOffers(tx, entryIds);
  await moveWaitlistEntriesIn(tx, {
    practiceId,
    actor: OFFER_ACTOR,
    entryIds: entryIds.filter((id) => !stillOffered.has(id)),
    from: ['offered'],
    to: 'waiting',
  });
}

/** The next round: when quiet hours end, else when the earliest open offer lapses; none when nothing is open. */
async function queueRound(tx: Tx, practiceId: string, freedAppointmentId: string, at: Date | null, open: OfferRow[]) {
  const runAt = at ?? (open.length > 0 ? new Date(Math.min(...open.map((o) => o.expiresAt.getTime()))) : null);
  const key = offerRoundKey(freedAppointmentId);
  if (runAt) await enqueueJob(tx, OFFER_ROUND_JOB, { practiceId, freedAppointmentId }, { key, runAt });
  else await cancelJob(tx, key);
}

interface Candidate {
  id: string;
  patientId: string;
}

/** The candidates, in their order, who can be written to: active, with a WhatsApp number, willing, not opted out. */
async function reachable(tx: Tx, practiceId: string, candidates: Candidate[]) {
  const patientIds = candidates.map((c) => c.patientId);
  const contacts = await whatsappContactsIn(tx, patientIds);
  const willing = await contactableIn(tx, { patientIds, channel: 'whatsapp', purpose: 'appointments' });
  const found = [];
  for (const c of candidates) {
    const contact = contacts.get(c.patientId);
    if (!contact?.active || !contact.e164 || !willing.has(c.patientId)) continue;
    if (await numberOptedOutIn(tx, { practiceId, e164: contact.e164 })) continue;
    found.push({ ...c, contact: { ...contact, e164: contact.e164 } });
  }
  return found;
}

/** One offer: the template queued to the patient's number, the offer recorded, the entry marked offered. */
async function sendOffer(
  ctx: AppContext,
  tx: Tx,
  input: {
    practiceId: string;
    practice: PracticeFacts;
    freed: AppointmentFacts;
    type: AppointmentType | undefined;
    candidate: Awaited<ReturnType<typeof reachable>>[number];
    expiresAt: Date;
  },
): Promise<OfferRow | null> {
  const { practiceId, practice, freed, candidate } = input;
  const offerId = randomUUID();
  const key = offerKeyOf(ctx.config.sessionSecret);
  const result = await queueTemplateToNumberIn(tx, {
    masterKey: ctx.config.encryptionKey,
    practiceId,
    e164: candidate.contact.e164,
    patientId: candidate.patientId,
    templateName: OFFER_TEMPLATE,
    languages: languagesFor(candidate.contact.language, practice.defaultLanguage),
    parameters: (language) => {
      const when = offeredWhen(freed.start, practice.timeZone, language);
      const visit = language === 'fr' ? input.type?.nameFr : input.type?.nameEn;
      return {
        1: candidate.contact.firstName,
        2: (visit ?? (language === 'fr' ? 'rendez-vous' : 'appointment')).toLowerCase(),
        3: practice.name,
        4: when.day,
        5: when.time,
      };
    },
    payloads: (['take', 'decline'] as const).map((answer) => signOfferPayload(key, practiceId, { answer, offerId })),
    idempotencyKey: `waitlist-offer:${freed.id}:${candidate.id}`,
    // Held by the daily messaging limit until the offer has lapsed, it is not sent: the time is someone else's by then.
    sendBy: input.expiresAt,
  });
  // No number connected, no approved template, opted out since: this patient is passed over.
  if (result.kind !== 'queued') return null;
  const offer = {
    id: offerId,
    freedAppointmentId: freed.id,
    waitlistEntryId: candidate.id,
    patientId: candidate.patientId,
    appointmentTypeId: freed.appointmentTypeId,
    providerId: freed.providerId,
    chairId: freed.chairId,
    slotStart: freed.start,
    slotEnd: freed.end,
    expiresAt: input.expiresAt,
    messageId: result.messageId,
  };
  await insertOffer(tx, { practiceId, ...offer });
  await moveWaitlistEntriesIn(tx, {
    practiceId,
    actor: OFFER_ACTOR,
    entryIds: [candidate.id],
    from: ['waiting'],
    to: 'offered',
  });
  return { ...offer, state: 'offered', appointmentId: null, stateAt: new Date() };
}

/** The day and the time of an offered visit, on the practice's clock, in the message's language. */
export function offeredWhen(at: Date, timeZone: string, language: string): { day: string; time: string } {
  const locale = language === 'fr' ? 'fr-FR' : 'en-GB';
  const day = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long' }).format(at);
  const time = new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  return { day, time };
}
