import type { MessageContent } from '@dentalpro/contracts';
import { sql } from 'kysely';
import { openForPractice } from '../../platform/data-keys.js';
import {
  type DataOwner,
  type ErasureOutcome,
  NOTHING_HELD,
  type PatientExport,
  type PurgeInput,
  type SealedStores,
} from '../../platform/data-owners.js';
import { WEBHOOK_PAYLOAD_DAYS, WHATSAPP_CONTENT_DAYS, addDays } from '../../platform/retention-dates.js';
import type { Db } from '../../db/connection.js';
import type { Tx } from '../../platform/tenancy.js';
import { contactTag, openContent, openerIn } from './message-words.js';
import { previewOf } from './webhook.parse.js';

/**
 * WhatsApp conversations linked to a patient follow a merged patient to the survivor. A death
 * changes nothing here yet: the phone lookup already leaves deceased patients out.
 *
 * Privacy: a patient's conversations are those linked to their record. A number several family
 * members share links its conversation to one of them; its messages are that patient's (they
 * wrote or received them), and appear in nobody else's copy. An erasure removes the words and
 * files of those conversations at once, and the number and WhatsApp name with them; the messages
 * stay as times, directions and delivery states (the practice's messaging figures), and go with
 * the rest 2 years after the last message.
 */
export const messagingDataOwner: DataOwner = {
  module: 'messaging',
  movePatient: (tx, { fromPatientId, toPatientId }) => moveMessagingReferences(tx, fromPatientId, toPatientId),
  onPatientDeceased: async () => undefined,
  exportPatient: (tx, input) => exportMessaging(tx, input),
  erasePatient: (tx, input) => eraseMessaging(tx, input),
  retention: () => [
    {
      category: 'whatsapp_messages',
      description:
        'WhatsApp messages: their words, photos and documents, and the number and WhatsApp name of the contact',
      keptFor: '2 years after the conversation’s last message; erased at once on a deletion request',
      why: 'To keep the conversation’s context for booking and practice communication; the times and delivery states stay for the practice’s figures',
      rule: { defaultDays: WHATSAPP_CONTENT_DAYS, floorDays: 365, from: 'last_message', tiedTo: 'time' },
    },
    {
      category: 'webhook_payloads',
      description:
        'Meta’s raw webhook bodies naming this practice’s numbers (they hold message text) and its delivery status reports',
      keptFor: `${WEBHOOK_PAYLOAD_DAYS} days after they were processed`,
      why: 'To process a delivery again if processing failed, and to look into a problem with Meta',
      rule: { defaultDays: WEBHOOK_PAYLOAD_DAYS, floorDays: 7, from: 'created', tiedTo: 'time' },
    },
  ],
  purge: (tx, input) => purgeMessaging(tx, input),
};

/** For a patient merge: WhatsApp conversations linked to the merged patient follow the survivor. */
export async function moveMessagingReferences(tx: Tx, fromPatientId: string, toPatientId: string) {
  await tx
    .updateTable('whatsappConversations')
    .set({ patientId: toPatientId })
    .where('patientId', '=', fromPatientId)
    .execute();
}

/** What an erased message's content becomes: the inbox shows it as a message it cannot display. */
export const ERASED_CONTENT: MessageContent = { type: 'unsupported', originalType: 'erased' };

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'video/mp4': 'mp4',
};

/** The patient's conversations with every message (words, time, direction, state) and their stored files. */
async function exportMessaging(
  tx: Tx,
  input: { practiceId: string; patientId: string; stores: SealedStores },
): Promise<PatientExport> {
  const conversations = await tx
    .selectFrom('whatsappConversations')
    .select(['id', 'waId', 'profileName', 'status', 'createdAt', 'lastMessageAt', 'optedInAt', 'optedOutAt'])
    .where('patientId', '=', input.patientId)
    .orderBy('createdAt')
    .execute();
  const messages = conversations.length
    ? await tx
        .selectFrom('whatsappMessages')
        .select([
          'id',
          'conversationId',
          'direction',
          'origin',
          'content',
          'sealed',
          'status',
          'statusAt',
          'failureReason',
          'occurredAt',
          'mediaState',
          'mediaFileKey',
        ])
        .where(
          'conversationId',
          'in',
          conversations.map((c) => c.id),
        )
        .orderBy('occurredAt')
        .orderBy('createdAt')
        .execute()
    : [];
  // Words and files are opened now, inside the transaction that can open the practice's keys.
  const open = openerIn(tx, input.stores.encryptionKey, input.practiceId);
  const contents = new Map(await Promise.all(messages.map(async (m) => [m.id, await openContent(open, m)] as const)));
  const files: { name: string; bytes: Buffer }[] = [];
  const fileOf = new Map<string, string>();
  for (const m of messages) {
    if (m.mediaState !== 'stored' || !m.mediaFileKey) continue;
    const content = m.content as { mimeType?: string };
    const name = `whatsapp/${m.occurredAt.toISOString().slice(0, 10)}-${m.id.slice(0, 8)}.${EXTENSIONS[content.mimeType ?? ''] ?? 'bin'}`;
    const bytes = await openForPractice(
      tx,
      input.stores.encryptionKey,
      input.practiceId,
      await input.stores.files.get(m.mediaFileKey),
      `whatsapp-media:${m.id}`,
    );
    files.push({ name, bytes });
    fileOf.set(m.id, name);
  }
  return {
    whatsappConversations: conversations.map((c) => ({
      id: c.id,
      number: c.waId ? `+${c.waId}` : null,
      whatsappName: c.profileName,
      status: c.status,
      startedAt: c.createdAt.toISOString(),
      lastMessageAt: c.lastMessageAt.toISOString(),
      optedInAt: c.optedInAt?.toISOString() ?? null,
      optedOutAt: c.optedOutAt?.toISOString() ?? null,
      messages: messages
        .filter((m) => m.conversationId === c.id)
        .map((m) => ({
          id: m.id,
          at: m.occurredAt.toISOString(),
          direction: m.direction,
          from: m.origin,
          text: previewOf(contents.get(m.id) as MessageContent),
          content: contents.get(m.id),
          status: m.status,
          statusAt: m.statusAt.toISOString(),
          failureReason: m.failureReason,
          file: fileOf.get(m.id) ?? null,
        })),
    })),
    files: files.map((f) => ({ name: f.name, read: () => f.bytes })),
  };
}

