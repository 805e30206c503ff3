import type { AppContext } from '../context.js';
import { createBackgroundRunner } from '../background.js';
import { sendInboxMessage } from '../modules/messaging/conversations.service.js';
import { inboundWebhook } from '../modules/messaging/fake-graph.js';
import { processWebhookDeliveries } from '../modules/messaging/inbound.service.js';
import { signWebhook } from '../modules/messaging/signature.js';
import { acceptWebhookDelivery } from '../modules/messaging/webhook.service.js';
import { inPractice } from '../platform/tenancy.js';

/**
 * A few WhatsApp conversations in the demo inbox, in English, French and Creole, written the way
 * the sandbox phone writes: each patient message is a signed webhook in Meta's shape, stored and
 * processed by messaging, and the assistant (and the greeting) answer it as they answer any
 * message. One patient asks for a person and is left waiting for one; in another a receptionist
 * has answered. The replies wait in the outbox until the server's sender runs (`npm run demo`
 * starts it, and the sandbox plays Meta). Runs once: a number that has conversations is left alone.
 */
const SCRIPTS = [
  {
    language: 'en',
    messages: ['Hello! I would like to book a check-up, if possible next week please.'],
  },
  {
    language: 'fr',
    // Asks for a person: the conversation waits for the desk.
    messages: [
      "Bonjour, j'ai une question sur ma facture du mois dernier. Est-ce que je peux parler à quelqu'un s'il vous plaît ?",
    ],
  },
  {
    language: 'mfe',
    messages: ['Bonzour, ki ler zot ouver samdi?'],
    staffReply: 'Bonzour! Nou ouver samdi depi 8h ziska midi. Si ou anvi, nou kapav donn ou enn randevou.',
  },
] as const;

export async function seedDemoInbox(
  ctx: AppContext,
  practiceId: string,
  opts: { phoneNumberId: string; receptionistId: string },
): Promise<{ seeded: boolean; conversations: number }> {
  const { phoneNumberId } = opts;
  const existing = await inPractice(ctx.db, practiceId, (tx) =>
    tx.selectFrom('whatsappConversations').select('id').limit(1).execute(),
  );
  if (existing.length > 0) return { seeded: false, conversations: 0 };
  const channel = await inPractice(ctx.db, practiceId, (tx) =>
    tx
      .selectFrom('whatsappChannels')
      .select(['displayPhoneNumber', 'wabaId'])
      .where('phoneNumberId', '=', phoneNumberId)
      .executeTakeFirstOrThrow(),
  );
  const businessNumber = (channel.displayPhoneNumber ?? '').replace(/\D/g, '') || '23052000000';
  const jobs = createBackgroundRunner(ctx, { schedules: false });
  const receptionist = { userId: opts.receptionistId, role: 'receptionist' as const, ip: null, requestId: null };

  let conversations = 0;
  let sequence = 0;
  for (const script of SCRIPTS) {
    const patient = await demoPatientSpeaking(ctx, practiceId, script.language);
    if (!patient) continue;
    for (const text of script.messages) {
      sequence += 1;
      const body = inboundWebhook({
        wabaId: channel.wabaId || '100000000000001',
        phoneNumberId,
        displayPhoneNumber: businessNumber,
        from: patient.waId,
        profileName: patient.givenName,
        message: { type: 'text', text: { body: text } },
      });
      const raw = Buffer.from(JSON.stringify(body));
      await acceptWebhookDelivery(ctx, {
        raw,
        signature: signWebhook(raw.toString('utf8'), ctx.config.whatsapp.appSecret),
        log: ctx.logger,
      });
      // Stored, then processed, then answered, before the next message: the thread keeps its order.
      while ((await processWebhookDeliveries(ctx)).processed > 0);
      await jobs.runDue();
    }
    conversations += 1;
    if ('staffReply' in script) {
      const conversation = await inPractice(ctx.db, practiceId, (tx) =>
        tx.selectFrom('whatsappConversations').select('id').where('waId', '=', patient.waId).executeTakeFirstOrThrow(),
      );
      await sendInboxMessage(ctx, {
        actor: receptionist,
        practiceId,
        conversationId: conversation.id,
        message: { type: 'text', body: script.staffReply },
        idempotencyKey: `demo-inbox-${sequence}`,
      });
    }
  }
  return { seeded: true, conversations };
}

/** The first adult demo patient (by name) who speaks the language and has a mobile number. */
async function demoPatientSpeaking(ctx: AppContext, practiceId: string, language: 'en' | 'fr' | 'mfe') {
  const row = await inPractice(ctx.db, practiceId, (tx) =>
    tx
      .selectFrom('patients')
      .select(['givenName', 'phone'])
      .where('preferredLanguage', '=', language)
      .where('status', '=', 'active')
      .where('phone', 'like', '+2305%')
      .where('dateOfBirth', '<', '2000-01-01')
      .orderBy('familyName')
      .orderBy('givenName')
      .limit(1)
      .executeTakeFirst(),
  );
  return row?.phone ? { givenName: row.givenName, waId: row.phone.replace(/\D/g, '') } : undefined;
}
