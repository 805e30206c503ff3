import type { AppContext } from '../../context.js';
import { AppError } from '../../platform/errors.js';
import { cancelJob, publishEvent } from '../../platform/jobs.js';
import { inPractice } from '../../platform/tenancy.js';
import type { InboundMessageStored } from '../messaging/messaging.events.js';
import { appointmentFactsIn } from '../scheduling/appointment-facts.service.js';
import { confirmHold, holdSlot, releaseHold } from '../scheduling/holds.service.js';
import { moveWaitlistEntriesIn } from '../scheduling/waitlist.service.js';
import type { OfferPayload } from './offer-payload.js';
import { readOwnTap } from './own-tap.js';
import { waitlistOfferAccepted } from './reminders.events.js';
import { offerRoundKey } from './waitlist-offer-jobs.js';
import { OFFER_ACTOR, goneOffers, offerFreedTime, offeredWhen, releaseEntries } from './waitlist-offers.js';
import {
  type OfferRow,
  findOffer,
  lockFreedTime,
  offersOfFreedTime,
  recordOfferHold,
  setOfferStates,
} from './waitlist-offers.repository.js';

/**
 * A patient's tap on a waitlist offer's button (a listener of messaging's inboundMessageStored; the
 * assistant and the reminders' own replies leave `rm1.wo.` taps alone). A payload we did not sign
 * for this practice, or an offer made to someone not on this number, is never acted on.
 *
 * "Take it" books the time through the calendar's hold and confirmation, which settle a race: of
 * two patients tapping at once, one hold is refused (slot_taken) and that patient is told the time
 * has gone; so is anyone who taps after an acceptance, or after the desk booked the time. The
 * acceptance then marks the offer accepted (one per freed time: a unique index), the others still
 * open gone, the waitlist entry booked, and announces it (the desk's notification). "No thanks"
 * declines, and the next patient is offered the time at once.
 */

type Lang = 'en' | 'fr';

export async function answerWaitlistOfferReply(ctx: AppContext, event: InboundMessageStored): Promise<void> {
  const { practiceId } = event;
  const tap = await readOwnTap(ctx, event, 'offer', {
    actor: OFFER_ACTOR,
    // The offer, when it was made to a patient on this number; answered in the language of the
    // patient it was made to (the practice's when that is not one of the number's).
    own: async (tx, { payload, patientIds }) => {
      const offer = await findOffer(tx, payload.offerId);
      return { subject: offer && patientIds.has(offer.patientId) ? offer : null, speakerId: offer?.patientId };
    },
  });
  if (!tap) return;
  const t = TEXTS[tap.language];
  const { payload, subject: offer, say } = tap;
  const when = offeredWhen(offer.slotStart, tap.timeZone, tap.language);
  const outcome = await answer(ctx, { practiceId, payload, offer, now: new Date() });
  await say(
    outcome === 'booked'
      ? t.booked(when.day, when.time)
      : outcome === 'gone'
        ? t.gone(when.day, when.time)
        : t.declined,
  );
}

type Outcome = 'booked' | 'gone' | 'declined';

async function answer(
  ctx: AppContext,
  input: { practiceId: string; payload: OfferPayload; offer: OfferRow; now: Date },
): Promise<Outcome> {
  const { practiceId, offer, now } = input;
  if (input.payload.answer === 'decline') {
    const declined = await inPractice(ctx.db, practiceId, async (tx) => {
      await lockFreedTime(tx, offer.freedAppointmentId);
      const [changed] = await setOfferStates(tx, { offerIds: [offer.id], from: ['offered'], to: 'declined', at: now });
      if (changed) await releaseEntries(tx, practiceId, [changed.waitlistEntryId]);
      return (await findOffer(tx, offer.id))?.state;
    });
    if (declined === 'accepted') return 'booked';
    // The next patient hears of the time now, not when this offer would have lapsed.
    await offerFreedTime(ctx, { practiceId, freedAppointmentId: offer.freedAppointmentId, now });
    return 'declined';
  }
  return takeTime(ctx, { practiceId, offerId: offer.id, now });
}

/** "Take it": the recipe — still open? → hold → keep the hold's id → confirm → record the acceptance. */
async function takeTime(ctx: AppContext, input: { practiceId: string; offerId: string; now: Date }): Promise<Outcome> {
  const { practiceId, offerId, now } = input;
  const start = await inPractice(ctx.db, practiceId, async (tx) => {
    const offer = await findOffer(tx, offerId);
    if (!offer) return 'gone' as const;
    await lockFreedTime(tx, offer.freedAppointmentId);
    const all = await offersOfFreedTime(tx, offer.freedAppointmentId);
    const mine = all.find((o) => o.id === offerId)!;
    if (mine.state === 'accepted') return 'booked' as const;
    // Booked by this patient already, by a tap whose last step did not finish: that booking is theirs.
    if (mine.appointmentId && (await bookedAsOffered(tx, mine))) return mine;
    if (mine.state === 'gone' || all.some((o) => o.state === 'accepted') || mine.slotStart <= now) {
      await goneOffers(tx, practiceId, [mine], now);
      return 'gone' as const;
    }
    return mine;
  });
  if (start === 'booked' || start === 'gone') return start;
  const offer = start;

  let appointmentId = offer.appointmentId;
  if (!appointmentId || !(await inPractice(ctx.db, practiceId, (tx) => bookedAsOffered(tx, offer)))) {
    appointmentId = await holdAndConfirm(ctx, practiceId, offer, now);
    if (!appointmentId) {
      await inPractice(ctx.db, practiceId, async (tx) => {
        await lockFreedTime(tx, offer.freedAppointmentId);
        await goneOffers(tx, practiceId, [offer], now);
      });
      return 'gone';
    }
  }
  await recordAcceptance(ctx, { practiceId, offer, appointmentId, now });
  return 'booked';
}

