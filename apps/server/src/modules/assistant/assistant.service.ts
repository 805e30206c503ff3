import { type MessageContent, isSignedTap } from '@dentalpro/contracts';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { systemActor } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { cancelJob, enqueueJob, publishEvent } from '../../platform/jobs.js';
import { recordConsentIn } from '../consent/consent.service.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { listPriceList } from '../clinical/price-list.service.js';
import {
  handOverToStaff,
  ownerNow,
  queueAssistantReplies,
  readInboundForAssistant,
  recordWhatsAppOptIn,
  recordWhatsAppOptOut,
  wakeOutbox,
} from '../messaging/assistant-channel.service.js';
import type { InboundMessageStored } from '../messaging/messaging.events.js';
import { getPractice } from '../practices/practices.service.js';
import {
  checkDraftForDuplicates,
  createPatient,
  findPatientsByPhone,
  patientLanguageIn,
} from '../patients/patients.service.js';
import { listAppointmentTypes } from '../scheduling/appointment-types.service.js';
import {
  cancelAppointment,
  confirmHold,
  getAppointment,
  holdSlot,
  moveAppointment,
  releaseHold,
  upcomingAppointmentsIn,
} from '../scheduling/appointments.service.js';
import { findAvailability } from '../scheduling/availability.service.js';
import { listProviders } from '../scheduling/providers.service.js';
import { getOpeningHours } from '../scheduling/settings.service.js';
import {
  type OfferRow,
  findOffer,
  recordConsent,
  releaseLease,
  saveAndRelease,
  storeOffers,
  takeLease,
} from './assistant.repository.js';
import { rightsRequestConfirmed } from './assistant.events.js';
import type { Command, CommandResult, Facts, Input, Language, OfferedTime, Reply, State } from './assistant.types.js';
import { spreadTimes } from './offered-times.js';
import { startBookingFor, step } from './conversation.js';
import { languageFor } from './conversation-language.js';
import { type AssistantSettingsRow, assistantSettingsIn } from './settings.service.js';
import { understand } from './understanding/understand.js';

/**
 * The assistant's runtime: it answers each stored patient message (a listener of messaging's
 * inboundMessageStored) in three short phases, so that no transaction waits on another module's:
 *
 * 1. take the conversation (a lease on its row: one message of a patient at a time), unless the
 *    assistant is off, a person owns the conversation, or the message was answered already;
 * 2. read the facts, run the conversation's steps, and carry out their commands through the
 *    calendar's and the patients' services (each its own transaction, each safe to repeat: a
 *    handler that crashes here runs again from the stored state, and the services settle it —
 *    a confirmed hold is not confirmed twice, a cancelled appointment stays cancelled);
 * 3. in one transaction: queue the replies (idempotent per message), hand over or record an
 *    opt-out, plan the idle expiry, store the state and give the lease back.
 */

const ACTOR = systemActor('assistant');
/** How long a handler waits for another one of the same conversation before leaving it to a retry. */
const BUSY_WAIT_MS = 10_000;
const BUSY_POLL_MS = 50;
/** The conversation runs at most this many steps for one message (a command's result is a step). */
const MAX_STEPS = 6;
/** Patients may look this far ahead at once (the availability search's own limit). */
const MAX_RANGE_MS = 31 * 86_400_000;

const expiryKey = (conversationId: string) => `assistant.expire:${conversationId}`;

/** The idle expiry of one conversation (assistant.jobs.ts runs it with expireConversation). */
export const EXPIRE_JOB = {
  name: 'assistant.expire',
  schema: z.object({ practiceId: z.uuid(), conversationId: z.uuid() }),
};

interface Taken {
  settings: AssistantSettingsRow;
  conversation: NonNullable<Awaited<ReturnType<typeof readInboundForAssistant>>>['conversation'];
  message: NonNullable<Awaited<ReturnType<typeof readInboundForAssistant>>>['message'] | null;
  state: State;
  updatedAt: Date;
  /** The number's patients and their coming visits, read in the same transaction. */
  number: Awaited<ReturnType<typeof numberFacts>>;
}