/**
 * Erases the words and files of the messages of these conversations (content, Meta's raw message,
 * the request sent, reactions, the stored media), keeping times, directions and states. Returns
 * how many messages had anything left to erase; with `dryRun` only counts.
 */
async function eraseMessageContents(
  tx: Tx,
  conversationIds: readonly string[],
  stores: SealedStores,
  dryRun: boolean,
): Promise<number> {
  if (conversationIds.length === 0) return 0;
  const rows = await tx
    .selectFrom('whatsappMessages')
    .select(['id', 'mediaFileKey'])
    .where('conversationId', 'in', [...conversationIds])
    .where((eb) =>
      eb.or([
        eb(sql<string>`content ->> 'originalType'`, 'is', null),
        eb(sql<string>`content ->> 'originalType'`, '<>', 'erased'),
        eb('mediaFileKey', 'is not', null),
        eb('raw', 'is not', null),
        eb('request', 'is not', null),
        eb('sealed', 'is not', null),
      ]),
    )
    .execute();
  if (dryRun || rows.length === 0) return rows.length;
  const ids = rows.map((r) => r.id);
  for (let i = 0; i < ids.length; i += 1000) {
    await tx
      .updateTable('whatsappMessages')
      .set({
        content: JSON.stringify(ERASED_CONTENT),
        raw: null,
        request: null,
        sealed: null,
        reactions: '[]',
        failureDetail: null,
        mediaId: null,
        mediaFileKey: null,
        mediaSize: null,
        mediaState: null,
      })
      .where('id', 'in', ids.slice(i, i + 1000))
      .execute();
  }
  for (const r of rows) if (r.mediaFileKey) await stores.files.delete(r.mediaFileKey);
  return rows.length;
}

/**
 * A deletion request: the patient's conversations lose their words and files at once, and their
 * contact details (the number becomes an erased marker, the WhatsApp name goes); nothing queued
 * for them is sent; Meta's raw bodies naming their number are forgotten now rather than in 30 days.
 * The messages' times and states stay for the figures until 2 years after the last message.
 */
