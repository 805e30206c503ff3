import type { DataOwner, ErasureOutcome, PatientExport, PurgeInput } from '../../platform/data-owners.js';
import { WHATSAPP_CONTENT_DAYS, addDays } from '../../platform/retention-dates.js';
import type { Tx } from '../../platform/tenancy.js';
import {
  conversationLastMessagesIn,
  conversationsQuietSinceIn,
  patientConversationsIn,
} from '../messaging/privacy.service.js';

/** Offered times are kept a week (the forget_offers schedule deletes them; so does the retention job). */
const OFFERS_KEPT_DAYS = 7;

/**
 * The assistant keeps, per patient, the times it offered them (a week) and the consent they gave
 * in the chat, and per conversation where the chat stands. A merge moves offers and consents to
 * the survivor. A death forgets the offers (nothing more may be booked for them; the phone lookup
 * already leaves deceased patients out); consents stay as a record. An erasure forgets the offers
 * and where the patient's chats stand (it may hold what they typed: a name, a birth date) and
 * keeps the consents as proof, for as long as the conversation's messages are kept.
 */
export const assistantDataOwner: DataOwner = {
  module: 'assistant',
  movePatient: async (tx, { fromPatientId, toPatientId }) => {
    await tx
      .updateTable('assistantOffers')
      .set({ patientId: toPatientId })
      .where('patientId', '=', fromPatientId)
      .execute();
    await tx
      .updateTable('assistantConsents')
      .set({ patientId: toPatientId })
      .where('patientId', '=', fromPatientId)
      .execute();
  },
  onPatientDeceased: async (tx, { patientId }) => {
    await tx.deleteFrom('assistantOffers').where('patientId', '=', patientId).execute();
    return undefined;
  },
  exportPatient: (tx, { patientId }) => exportAssistant(tx, patientId),
  erasePatient: (tx, { patientId }) => eraseAssistant(tx, patientId),
  retention: () => [
    {
      category: 'assistant_offers',
      description: 'Times the booking assistant offered a patient in the chat',
      keptFor: `${OFFERS_KEPT_DAYS} days`,
      why: 'To book the time the patient picks from the list they were sent',
      rule: { defaultDays: OFFERS_KEPT_DAYS, floorDays: 1, from: 'created', tiedTo: 'time' },
    },
    {
      category: 'assistant_chat_state',
      description:
        'Where each WhatsApp chat with the booking assistant stands (the step, what the patient answered so far)',
      keptFor: 'as long as the conversation; erased at once on a deletion request',
      why: 'To carry on the conversation where it was',
    },
    {
      category: 'assistant_consents',
      description: 'Consent to WhatsApp contact given or refused in the chat, with the words shown and when',
      keptFor: '2 years after the conversation’s last message',
      why: 'Proof of the consent the practice relies on to write to the patient',
      rule: { defaultDays: WHATSAPP_CONTENT_DAYS, floorDays: 365, from: 'last_message', tiedTo: 'time' },
    },
  ],
  purge: (tx, input) => purgeAssistant(tx, input),
};

async function exportAssistant(tx: Tx, patientId: string): Promise<PatientExport> {
  const [consents, offers, conversations] = await Promise.all([
    tx
      .selectFrom('assistantConsents')
      .select(['conversationId', 'granted', 'wording', 'language', 'givenAt'])
      .where('patientId', '=', patientId)
      .orderBy('givenAt')
      .execute(),
    tx
      .selectFrom('assistantOffers')
      .select(['conversationId', 'startsAt', 'endsAt', 'appointmentId', 'createdAt'])
      .where('patientId', '=', patientId)
      .orderBy('createdAt')
      .orderBy('startsAt')
      .execute(),
    patientConversationsIn(tx, patientId),
  ]);
  const states = conversations.length
    ? await tx
        .selectFrom('assistantConversations')
        .select(['conversationId', 'state', 'updatedAt'])
        .where(
          'conversationId',
          'in',
          conversations.map((c) => c.id),
        )
        .execute()
    : [];
  return {
    whatsappConsents: consents.map((c) => ({
      conversationId: c.conversationId,
      granted: c.granted,
      wordingShown: c.wording,
      language: c.language,
      at: c.givenAt.toISOString(),
    })),
    offeredTimes: offers.map((o) => ({
      conversationId: o.conversationId,
      start: o.startsAt.toISOString(),
      end: o.endsAt.toISOString(),
      bookedAppointmentId: o.appointmentId,
      offeredAt: o.createdAt.toISOString(),
    })),
    chatState: states.map((s) => ({
      conversationId: s.conversationId,
      state: s.state,
      updatedAt: s.updatedAt.toISOString(),
    })),
  };
}