/** The listener of inboundMessageStored. */
export async function answerWithAssistant(ctx: AppContext, event: InboundMessageStored): Promise<void> {
  // A tap on a reminder's, recall's or waitlist offer's button is the reminders module's to answer
  // (it may ask us, see answerReminderTap), one on privacy's invitation privacy's: left without
  // taking the conversation.
  if (isSignedTap(event.choiceId)) return;
  const taken = await takeConversation(ctx, {
    practiceId: event.practiceId,
    conversationId: event.conversationId,
    messageId: event.messageId,
  });
  if (!taken?.message) return;
  const { settings, conversation, message } = taken;
  const now = new Date();
  // The same for an announcement queued before it carried the tap's id.
  if (message.content.type === 'choice' && isSignedTap(message.content.choiceId)) {
    await inPractice(ctx.db, event.practiceId, (tx) => releaseLease(tx, conversation.id));
    return;
  }
  try {
    const known = { settings, number: taken.number, offers: new Map<string, OfferRow>() };
    let world = await readFacts(ctx, {
      practiceId: event.practiceId,
      e164: conversation.e164,
      language: taken.state.language,
      now,
      known,
    });
    let state = taken.state;
    const replies: Reply[] = [];
    const later: Command[] = [];
    // A flow left idle past the expiry starts afresh (the expiry job will have said so).
    const idleMs = settings.idleMinutes * 60_000;
    if (state.name !== 'idle' && now.getTime() - taken.updatedAt.getTime() > idleMs) {
      const expired = await runSteps(ctx, world, conversation, state, { kind: 'expired' }, later);
      state = expired.state; // its words were sent by the expiry job, or are not worth sending now
    }
    const input = await inputOf(ctx, {
      practiceId: event.practiceId,
      conversationId: conversation.id,
      content: message.content,
      messageId: message.id,
      at: message.occurredAt,
      state,
      world,
    });
    // Visit types and prices are named in the answer's language, known only once the message is read
    // (a French record or text on a conversation that spoke English so far): read them again in it.
    const speaks = languageFor(state, input, world.facts);
    if ((speaks !== 'en') !== world.namesInFrench) {
      world = await readFacts(ctx, {
        practiceId: event.practiceId,
        e164: conversation.e164,
        language: speaks,
        now,
        known,
      });
    }
    const result = await runSteps(ctx, world, conversation, state, input, later);
    replies.push(...result.replies);
    await finish(ctx, {
      practiceId: event.practiceId,
      conversation,
      state: result.state,
      replies,
      later,
      handledMessageId: message.id,
      idempotencyKey: `assistant:${message.id}`,
      idleMs,
      now,
    });
  } catch (err) {
    await inPractice(ctx.db, event.practiceId, (tx) => releaseLease(tx, conversation.id)).catch(() => {});
    throw err;
  }
}

/** The expiry job: a conversation left mid-flow gets a polite restart note, and its hold is let go. */
export async function expireConversation(
  ctx: AppContext,
  input: { practiceId: string; conversationId: string },
): Promise<void> {
  const taken = await takeConversation(ctx, { ...input, messageId: null });
  if (!taken) return;
  const now = new Date();
  const idleMs = taken.settings.idleMinutes * 60_000;
  if (taken.state.name === 'idle' || now.getTime() - taken.updatedAt.getTime() < idleMs - 1000) {
    await inPractice(ctx.db, input.practiceId, (tx) => releaseLease(tx, input.conversationId));
    return;
  }
  try {
    const world = await readFacts(ctx, {
      practiceId: input.practiceId,
      e164: taken.conversation.e164,
      language: taken.state.language,
      now,
      known: { settings: taken.settings, number: taken.number },
    });
    const later: Command[] = [];
    const result = await runSteps(ctx, world, taken.conversation, taken.state, { kind: 'expired' }, later);
    await finish(ctx, {
      practiceId: input.practiceId,
      conversation: taken.conversation,
      state: result.state,
      replies: result.replies,
      later,
      handledMessageId: null,
      idempotencyKey: `assistant:expired:${input.conversationId}:${taken.updatedAt.getTime()}`,
      idleMs,
      now,
    });
  } catch (err) {
    await inPractice(ctx.db, input.practiceId, (tx) => releaseLease(tx, input.conversationId)).catch(() => {});
    throw err;
  }
}

/**
 * A patient tapped Reschedule or Cancel on a reminder: the conversation enters that flow for the
 * appointment(s) the reminder named, as if the patient had asked in words (with several, the
 * patient is asked which one). `assistant_off`: the practice has the assistant switched off (the
 * caller hands the patient to a person); `not_taken`: a person has the conversation, or the tap
 * was answered already.
 */
export async function answerReminderTap(
  ctx: AppContext,
  input: {
    practiceId: string;
    conversationId: string;
    messageId: string;
    goal: 'reschedule' | 'cancel';
    appointmentIds: readonly string[];
  },
): Promise<'answered' | 'assistant_off' | 'not_taken'> {
  return withTakenConversation(ctx, input, async ({ world, conversation, state, later }) => {
    // The request, as the menu row for it would make it; then the appointment, when the flow asks which.
    let result = await runSteps(
      ctx,
      world,
      conversation,
      state,
      { kind: 'choice', id: `menu:${input.goal}`, title: '' },
      later,
    );
    const named = input.appointmentIds.filter((id) => world.facts.upcoming.some((a) => a.id === id));
    if (result.state.name === 'choosing_appointment' && named.length === 1)
      result = await runSteps(
        ctx,
        world,
        conversation,
        result.state,
        { kind: 'choice', id: `appt:${named[0]}`, title: '' },
        later,
      );
    return result;
  });
}

