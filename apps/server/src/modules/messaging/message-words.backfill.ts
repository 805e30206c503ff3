import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { inPractice } from '../../platform/tenancy.js';
import { contactTag, contactsOfEnvelope, sealMessage, sealWebhookBody } from './message-words.js';

/**
 * `whatsapp seal-words`: seals the words of messages stored before they were sealed at write
 * (migration 20261212500000), a batch per transaction, so it can run beside a live server and be
 * stopped and run again: a sealed row leaves the partial index it is found by, and a run only
 * ever moves forward through each practice's ids. Rows are locked while sealed, so an erasure at
 * the same moment waits and then wins (its words stay gone). Erased messages have nothing to seal.
 */
export async function sealStoredMessageWords(
  ctx: AppContext,
  input: { practiceId?: string | undefined; batchSize?: number; onBatch?: (sealed: number) => void } = {},
): Promise<{ practices: number; sealed: number; webhookBodies: number }> {
  const batchSize = input.batchSize ?? 500;
  const practiceIds = input.practiceId
    ? [input.practiceId]
    : (await ctx.db.selectFrom('practices').select('id').orderBy('id').execute()).map((p) => p.id);
  let sealed = 0;
  for (const practiceId of practiceIds) {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const batch = await inPractice(ctx.db, practiceId, async (tx) => {
        const rows = await tx
          .selectFrom('whatsappMessages')
          .select(['id', 'content', 'raw', 'request'])
          .where('practiceId', '=', practiceId)
          .where('sealed', 'is', null)
          .where('id', '>', after)
          .where((eb) =>
            eb.or([
              eb('raw', 'is not', null),
              eb('request', 'is not', null),
              eb(sql<string>`content ->> 'originalType'`, 'is', null),
              eb(sql<string>`content ->> 'originalType'`, '<>', 'erased'),
            ]),
          )
          .orderBy('id')
          .limit(batchSize)
          .forUpdate()
          .execute();
        for (const row of rows) {
          const words = await sealMessage(tx, ctx.config.encryptionKey, practiceId, row.id, {
            content: row.content as Record<string, unknown>,
            raw: row.raw,
            request: row.request,
          });
          await tx
            .updateTable('whatsappMessages')
            .set({ content: words.content, sealed: words.sealed, raw: null, request: null })
            .where('id', '=', row.id)
            .execute();
        }
        return rows;
      });
      if (batch.length === 0) break;
      sealed += batch.length;
      after = batch.at(-1)!.id;
      input.onBatch?.(sealed);
    }
  }
  return { practices: practiceIds.length, sealed, webhookBodies: await sealStoredWebhookBodies(ctx, batchSize) };
}

/** Webhook bodies stored in the clear before intake sealed them: sealed with the master key, tagged. */
async function sealStoredWebhookBodies(ctx: AppContext, batchSize: number): Promise<number> {
  let done = 0;
  for (;;) {
    const n = await ctx.db.transaction().execute(async (tx) => {
      const rows = await tx
        .selectFrom('whatsappWebhookDeliveries')
        .select(['id', 'body'])
        .where('body', 'is not', null)
        .orderBy('id')
        .limit(batchSize)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const row of rows) {
        const text = row.body ?? '';
        let contacts: string[] = [];
        try {
          contacts = contactsOfEnvelope(JSON.parse(text));
        } catch {
          // Intake stored only JSON; a body that is not keeps no tags.
        }
        await tx
          .updateTable('whatsappWebhookDeliveries')
          .set({
            body: null,
            bodySealed: sealWebhookBody(ctx.config.encryptionKey, text),
            contactTags: contacts.map((c) => contactTag(ctx.config.encryptionKey, c)),
          })
          .where('id', '=', row.id)
          .execute();
      }
      return rows.length;
    });
    if (n === 0) return done;
    done += n;
  }
}
