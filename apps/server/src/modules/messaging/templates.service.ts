import type { WhatsAppTemplate } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { channelGraphToken } from './dispatcher.js';
import { listGraphTemplates } from './graph-client.js';
import { type TemplateDefinition, definitionFromGraph } from './template-parameters.js';

/** The template registry of each WhatsApp number, kept in step with Meta's `message_templates`. */

export async function findTemplateIn(
  tx: Tx,
  channelId: string,
  name: string,
  language: string,
): Promise<TemplateDefinition | undefined> {
  const row = await tx
    .selectFrom('whatsappTemplates')
    .selectAll()
    .where('channelId', '=', channelId)
    .where('name', '=', name)
    .where('language', '=', language)
    .executeTakeFirst();
  return (
    row && {
      ...row,
      parameters: row.parameters as TemplateDefinition['parameters'],
      quickReplies: row.quickReplies as string[],
    }
  );
}

export async function listTemplates(ctx: AppContext, input: { actor: Actor; practiceId: string }) {
  requirePermission(input.actor, 'inbox:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const channel = await tx
      .selectFrom('whatsappChannels')
      .select(['id', 'templatesSyncedAt'])
      .where('practiceId', '=', input.practiceId)
      .executeTakeFirst();
    if (!channel) throw new AppError('whatsapp_not_configured');
    const rows = await tx
      .selectFrom('whatsappTemplates')
      .selectAll()
      .where('channelId', '=', channel.id)
      .orderBy('name')
      .orderBy('language')
      .execute();
    const items: WhatsAppTemplate[] = rows.map((r) => ({
      id: r.id,
      name: r.name,
      language: r.language,
      category: r.category,
      status: r.status,
      body: r.body,
      parameterFormat: r.parameterFormat,
      parameters: r.parameters as WhatsAppTemplate['parameters'],
      quickReplies: r.quickReplies as string[],
    }));
    return { items, syncedAt: channel.templatesSyncedAt ? new Date(channel.templatesSyncedAt).toISOString() : null };
  });
}

/**
 * Replaces the registry with what Meta has for the account (the sandbox's fake serves the
 * templates DentalPro ships). Templates gone from Meta are removed; only approved ones can be sent.
 */
export async function syncTemplates(ctx: AppContext, input: { actor: Actor; practiceId: string; graphUrl: string }) {
  requirePermission(input.actor, 'practice:manage');
  const channel = await inPractice(ctx.db, input.practiceId, async (tx) => {
    const c = await tx
      .selectFrom('whatsappChannels')
      .select(['id', 'wabaId', 'accessTokenEncrypted'])
      .where('practiceId', '=', input.practiceId)
      .executeTakeFirst();
    if (!c) throw new AppError('whatsapp_not_configured');
    return { ...c, token: await channelGraphToken(ctx, tx, input.practiceId, c) };
  });
  if (!channel.token)
    throw new AppError('whatsapp_not_configured', { detail: 'Set the access token of the WhatsApp number first' });
  if (!channel.wabaId && !ctx.config.whatsapp.sandbox)
    throw new AppError('validation_failed', {
      errors: [{ path: 'wabaId', code: 'required', message: 'Set the WhatsApp Business Account ID first' }],
    });
  const result = await listGraphTemplates(
    { baseUrl: input.graphUrl, version: ctx.config.whatsapp.graphVersion, accessToken: channel.token },
    channel.wabaId || '0',
  );
  if (!result.ok)
    throw new AppError('service_unavailable', { detail: `Meta did not list the templates: ${result.message}` });
  const definitions = result.value
    .filter((t) => t && typeof t.name === 'string' && typeof t.language === 'string')
    .map(definitionFromGraph);
  await inPractice(ctx.db, input.practiceId, async (tx) => {
    await tx.deleteFrom('whatsappTemplates').where('channelId', '=', channel.id).execute();
    await storeTemplatesIn(tx, { practiceId: input.practiceId, channelId: channel.id, definitions });
    // The periodic refresh is housekeeping; an owner's "sync now" is an action worth the trail.
    if (input.actor.role !== 'system') {
      await recordAudit(tx, {
        practiceId: input.practiceId,
        actor: input.actor,
        action: 'whatsapp.templates_synced',
        targetType: 'whatsapp_channel',
        targetId: channel.id,
        changes: { count: definitions.length },
      });
    }
  });
  return listTemplates(ctx, { actor: input.actor, practiceId: input.practiceId });
}

/** Writes template definitions into a number's registry (a sync, or the sandbox's shipped set for a new channel). */
export async function storeTemplatesIn(
  tx: Tx,
  input: { practiceId: string; channelId: string; definitions: TemplateDefinition[] },
) {
  if (input.definitions.length > 0) {
    await tx
      .insertInto('whatsappTemplates')
      .values(
        input.definitions.map((d) => ({
          practiceId: input.practiceId,
          channelId: input.channelId,
          name: d.name,
          language: d.language,
          category: d.category,
          status: d.status,
          body: d.body,
          parameterFormat: d.parameterFormat,
          parameters: JSON.stringify(d.parameters),
          quickReplies: JSON.stringify(d.quickReplies),
        })),
      )
      .onConflict((oc) => oc.columns(['channelId', 'name', 'language']).doNothing())
      .execute();
  }
  await tx
    .updateTable('whatsappChannels')
    .set({ templatesSyncedAt: new Date() })
    .where('id', '=', input.channelId)
    .execute();
}

/**
 * The template a failed message carried and Meta's code for the failure (staff notifications tell
 * the owner what to do about a template Meta refused); null for a message that was no template.
 */
export async function failedTemplateOfMessageIn(
  tx: Tx,
  messageId: string,
): Promise<{ name: string; language: string; code: number | null } | null> {
  const row = await tx
    .selectFrom('whatsappMessages')
    .select(['content', 'failureCode'])
    .where('id', '=', messageId)
    .executeTakeFirst();
  // A template's name and language are the content's shape, never sealed with its words.
  const content = row?.content as { type?: unknown; name?: unknown; language?: unknown } | undefined;
  if (!row || content?.type !== 'template' || typeof content.name !== 'string' || typeof content.language !== 'string')
    return null;
  return { name: content.name, language: content.language, code: row.failureCode };
}