/**
 * A patient tapped "Book now" on a message the practice started (a recall): the booking flow
 * starts for that patient and visit type, and answers with the earliest free times (or asks what is
 * still missing). The tap itself is the reminders module's to read (it checks the signed payload).
 * 'assistant_off': the practice answers its WhatsApp itself, the caller hands the conversation over.
 */
export async function startBookingFromTap(
  ctx: AppContext,
  input: {
    practiceId: string;
    conversationId: string;
    messageId: string;
    patientId: string;
    appointmentTypeId: string | null;
  },
): Promise<'answered' | 'assistant_off' | 'not_taken'> {
  return withTakenConversation(ctx, input, async ({ world, conversation, state: from, later }) => {
    const started = startBookingFor(from, { patientId: input.patientId, typeId: input.appointmentTypeId }, world.facts);
    const replies = [...started.replies];
    let state = started.state;
    for (const command of started.commands) {
      const result = await carryOut(ctx, world, conversation, command, later);
      if (result) {
        const next = await runSteps(ctx, world, conversation, state, { kind: 'result', result }, later);
        state = next.state;
        replies.push(...next.replies);
      }
    }
    return { state, replies };
  });
}

/**
 * The common frame of a tap another module read for us (answerReminderTap, startBookingFromTap):
 * with the assistant on, take the conversation for the tap's message, read the facts, run `steps`,
 * and store what they decided and give the lease back (given back too when a step fails).
 */
async function withTakenConversation(
  ctx: AppContext,
  input: { practiceId: string; conversationId: string; messageId: string },
  steps: (taken: {
    world: World;
    conversation: Taken['conversation'];
    state: State;
    later: Command[];
  }) => Promise<{ state: State; replies: Reply[] }>,
): Promise<'answered' | 'assistant_off' | 'not_taken'> {
  const settings = await assistantSettingsIn(ctx.db, input.practiceId);
  if (!settings.enabled) return 'assistant_off';
  const taken = await takeConversation(ctx, input);
  if (!taken?.message) return 'not_taken';
  const { conversation } = taken;
  const now = new Date();
  try {
    const world = await readFacts(ctx, {
      practiceId: input.practiceId,
      e164: conversation.e164,
      language: taken.state.language,
      now,
      known: { settings, number: taken.number },
    });
    const later: Command[] = [];
    const { state, replies } = await steps({ world, conversation, state: taken.state, later });
    await finish(ctx, {
      practiceId: input.practiceId,
      conversation,
      state,
      replies,
      later,
      handledMessageId: input.messageId,
      idempotencyKey: `assistant:${input.messageId}`,
      idleMs: settings.idleMinutes * 60_000,
      now,
    });
    return 'answered';
  } catch (err) {
    await inPractice(ctx.db, input.practiceId, (tx) => releaseLease(tx, conversation.id)).catch(() => {});
    throw err;
  }
}

/** Of these patients, those whose latest answer in the chat refused contact on WhatsApp. */
export async function refusedWhatsAppContactIn(tx: Tx, patientIds: readonly string[]): Promise<Set<string>> {
  if (patientIds.length === 0) return new Set();
  const rows = await tx
    .selectFrom('assistantConsents')
    .select(['patientId', 'granted'])
    .distinctOn('patientId')
    .where('patientId', 'in', [...new Set(patientIds)])
    .orderBy('patientId')
    .orderBy('givenAt', 'desc')
    .execute();
  return new Set(rows.filter((r) => !r.granted).map((r) => r.patientId!));
}

// ---------------------------------------------------------------------------------------------
// Phase 1: take the conversation

async function takeConversation(
  ctx: AppContext,
  input: { practiceId: string; conversationId: string; messageId: string | null },
): Promise<Taken | null> {
  // The settings first, outside a transaction and naming the practice: a practice with the
  // assistant off costs this one read, and nothing is locked or written.
  const settings = await assistantSettingsIn(ctx.db, input.practiceId);
  if (!settings.enabled) return null;
  const deadline = Date.now() + BUSY_WAIT_MS;
  for (;;) {
    const outcome = await inPractice(ctx.db, input.practiceId, (tx) =>
      tryTake(tx, { ...input, settings, masterKey: ctx.config.encryptionKey }),
    );
    if (outcome !== 'busy') return outcome;
    if (Date.now() > deadline) throw new Error('assistant: conversation still busy; retrying later');
    await new Promise((resolve) => setTimeout(resolve, BUSY_POLL_MS));
  }
}