/** Whether the offer's appointment is booked at the offered time (a tap retried after the calendar booked it). */
async function bookedAsOffered(tx: Parameters<typeof appointmentFactsIn>[0], offer: OfferRow): Promise<boolean> {
  if (!offer.appointmentId) return false;
  const booked = (await appointmentFactsIn(tx, [offer.appointmentId])).get(offer.appointmentId);
  return (
    !!booked &&
    (booked.status === 'booked' || booked.status === 'confirmed') &&
    booked.patientId === offer.patientId &&
    booked.start.getTime() === offer.slotStart.getTime()
  );
}

/**
 * The calendar's hold and confirmation of the offered time; null when the calendar refuses it (taken,
 * closed since, the provider gone). Booked as the desk's (source `staff`): the practice put the
 * patient on the list for this visit, so the type's rules for patients booking themselves on
 * WhatsApp (bookable there, notice) do not apply.
 */
async function holdAndConfirm(ctx: AppContext, practiceId: string, offer: OfferRow, now: Date): Promise<string | null> {
  const refused = (err: unknown) => {
    if (!(err instanceof AppError)) throw err;
    return null;
  };
  const hold = await holdSlot(ctx, {
    actor: OFFER_ACTOR,
    practiceId,
    hold: {
      appointmentTypeId: offer.appointmentTypeId,
      providerId: offer.providerId,
      chairId: offer.chairId,
      start: offer.slotStart,
      end: offer.slotEnd,
      source: 'staff',
      patientId: offer.patientId,
    },
    now,
  }).catch(refused);
  if (!hold) return null;
  await inPractice(ctx.db, practiceId, (tx) => recordOfferHold(tx, offer.id, hold.id));
  const booked = await confirmHold(ctx, { actor: OFFER_ACTOR, practiceId, holdId: hold.id, now }).catch(refused);
  if (!booked) {
    await releaseHold(ctx, { actor: OFFER_ACTOR, practiceId, holdId: hold.id }).catch(refused);
    return null;
  }
  return booked.id;
}

/** The acceptance: this offer accepted, the others still open gone, the entry booked, no more rounds, the desk told. */
async function recordAcceptance(
  ctx: AppContext,
  input: { practiceId: string; offer: OfferRow; appointmentId: string; now: Date },
): Promise<void> {
  const { practiceId, offer, appointmentId, now } = input;
  await inPractice(ctx.db, practiceId, async (tx) => {
    await lockFreedTime(tx, offer.freedAppointmentId);
    const [accepted] = await setOfferStates(tx, {
      offerIds: [offer.id],
      from: ['offered', 'lapsed', 'declined', 'gone'],
      to: 'accepted',
      at: now,
      appointmentId,
    });
    // Recorded by an earlier run of this tap.
    if (!accepted) return;
    const others = (await offersOfFreedTime(tx, offer.freedAppointmentId)).filter(
      (o) => o.state === 'offered' && o.id !== offer.id,
    );
    await goneOffers(tx, practiceId, others, now);
    await moveWaitlistEntriesIn(tx, {
      practiceId,
      actor: OFFER_ACTOR,
      entryIds: [offer.waitlistEntryId],
      from: ['waiting', 'offered'],
      to: 'booked',
    });
    await cancelJob(tx, offerRoundKey(offer.freedAppointmentId));
    await publishEvent(tx, waitlistOfferAccepted, {
      practiceId,
      offerId: offer.id,
      appointmentId,
      patientId: offer.patientId,
      providerId: offer.providerId,
    });
  });
}

/** What the patient reads (Creole speakers read French, as with the offer's template). */
const TEXTS: Record<
  Lang,
  {
    booked: (day: string, time: string) => string;
    gone: (day: string, time: string) => string;
    declined: string;
  }
> = {
  en: {
    booked: (day, time) => `It is yours! Your appointment is booked for ${day} at ${time}. See you then.`,
    gone: (day, time) =>
      `Sorry, the time on ${day} at ${time} has just been taken. You stay on our waiting list, and we will write when another time opens.`,
    declined: 'No problem. You stay on our waiting list, and we will write when another time opens.',
  },
  fr: {
    booked: (day, time) => `C’est à vous ! Votre rendez-vous est réservé le ${day} à ${time}. À bientôt.`,
    gone: (day, time) =>
      `Désolés, le créneau du ${day} à ${time} vient d’être pris. Vous restez sur notre liste d’attente et nous vous écrirons dès qu’un autre se libère.`,
    declined: 'Entendu. Vous restez sur notre liste d’attente et nous vous écrirons dès qu’un autre créneau se libère.',
  },
};