async function eraseMessaging(
  tx: Tx,
  input: { practiceId: string; patientId: string; stores: SealedStores },
): Promise<ErasureOutcome> {
  const conversations = await tx
    .selectFrom('whatsappConversations')
    .select(['id', 'waId', 'userId', 'profileName', 'lastMessageAt'])
    .where('patientId', '=', input.patientId)
    .execute();
  if (conversations.length === 0) return NOTHING_HELD;
  const ids = conversations.map((c) => c.id);
  const messages = await eraseMessageContents(tx, ids, input.stores, false);
  const outbox = await tx.deleteFrom('whatsappOutbox').where('conversationId', 'in', ids).executeTakeFirst();
  let payloads = 0;
  let contacts = 0;
  for (const c of conversations) {
    const erasedMarker = `erased:${c.id}`;
    if (c.waId) {
      // Processed bodies only: one still waiting is processed first (and then goes within 30 days).
      // Sealed bodies are found by their number's keyed hash, bodies from before by their text.
      const deleted = await sql`DELETE FROM whatsapp_webhook_deliveries
        WHERE processed_at IS NOT NULL
          AND (contact_tags && ARRAY[${contactTag(input.stores.encryptionKey, c.waId)}]::text[]
            OR strpos(body, ${`"${c.waId}"`}) > 0)`.execute(tx);
      payloads += Number(deleted.numAffectedRows ?? 0);
    }
    if (c.waId === null && c.userId === erasedMarker && c.profileName === '') continue;
    await tx
      .updateTable('whatsappConversations')
      .set({
        waId: null,
        userId: erasedMarker,
        profileName: '',
        status: 'closed',
        needsHuman: false,
        unreadCount: 0,
        assignedUserId: null,
      })
      .where('id', '=', c.id)
      .execute();
    contacts += 1;
  }
  // The latest message of these conversations (the epoch when there are none).
  const last = new Date(conversations.reduce((latest, c) => Math.max(latest, c.lastMessageAt.getTime()), 0));
  return {
    erased: {
      whatsappMessageContents: messages,
      whatsappContacts: contacts,
      queuedMessages: Number(outbox.numDeletedRows),
      webhookPayloads: payloads,
    },
    kept: [
      {
        kind: 'whatsappMessages',
        why: {
          en: 'Only each message’s time, direction and delivery state, without words, files or number, for the practice’s messaging figures',
          fr: 'Seuls l’heure, le sens et l’état de remise de chaque message, sans texte, fichier ni numéro, pour les chiffres du cabinet',
        },
        until: addDays(last.toISOString().slice(0, 10), WHATSAPP_CONTENT_DAYS),
      },
    ],
    labels: {
      whatsappMessageContents: {
        en: 'The words, photos and files of your WhatsApp messages',
        fr: 'Les textes, photos et fichiers de vos messages WhatsApp',
      },
      whatsappContacts: { en: 'Your WhatsApp number and name', fr: 'Votre numéro et nom WhatsApp' },
      queuedMessages: {
        en: 'WhatsApp messages waiting to be sent to you',
        fr: 'Les messages WhatsApp en attente d’envoi',
      },
      webhookPayloads: { en: 'WhatsApp’s raw delivery records', fr: 'Les relevés bruts de WhatsApp' },
      whatsappMessages: { en: 'The record of your WhatsApp messages', fr: 'La trace de vos messages WhatsApp' },
    },
  };
}

/**
 * The retention job. `whatsapp_messages`: conversations whose last message is older than
 * `before` lose their messages' words and files (not those of held patients). `webhook_payloads`:
 * processed webhook bodies and applied status reports older than `before` are deleted (the table
 * has no practice: the first practice's run does it for all). Idempotent; `dryRun` counts.
 */
async function purgeMessaging(tx: Tx, input: PurgeInput): Promise<{ count: number }> {
  if (input.category === 'whatsapp_messages') {
    let query = tx.selectFrom('whatsappConversations').select('id').where('lastMessageAt', '<', input.before);
    if (input.heldPatientIds.length)
      query = query.where((eb) =>
        eb.or([eb('patientId', 'is', null), eb('patientId', 'not in', [...input.heldPatientIds])]),
      );
    const ids = (await query.execute()).map((c) => c.id);
    return { count: await eraseMessageContents(tx, ids, input.stores, input.dryRun) };
  }
  if (input.category === 'webhook_payloads') {
    // Webhook bodies are the deployment's, not a practice's: only those naming this practice's
    // numbers alone are its to forget, so a practice that keeps them longer is never overruled by
    // another's shorter period (bodies of no practice's number: messaging's upkeep, after 30 days).
    const ours = ownWebhookBodies(input.practiceId, input.before);
    const statuses = tx
      .selectFrom('whatsappStatusEvents')
      .where('practiceId', '=', input.practiceId)
      .where('appliedAt', '<', input.before);
    if (input.dryRun) {
      const d = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM whatsapp_webhook_deliveries d WHERE ${ours}`.execute(tx);
      const s = await statuses.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      return { count: d.rows[0]!.n + Number(s.n) };
    }
    const d = await sql`DELETE FROM whatsapp_webhook_deliveries d WHERE ${ours}`.execute(tx);
    const s = await tx
      .deleteFrom('whatsappStatusEvents')
      .where('practiceId', '=', input.practiceId)
      .where('appliedAt', '<', input.before)
      .executeTakeFirst();
    return { count: Number(d.numAffectedRows ?? 0) + Number(s.numDeletedRows) };
  }
  return { count: 0 };
}

/**
 * Processed webhook bodies (alias `d`) older than `before` that name at least one number and only
 * numbers of this practice.
 */
function ownWebhookBodies(practiceId: string, before: Date) {
  return sql`d.processed_at < ${before}
    AND cardinality(d.phone_number_ids) > 0
    AND d.phone_number_ids <@ ARRAY(SELECT phone_number_id FROM whatsapp_channels WHERE practice_id = ${practiceId})`;
}

/**
 * Processed webhook bodies that no practice's rule will ever take (their numbers are no practice's,
 * or several practices'), forgotten after the deployment's 30 days by messaging's upkeep.
 */
export async function forgetUnownedWebhookBodies(db: Db, now: Date = new Date()): Promise<number> {
  const result = await sql`DELETE FROM whatsapp_webhook_deliveries d
    WHERE d.processed_at < ${new Date(now.getTime() - WEBHOOK_PAYLOAD_DAYS * 86_400_000)}
      AND (SELECT count(DISTINCT c.practice_id) FROM whatsapp_channels c
           WHERE c.phone_number_id = ANY (d.phone_number_ids)) <> 1`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