async function tryTake(
  tx: Tx,
  input: {
    practiceId: string;
    conversationId: string;
    messageId: string | null;
    settings: AssistantSettingsRow;
    masterKey: Buffer;
  },
): Promise<Taken | null | 'busy'> {
  const { settings } = input;
  const read = await readInboundForAssistant(tx, {
    conversationId: input.conversationId,
    messageId: input.messageId,
    masterKey: input.masterKey,
  });
  if (!read) return null;
  const { conversation, message } = read;
  // A contact with a username only has no number to answer on; the inbox shows their message.
  if (!conversation.waId) return null;
  const now = new Date();
  if (ownerNow(conversation, now, settings.handoverIdleHours) === 'staff') {
    // A person owns the conversation: the assistant says nothing, but an opt-out still counts.
    if (message?.content.type === 'text' && isOptOutOnly(message.content.body)) {
      await recordWhatsAppOptOut(tx, {
        practiceId: input.practiceId,
        conversationId: conversation.id,
        at: now,
        wording: message.content.body,
      });
    }
    return null;
  }
  const stored = await takeLease(tx, {
    practiceId: input.practiceId,
    conversationId: conversation.id,
    language: 'en',
    now,
  });
  if (stored === 'busy') return 'busy';
  if (input.messageId && stored.handled.includes(input.messageId)) {
    await releaseLease(tx, conversation.id);
    return null;
  }
  const number = await numberFacts(tx, { practiceId: input.practiceId, e164: conversation.e164, now });
  return { settings, conversation, message: message ?? null, state: stored.state, updatedAt: stored.updatedAt, number };
}

function isOptOutOnly(text: string): boolean {
  return understand(text, { at: new Date(), timeZone: 'UTC' }).intent === 'stop';
}

// ---------------------------------------------------------------------------------------------
// Phase 2: facts, steps and commands

/** The facts and what the runtime itself needs to carry out commands. */
interface World {
  practiceId: string;
  facts: Facts;
  /** Visit types and prices carry their French names (the answer is in French or Creole). */
  namesInFrench: boolean;
  settings: { lateCancellationHours: number };
  providerNames: Map<string, string>;
  e164: string | null;
  /** Offers read while answering this message, by handle. */
  offers: Map<string, OfferRow>;
}

/**
 * What the assistant knows of a practice that changes only when staff change it (its name, visit
 * types, providers, opening hours, price list), kept per process a few seconds: a crowd of patients
 * writing at once does not read it once each. Everything it offers is checked again by the calendar
 * when it is held or booked, so a change seen a few seconds late is told plainly, never booked.
 */
const PRACTICE_FACTS_TTL_MS = 5_000;
interface PracticeKnowledge {
  practice: Awaited<ReturnType<typeof getPractice>>;
  types: Awaited<ReturnType<typeof listAppointmentTypes>>;
  providerNames: Map<string, string>;
  openingHours: Facts['practice']['openingHours'];
  priceList: Awaited<ReturnType<typeof listPriceList>>;
}
const knowledgeCaches = new WeakMap<object, Map<string, { until: number; value: Promise<PracticeKnowledge> }>>();

function practiceKnowledge(ctx: AppContext, practiceId: string): Promise<PracticeKnowledge> {
  let cache = knowledgeCaches.get(ctx.db);
  if (!cache) {
    cache = new Map();
    knowledgeCaches.set(ctx.db, cache);
  }
  const kept = cache.get(practiceId);
  if (kept && kept.until > Date.now()) return kept.value;
  const caller = { actor: ACTOR, practiceId };
  const value = Promise.all([
    getPractice(ctx, caller),
    listAppointmentTypes(ctx, caller),
    listProviders(ctx, caller),
    getOpeningHours(ctx, caller),
    listPriceList(ctx, caller),
  ]).then(([practice, types, providers, hours, priceList]) => ({
    practice,
    types,
    providerNames: new Map(providers.map((p) => [p.userId, p.displayName])),
    openingHours: hours.hours,
    priceList,
  }));
  cache.set(practiceId, { until: Date.now() + PRACTICE_FACTS_TTL_MS, value });
  value.catch(() => cache.delete(practiceId));
  return value;
}

/** What the conversation may know about this number: the patients it speaks for and their coming visits. */
async function numberFacts(tx: Tx, input: { practiceId: string; e164: string | null; now: Date }) {
  const patients = input.e164 ? await findPatientsByPhone(tx, input.practiceId, input.e164) : [];
  // English is every record's default, so only another language on it is the patient's choice.
  const onRecord = patients[0] ? await patientLanguageIn(tx, patients[0].id) : null;
  const upcoming = await upcomingAppointmentsIn(tx, {
    practiceId: input.practiceId,
    patientIds: patients.map((p) => p.id),
    from: input.now,
  });
  return { patients, preferred: onRecord === 'en' ? null : onRecord, upcoming };
}

