import type { AppContext } from '../../context.js';
import { publishEvent } from '../../platform/jobs.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { limitOfAccountUpdate } from './messaging-limit.js';
import { setMessagingLimitIn } from './messaging-limit.service.js';
import { templateCategoryChanged, templateStatusChanged } from './messaging.events.js';

/**
 * Webhooks about the WhatsApp Business Account rather than one conversation: they name the
 * account (entry.id) and no phone_number_id. Two matter to sending:
 * - `phone_number_quality_update` / `business_capability_update`: the portfolio's daily messaging
 *   limit (`max_daily_conversations_per_business`, or the older per-number fields);
 * - `template_category_update`: Meta moved an approved template to another category; the
 *   registry of each of the account's numbers takes the new one, and the move is announced (owners
 *   are told what it means);
 * - `message_template_status_update`: a template was paused, disabled, approved again...; the
 *   registry takes the status (only approved ones are sent) and the change is announced.
 * Applying one twice changes nothing more (a redelivery).
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface AccountUpdate {
  wabaId: string;
  field: string;
  value: Obj;
  at: Date;
}

export function accountUpdatesOf(body: Obj): AccountUpdate[] {
  const updates: AccountUpdate[] = [];
  for (const entry of Array.isArray(body.entry) ? body.entry : []) {
    if (!isObj(entry) || typeof entry.id !== 'string' || !Array.isArray(entry.changes)) continue;
    const time = typeof entry.time === 'number' ? new Date(entry.time * 1000) : new Date();
    for (const change of entry.changes) {
      if (!isObj(change) || !isObj(change.value) || typeof change.field !== 'string') continue;
      if (change.field === 'messages') continue;
      updates.push({ wabaId: entry.id, field: change.field, value: change.value, at: time });
    }
  }
  return updates;
}

export async function applyAccountUpdates(ctx: AppContext, body: Obj): Promise<void> {
  for (const update of accountUpdatesOf(body)) {
    const limit = limitOfAccountUpdate(update.field, update.value);
    if (limit !== undefined) {
      await setMessagingLimitIn(ctx.db, { portfolioKey: `waba:${update.wabaId}`, dailyLimit: limit, source: 'meta' });
      ctx.logger.info({ wabaId: update.wabaId, dailyLimit: limit }, 'WhatsApp messaging limit set by Meta');
    }
    if (update.field === 'template_category_update') await recategorise(ctx, update);
    if (update.field === 'message_template_status_update') await restatus(ctx, update);
  }
}

/** Each of the account's numbers with its registry's row for a template named by Meta (en_US may be en here). */
async function forEachTemplate(
  ctx: AppContext,
  update: AccountUpdate,
  apply: (
    tx: Tx,
    channel: { id: string; practiceId: string },
    known: { id: string; language: string } | undefined,
  ) => Promise<void>,
) {
  const name = update.value.message_template_name;
  const language = update.value.message_template_language;
  if (typeof name !== 'string' || typeof language !== 'string') return;
  const channels = await ctx.db
    .selectFrom('whatsappChannels')
    .select(['id', 'practiceId'])
    .where('wabaId', '=', update.wabaId)
    .execute();
  for (const channel of channels) {
    await inPractice(ctx.db, channel.practiceId, async (tx) => {
      const templates = await tx
        .selectFrom('whatsappTemplates')
        .select(['id', 'language'])
        .where('channelId', '=', channel.id)
        .where('name', '=', name)
        .where('language', 'in', [...new Set([language, language.split('_')[0]!])])
        .execute();
      await apply(tx, channel, templates.find((t) => t.language === language) ?? templates[0]);
    });
  }
}

async function restatus(ctx: AppContext, update: AccountUpdate) {
  const status = update.value.event;
  if (typeof status !== 'string') return;
  await forEachTemplate(ctx, update, async (tx, channel, known) => {
    if (known)
      await tx
        .updateTable('whatsappTemplates')
        .set({ status: status.toUpperCase() })
        .where('id', '=', known.id)
        .execute();
    await publishEvent(tx, templateStatusChanged, {
      practiceId: channel.practiceId,
      channelId: channel.id,
      templateName: String(update.value.message_template_name),
      language: known?.language ?? String(update.value.message_template_language),
      status: status.toUpperCase(),
      at: update.at.toISOString(),
    });
  });
}

async function recategorise(ctx: AppContext, update: AccountUpdate) {
  const newCategory = update.value.new_category;
  if (typeof newCategory !== 'string') return;
  const previous = typeof update.value.previous_category === 'string' ? update.value.previous_category : null;
  await forEachTemplate(ctx, update, async (tx, channel, known) => {
    if (known)
      await tx
        .updateTable('whatsappTemplates')
        .set({ category: newCategory.toUpperCase() })
        .where('id', '=', known.id)
        .execute();
    await publishEvent(tx, templateCategoryChanged, {
      practiceId: channel.practiceId,
      channelId: channel.id,
      templateName: String(update.value.message_template_name),
      language: known?.language ?? String(update.value.message_template_language),
      previousCategory: previous?.toUpperCase() ?? null,
      newCategory: newCategory.toUpperCase(),
      at: update.at.toISOString(),
    });
  });
}