async function eraseAssistant(tx: Tx, patientId: string): Promise<ErasureOutcome> {
  const offers = await tx.deleteFrom('assistantOffers').where('patientId', '=', patientId).executeTakeFirst();
  const conversations = await patientConversationsIn(tx, patientId);
  const states = conversations.length
    ? await tx
        .deleteFrom('assistantConversations')
        .where(
          'conversationId',
          'in',
          conversations.map((c) => c.id),
        )
        .executeTakeFirst()
    : { numDeletedRows: 0n };
  const consents = await tx
    .selectFrom('assistantConsents')
    .select('conversationId')
    .where('patientId', '=', patientId)
    .execute();
  const lastMessages = await conversationLastMessagesIn(
    tx,
    consents.map((c) => c.conversationId),
  );
  const last = [...lastMessages.values()].reduce<Date | null>((a, d) => (!a || d > a ? d : a), null);
  return {
    erased: { offeredTimes: Number(offers.numDeletedRows), chatState: Number(states.numDeletedRows) },
    kept: consents.length
      ? [
          {
            kind: 'whatsappConsents',
            why: {
              en: 'Proof of the consent to WhatsApp contact you gave in the chat (the words shown and when), kept as long as the conversation’s messages',
              fr: 'La preuve du consentement donné dans la conversation (les mots montrés et quand), gardée aussi longtemps que les messages',
            },
            until: last ? addDays(last.toISOString().slice(0, 10), WHATSAPP_CONTENT_DAYS) : null,
          },
        ]
      : [],
    labels: {
      offeredTimes: {
        en: 'Times offered to you by the booking assistant',
        fr: 'Les horaires proposés par l’assistant',
      },
      chatState: {
        en: 'Your conversation with the booking assistant',
        fr: 'Votre échange avec l’assistant de réservation',
      },
      whatsappConsents: {
        en: 'Your answers to the booking assistant’s consent question',
        fr: 'Vos réponses à la question de consentement de l’assistant',
      },
    },
  };
}

/**
 * The retention job. `assistant_offers`: offers made before `before`. `assistant_consents`:
 * consents of conversations quiet since `before`. Held patients' rows stay. Idempotent; `dryRun` counts.
 */
async function purgeAssistant(tx: Tx, input: PurgeInput): Promise<{ count: number }> {
  const held = [...input.heldPatientIds];
  if (input.category === 'assistant_offers') {
    let q = tx.selectFrom('assistantOffers').select('handle').where('createdAt', '<', input.before);
    if (held.length) q = q.where('patientId', 'not in', held);
    const handles = (await q.execute()).map((o) => o.handle);
    if (!input.dryRun && handles.length)
      await tx.deleteFrom('assistantOffers').where('handle', 'in', handles).execute();
    return { count: handles.length };
  }
  if (input.category === 'assistant_consents') {
    const quiet = await conversationsQuietSinceIn(tx, input.before);
    if (quiet.length === 0) return { count: 0 };
    let q = tx.selectFrom('assistantConsents').select('id').where('conversationId', 'in', quiet);
    if (held.length) q = q.where((eb) => eb.or([eb('patientId', 'is', null), eb('patientId', 'not in', held)]));
    const ids = (await q.execute()).map((c) => c.id);
    if (!input.dryRun && ids.length) await tx.deleteFrom('assistantConsents').where('id', 'in', ids).execute();
    return { count: ids.length };
  }
  return { count: 0 };
}