async function readFacts(
  ctx: AppContext,
  input: {
    practiceId: string;
    e164: string | null;
    language: Language;
    now: Date;
    /** Read when the conversation was taken (the number's part in that transaction). */
    known: {
      settings: AssistantSettingsRow;
      number: Awaited<ReturnType<typeof numberFacts>>;
      /** Offers read while answering this message (a tapped row is read once, then held). */
      offers?: Map<string, OfferRow>;
    };
  },
): Promise<World> {
  const knowledge = await practiceKnowledge(ctx, input.practiceId);
  const { settings } = input.known;
  const { patients, preferred, upcoming } = input.known.number;
  const { practice, types, providerNames } = knowledge;
  const french = input.language !== 'en';
  const typeNames = new Map(types.map((t) => [t.id, french ? t.nameFr : t.nameEn]));
  const prices = knowledge.priceList
    .filter((item) => item.active && settings.publishedPriceItemIds.includes(item.id))
    .map((item) => ({ name: french ? item.nameFr : item.nameEn, amountMinor: item.feeMinor, currency: item.currency }));
  const emergency = french
    ? settings.emergencyFr || settings.emergencyEn
    : settings.emergencyEn || settings.emergencyFr;
  const hoursText = french
    ? settings.openingHoursFr || settings.openingHoursEn
    : settings.openingHoursEn || settings.openingHoursFr;
  return {
    practiceId: input.practiceId,
    e164: input.e164,
    offers: input.known.offers ?? new Map(),
    namesInFrench: french,
    providerNames,
    settings: { lateCancellationHours: settings.lateCancellationHours },
    facts: {
      now: input.now,
      timeZone: practice.timeZone,
      practice: {
        name: practice.name,
        address: practice.address || null,
        phone: practice.phone || null,
        emergencyInstructions: emergency || null,
        openingHoursText: hoursText || null,
        openingHours: knowledge.openingHours,
        lateCancellationHours: settings.lateCancellationHours,
        prices,
      },
      patients: patients.map((p) => ({ id: p.id, givenName: p.preferredName || p.givenName })),
      preferredLanguage: preferred,
      visitTypes: types
        .filter((t) => t.active && t.whatsappBookable)
        .map((t) => ({ id: t.id, name: french ? t.nameFr : t.nameEn, durationMinutes: t.durationMinutes })),
      upcoming: upcoming.map((a) => ({
        id: a.id,
        patientId: a.patientId,
        start: a.start,
        providerName: providerNames.get(a.providerId) ?? '',
        typeName: typeNames.get(a.appointmentTypeId) ?? '',
      })),
    },
  };
}

/** The patient's message as the conversation reads it. */
async function inputOf(
  ctx: AppContext,
  input: {
    practiceId: string;
    conversationId: string;
    content: MessageContent;
    messageId: string;
    at: Date;
    state: State;
    world: World;
  },
): Promise<Input> {
  const { content } = input;
  switch (content.type) {
    case 'text':
      return {
        kind: 'text',
        text: content.body,
        messageId: input.messageId,
        understood: understand(content.body, {
          at: input.at,
          timeZone: input.world.facts.timeZone,
          // A conversation that has not answered yet has no language of its own (its 'en' is a default).
          languageHint: input.world.facts.preferredLanguage ?? (input.state.introduced ? input.state.language : null),
        }),
      };
    case 'choice': {
      const choice: Input = { kind: 'choice', id: content.choiceId, title: content.title };
      if (!content.choiceId.startsWith('h:')) return choice;
      const offer = await offerOf(ctx, input.world, input.conversationId, content.choiceId.slice(2));
      if (!offer) return choice;
      return { ...choice, resolved: offeredTime(input.world, offer.handle, offer) };
    }
    case 'media':
      return { kind: 'media', mediaType: content.mediaType };
    default:
      return { kind: 'media', mediaType: content.type };
  }
}

/** An offer of the conversation by its handle: read once per message (the tap, then the hold). */
async function offerOf(ctx: AppContext, world: World, conversationId: string, handle: string) {
  const known = world.offers.get(handle);
  if (known) return known;
  const offer = await inPractice(ctx.db, world.practiceId, (tx) =>
    findOffer(tx, { conversationId, handle, now: new Date() }),
  );
  if (offer) world.offers.set(handle, offer);
  return offer;
}

function offeredTime(world: World, handle: string, slot: { start: Date; end: Date; providerId: string }): OfferedTime {
  return { handle, start: slot.start, end: slot.end, providerName: world.providerNames.get(slot.providerId) ?? '' };
}

/**
 * Runs the conversation from one input: each command that answers is carried out and its result
 * fed back in; the others wait for phase 3 (they write in its transaction), except releasing a
 * hold, which is the calendar's and done at once.
 */
async function runSteps(
  ctx: AppContext,
  world: World,
  conversation: Taken['conversation'],
  from: State,
  first: Input,
  later: Command[],
): Promise<{ state: State; replies: Reply[] }> {
  let state = from;
  let input: Input | null = first;
  const replies: Reply[] = [];
  for (let i = 0; input && i < MAX_STEPS; i++) {
    const next = step(state, input, world.facts);
    state = next.state;
    replies.push(...next.replies);
    input = null;
    for (const command of next.commands) {
      const result = await carryOut(ctx, world, conversation, command, later);
      if (result) input = { kind: 'result', result };
    }
  }
  return { state, replies };
}

async function carryOut(
  ctx: AppContext,
  world: World,
  conversation: Taken['conversation'],
  command: Command,
  later: Command[],
): Promise<CommandResult | null> {
  const { practiceId } = world;
  const caller = { actor: ACTOR, practiceId };
  switch (command.kind) {
    case 'find_times':
      return findTimes(ctx, world, conversation.id, command);
    case 'hold': {
      const offer = await offerOf(ctx, world, conversation.id, command.handle);
      if (!offer) return { kind: 'time_gone', reason: 'expired' };
      const hold = (slot: { providerId: string; chairId: string }) =>
        holdSlot(ctx, {
          ...caller,
          hold: {
            appointmentTypeId: offer.appointmentTypeId,
            providerId: slot.providerId,
            chairId: slot.chairId,
            start: offer.start,
            patientId: command.patientId,
            source: 'whatsapp',
          },
        });
      try {
        const held = await hold(offer);
        return { kind: 'held', holdId: held.id, time: timeOf(world, offer.handle, held) };
      } catch (err) {
        const refused = slotRefusal(err);
        if (refused.kind !== 'time_gone' || refused.reason !== 'taken') return refused;
      }
      // Taken with that provider: the patient chose a time, and another provider may be free then
      // (the say-back names who it is with before anything is booked).
      for (const other of await sameTimeElsewhere(ctx, world, offer)) {
        try {
          const held = await hold(other);
          return { kind: 'held', holdId: held.id, time: timeOf(world, offer.handle, held) };
        } catch (err) {
          const refused = slotRefusal(err);
          if (refused.kind !== 'time_gone' || refused.reason !== 'taken') return refused;
        }
      }
      return { kind: 'time_gone', reason: 'taken' };
    }
    case 'book': {
      try {
        const booked = await confirmHold(ctx, { ...caller, holdId: command.holdId, patientId: command.patientId });
        return { kind: 'booked', appointmentId: booked.id, time: timeOf(world, command.handle, booked) };
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        // Handled before (a crash after the booking, before the reply): the booking stands.
        const current = (await getAppointment(ctx, { ...caller, appointmentId: command.holdId }).catch(() => null))
          ?.appointment;
        if (current && current.patientId === command.patientId && ['booked', 'confirmed'].includes(current.status)) {
          return { kind: 'booked', appointmentId: current.id, time: timeOf(world, command.handle, current) };
        }
        if (err.code === 'hold_expired' || err.code === 'hold_not_found') return { kind: 'hold_lapsed' };
        return slotRefusal(err);
      }
    }
    case 'release_hold':
      await releaseHold(ctx, { ...caller, holdId: command.holdId }).catch(() => {});
      return null;
    case 'move': {
      if (!world.facts.upcoming.some((a) => a.id === command.appointmentId)) return { kind: 'failed', command: 'move' };
      const offer = await offerOf(ctx, world, conversation.id, command.handle);
      if (!offer) return { kind: 'time_gone', reason: 'expired' };
      try {
        const moved = await moveAppointment(ctx, {
          ...caller,
          appointmentId: command.appointmentId,
          move: { start: offer.start, providerId: offer.providerId, chairId: offer.chairId },
          source: 'whatsapp',
        });
        return { kind: 'moved', appointmentId: moved.id, time: offeredTime(world, offer.handle, offer) };
      } catch (err) {
        return slotRefusal(err);
      }
    }
    case 'cancel': {
      const appointment = world.facts.upcoming.find((a) => a.id === command.appointmentId);
      if (!appointment) return { kind: 'failed', command: 'cancel' };
      const lateMs = world.settings.lateCancellationHours * 3600_000;
      if (appointment.start.getTime() - Date.now() < lateMs) return { kind: 'too_late', appointmentId: appointment.id };
      await cancelAppointment(ctx, {
        ...caller,
        appointmentId: appointment.id,
        reason: command.reason,
        source: 'whatsapp',
      });
      return { kind: 'cancelled', appointmentId: appointment.id };
    }
    case 'register_patient':
      return registerPatient(ctx, world, conversation.id, command);
    case 'record_privacy_request': {
      // Only patients this number speaks for, never anyone else named in a stored state.
      const own = new Set(world.facts.patients.map((p) => p.id));
      const patientIds = command.patientIds.filter((id) => own.has(id));
      if (patientIds.length > 0) later.push({ ...command, patientIds });
      return null;
    }
    case 'hand_over':
    case 'opt_out':
    case 'opt_in':
    case 'set_language':
      later.push(command);
      return null;
  }
}

function timeOf(world: World, handle: string, a: { start: string; end: string; providerId: string }): OfferedTime {
  return offeredTime(world, handle, { start: new Date(a.start), end: new Date(a.end), providerId: a.providerId });
}

/** Other providers (and chairs) free at an offered time, for its type: at most three to try. */
async function sameTimeElsewhere(
  ctx: AppContext,
  world: World,
  offer: { appointmentTypeId: string; providerId: string; start: Date },
): Promise<{ providerId: string; chairId: string }[]> {
  const slots = await findAvailability(ctx, {
    actor: ACTOR,
    practiceId: world.practiceId,
    request: {
      appointmentTypeId: offer.appointmentTypeId,
      from: offer.start,
      to: new Date(offer.start.getTime() + 60_000),
      forPatient: true,
    },
  }).catch(() => []);
  return slots
    .filter((s) => s.start.getTime() === offer.start.getTime() && s.providerId !== offer.providerId)
    .slice(0, 3);
}

/** A number from a conversation's id, so each conversation is offered its own turn of providers. */
function seedOf(conversationId: string): number {
  return Number.parseInt(conversationId.replace(/-/g, '').slice(-8), 16);
}

/** Why the calendar would not give that time, as the conversation tells the patient. */
function slotRefusal(err: unknown): CommandResult {
  if (!(err instanceof AppError)) throw err;
  switch (err.code) {
    case 'not_bookable_on_whatsapp':
    case 'appointment_type_not_found':
    case 'provider_inactive':
    case 'provider_not_found':
    case 'provider_not_allowed':
    case 'chair_not_found':
      return { kind: 'time_gone', reason: 'not_bookable' };
    case 'practice_closed':
      return { kind: 'time_gone', reason: 'closed' };
    case 'hold_expired':
    case 'hold_not_found':
      return { kind: 'hold_lapsed' };
    default:
      // Taken meanwhile, too soon now, outside hours: the time is no longer there to book.
      if (err.status < 500) return { kind: 'time_gone', reason: 'taken' };
      throw err;
  }
}

async function findTimes(
  ctx: AppContext,
  world: World,
  conversationId: string,
  command: Extract<Command, { kind: 'find_times' }>,
): Promise<CommandResult> {
  const now = world.facts.now;
  const from = new Date(Math.max(command.from.getTime(), now.getTime()));
  const to = new Date(Math.min(command.to.getTime(), from.getTime() + MAX_RANGE_MS));
  if (to <= from) return { kind: 'times', times: [] };
  let slots: Awaited<ReturnType<typeof findAvailability>>;
  try {
    slots = await findAvailability(ctx, {
      actor: ACTOR,
      practiceId: world.practiceId,
      request: {
        appointmentTypeId: command.typeId,
        from,
        to,
        forPatient: true,
        movingAppointmentId: command.appointmentId,
      },
      now,
    });
  } catch (err) {
    if (err instanceof AppError && err.status < 500) return { kind: 'time_gone', reason: 'not_bookable' };
    throw err;
  }
  const chosen = spreadTimes(slots, { count: 10, timeZone: world.facts.timeZone, seed: seedOf(conversationId) });
  const offers = await inPractice(ctx.db, world.practiceId, (tx) =>
    storeOffers(tx, {
      practiceId: world.practiceId,
      conversationId,
      patientId: command.patientId,
      appointmentTypeId: command.typeId,
      appointmentId: command.appointmentId ?? null,
      slots: chosen,
    }),
  );
  return { kind: 'times', times: offers.map((o) => offeredTime(world, o.handle, o.slot)) };
}

async function registerPatient(
  ctx: AppContext,
  world: World,
  conversationId: string,
  command: Extract<Command, { kind: 'register_patient' }>,
): Promise<CommandResult> {
  const caller = { actor: ACTOR, practiceId: world.practiceId };
  const words = command.fullName.trim().split(/\s+/);
  const familyName = words.length > 1 ? words.pop()! : '';
  const givenName = words.join(' ');
  const phones = world.e164 ? [world.e164] : [];
  const duplicates = await checkDraftForDuplicates(ctx, {
    ...caller,
    draft: { givenName, familyName, preferredName: '', dateOfBirth: command.birthDate, phones },
  });
  // A family shares one number: its own patients match on the phone alone ("someone else" on a
  // known number), and count only when they were born the same day too.
  const onThisNumber = new Set(world.facts.patients.map((p) => p.id));
  const likely = duplicates.filter((d) => !onThisNumber.has(d.id) || d.dateOfBirth === command.birthDate);
  if (likely.length > 0) return { kind: 'possible_duplicate' };
  const created = await createPatient(ctx, {
    ...caller,
    patient: {
      givenName,
      familyName: familyName || givenName,
      dateOfBirth: command.birthDate,
      phones: phones.map((number) => ({ number, label: 'mobile' as const, isWhatsApp: true })),
      preferredLanguage: command.language,
    },
    registeredVia: 'whatsapp',
  });
  await inPractice(ctx.db, world.practiceId, async (tx) => {
    const at = new Date();
    await recordConsent(tx, {
      practiceId: world.practiceId,
      conversationId,
      patientId: created.id,
      granted: true,
      wording: command.consentWording,
      language: command.language,
      at,
    });
    // The same answer in the consent ledger, which every sender asks (WhatsApp, appointment messages).
    await recordConsentIn(tx, {
      practiceId: world.practiceId,
      changes: [
        {
          patientId: created.id,
          channel: 'whatsapp',
          purpose: 'appointments',
          granted: true,
          source: 'assistant',
          actorUserId: null,
          wording: command.consentWording,
          language: command.language,
          at,
        },
      ],
    });
  });
  world.facts.patients = [...world.facts.patients, { id: created.id, givenName: created.givenName }];
  return { kind: 'registered', patientId: created.id, givenName: created.givenName };
}

// ---------------------------------------------------------------------------------------------
// Phase 3: one transaction for what the step decided

async function finish(
  ctx: AppContext,
  input: {
    practiceId: string;
    conversation: Taken['conversation'];
    state: State;
    replies: Reply[];
    later: Command[];
    handledMessageId: string | null;
    idempotencyKey: string;
    idleMs: number;
    now: Date;
  },
): Promise<void> {
  const { practiceId, conversation, now } = input;
  const queued = await inPractice(ctx.db, practiceId, async (tx) => {
    const target = { id: conversation.id, channelId: conversation.channelId, waId: conversation.waId! };
    let state = input.state;
    let replies = input.replies;
    for (const command of input.later) {
      if (command.kind === 'opt_out') {
        const optOut = await recordWhatsAppOptOut(tx, { practiceId, conversationId: conversation.id, at: now });
        // Confirmed once: a STOP repeated while opted out gets no answer.
        if (optOut.alreadyOptedOut) replies = [];
      }
      if (command.kind === 'opt_in')
        await recordWhatsAppOptIn(tx, { practiceId, conversationId: conversation.id, at: now });
      if (command.kind === 'set_language') state = { ...state, language: command.language };
      // Privacy records it and answers with the due date (it listens: it sits above the assistant).
      const requestMessageId =
        command.kind === 'record_privacy_request' ? (command.requestMessageId ?? input.handledMessageId) : null;
      if (command.kind === 'record_privacy_request' && requestMessageId)
        await publishEvent(tx, rightsRequestConfirmed, {
          practiceId,
          conversationId: conversation.id,
          requestMessageId,
          patientIds: command.patientIds,
          type: command.type,
          language: state.language,
        });
    }
    const queued = await queueAssistantReplies(tx, {
      masterKey: ctx.config.encryptionKey,
      practiceId,
      conversation: target,
      replies,
      idempotencyKey: input.idempotencyKey,
    });
    // After the replies: the handover's last words are the assistant's, then a person's.
    const handover = input.later.find((c) => c.kind === 'hand_over');
    if (handover)
      await handOverToStaff(tx, { practiceId, conversationId: conversation.id, reason: handover.reason, at: now });
    if (state.name === 'idle') await cancelJob(tx, expiryKey(conversation.id));
    else
      await enqueueJob(
        tx,
        EXPIRE_JOB,
        { practiceId, conversationId: conversation.id },
        { key: expiryKey(conversation.id), runAt: new Date(now.getTime() + input.idleMs) },
      );
    await saveAndRelease(tx, { conversationId: conversation.id, state, handledMessageId: input.handledMessageId, now });
    return queued;
  });
  if (queued > 0) wakeOutbox(ctx);
}
