import type { AutoReplies } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { sealForPractice } from '../../platform/data-keys.js';
import { SQLSTATE, mapDbErrors } from '../../platform/db-errors.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice, listMemberships } from '../../platform/tenancy.js';
import { definitionFromGraph } from './template-parameters.js';
import { SANDBOX_TEMPLATES } from './templates.catalog.js';
import { storeTemplatesIn } from './templates.service.js';
import type { MessagingLimit } from './messaging-limit.js';
import { type MessagingLimitView, messagingLimitOfChannel, setMessagingLimitIn } from './messaging-limit.service.js';
import { readMessagingLimitOfChannel } from './messaging-limit-reading.js';

const numberTaken = (phoneNumberId: string) => () =>
  new AppError('duplicate_name', {
    detail: `The WhatsApp number ${phoneNumberId} is already connected to a practice`,
  });

/**
 * WhatsApp channels: which WhatsApp Business number belongs to which practice (webhooks name
 * the number, so this routes every message), its token, limits and auto-replies. In sandbox
 * mode a new channel gets the templates DentalPro ships, as the fake Graph API would list them.
 */
export async function createChannelIn(
  tx: Tx,
  input: {
    actor: Actor;
    practiceId: string;
    phoneNumberId: string;
    accessToken?: string | undefined;
    masterKey: Buffer;
    sandbox?: boolean;
  },
): Promise<{ id: string; phoneNumberId: string }> {
  if (!/^[0-9]{5,32}$/.test(input.phoneNumberId)) {
    throw new AppError('validation_failed', {
      errors: [
        {
          path: 'phoneNumberId',
          code: 'invalid_format',
          message: 'A WhatsApp phone_number_id is the numeric id Meta shows for the number',
        },
      ],
    });
  }
  // Row-level security hides other practices' channels, so the unique key is what finds a number already in use.
  const { id } = await mapDbErrors(
    () =>
      tx
        .insertInto('whatsappChannels')
        .values({ practiceId: input.practiceId, phoneNumberId: input.phoneNumberId, accessTokenEncrypted: null })
        .returning('id')
        .executeTakeFirstOrThrow(),
    { [SQLSTATE.uniqueViolation]: numberTaken(input.phoneNumberId) },
  );
  if (input.accessToken) {
    const sealed = await sealForPractice(
      tx,
      input.masterKey,
      input.practiceId,
      input.accessToken,
      `whatsapp-channel:${id}:token`,
    );
    await tx.updateTable('whatsappChannels').set({ accessTokenEncrypted: sealed }).where('id', '=', id).execute();
  }
  if (input.sandbox)
    await storeTemplatesIn(tx, {
      practiceId: input.practiceId,
      channelId: id,
      definitions: SANDBOX_TEMPLATES.map(definitionFromGraph),
    });
  await recordAudit(tx, {
    practiceId: input.practiceId,
    actor: input.actor,
    action: 'whatsapp.channel_created',
    targetType: 'whatsapp_channel',
    targetId: id,
    changes: { phoneNumberId: input.phoneNumberId, accessToken: Boolean(input.accessToken) },
  });
  return { id, phoneNumberId: input.phoneNumberId };
}

export interface ChannelView {
  id: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  hasAccessToken: boolean;
  throughputPerSecond: number;
  sendingPausedReason: string | null;
  autoReplies: AutoReplies;
  assistantActive: boolean;
  webhookUrl: string;
  sandbox: boolean;
  messagingLimit: MessagingLimitView;
}

async function channelView(
  ctx: AppContext,
  tx: Tx,
  practiceId: string,
): Promise<Omit<ChannelView, 'messagingLimit'> | null> {
  const c = await tx.selectFrom('whatsappChannels').selectAll().where('practiceId', '=', practiceId).executeTakeFirst();
  if (!c) return null;
  return {
    id: c.id,
    phoneNumberId: c.phoneNumberId,
    displayPhoneNumber: c.displayPhoneNumber,
    wabaId: c.wabaId,
    hasAccessToken: c.accessTokenEncrypted !== null,
    throughputPerSecond: c.throughputPerSecond,
    sendingPausedReason: c.sendingPausedReason,
    autoReplies: {
      greetingEnabled: c.greetingEnabled,
      greetingEn: c.greetingEn,
      greetingFr: c.greetingFr,
      awayEnabled: c.awayEnabled,
      awayEn: c.awayEn,
      awayFr: c.awayFr,
    },
    assistantActive: c.assistantActive,
    webhookUrl: `${ctx.config.publicUrl}/webhooks/whatsapp`,
    sandbox: ctx.config.whatsapp.sandbox,
  };
}

export async function getChannel(ctx: AppContext, input: { actor: Actor; practiceId: string }): Promise<ChannelView> {
  requirePermission(input.actor, 'practice:read');
  const view = await inPractice(ctx.db, input.practiceId, (tx) => channelView(ctx, tx, input.practiceId));
  if (!view) throw new AppError('whatsapp_not_configured');
  return withMessagingLimit(ctx, view);
}

/** Read after the practice's transaction: the portfolio's count spans every number it has, whoever's. */
async function withMessagingLimit(ctx: AppContext, view: Omit<ChannelView, 'messagingLimit'>): Promise<ChannelView> {
  return { ...view, messagingLimit: (await messagingLimitOfChannel(ctx.db, view.id))! };
}

/** Connects the practice's WhatsApp number or changes its details; a new token lifts a pause. */
export async function saveChannel(
  ctx: AppContext,
  input: {
    actor: Actor;
    practiceId: string;
    channel: {
      phoneNumberId: string;
      displayPhoneNumber: string;
      wabaId: string;
      accessToken?: string | undefined;
      throughputPerSecond: number;
      autoReplies?: AutoReplies | undefined;
      dailyMessagingLimit?: MessagingLimit | undefined;
    };
  },
): Promise<ChannelView> {
  requirePermission(input.actor, 'practice:manage');
  const c = input.channel;
  let connected = false;
  const view = await inPractice(ctx.db, input.practiceId, async (tx) => {
    let existing = await tx
      .selectFrom('whatsappChannels')
      .selectAll()
      .where('practiceId', '=', input.practiceId)
      .executeTakeFirst();
    if (!existing) {
      connected = true;
      const created = await createChannelIn(tx, {
        actor: input.actor,
        practiceId: input.practiceId,
        phoneNumberId: c.phoneNumberId,
        masterKey: ctx.config.encryptionKey,
        sandbox: ctx.config.whatsapp.sandbox,
      });
      existing = await tx
        .selectFrom('whatsappChannels')
        .selectAll()
        .where('id', '=', created.id)
        .executeTakeFirstOrThrow();
    }
    const token = c.accessToken
      ? await sealForPractice(
          tx,
          ctx.config.encryptionKey,
          input.practiceId,
          c.accessToken,
          `whatsapp-channel:${existing.id}:token`,
        )
      : undefined;
    await mapDbErrors(
      () =>
        tx
          .updateTable('whatsappChannels')
          .set({
            phoneNumberId: c.phoneNumberId,
            displayPhoneNumber: c.displayPhoneNumber,
            wabaId: c.wabaId,
            throughputPerSecond: c.throughputPerSecond,
            ...(token ? { accessTokenEncrypted: token, sendingPausedReason: null } : {}),
            ...(c.autoReplies ?? {}),
            updatedAt: new Date(),
          })
          .where('id', '=', existing.id)
          .execute(),
      { [SQLSTATE.uniqueViolation]: numberTaken(c.phoneNumberId) },
    );
    const changes: Record<string, unknown> = {};
    for (const key of ['phoneNumberId', 'displayPhoneNumber', 'wabaId', 'throughputPerSecond'] as const) {
      if (existing[key] !== c[key]) changes[key] = [existing[key], c[key]];
    }
    if (token) changes.accessToken = 'replaced';
    if (token || changes.phoneNumberId || changes.wabaId) connected = true;
    if (c.autoReplies) changes.autoReplies = 'saved';
    if (c.dailyMessagingLimit !== undefined) {
      // The portfolio as the number now names it (the account id may just have changed).
      const { portfolioKey } = await tx
        .selectFrom('whatsappChannels')
        .select('portfolioKey')
        .where('id', '=', existing.id)
        .executeTakeFirstOrThrow();
      await setMessagingLimitIn(tx, { portfolioKey, dailyLimit: c.dailyMessagingLimit, source: 'owner' });
      changes.dailyMessagingLimit = c.dailyMessagingLimit ?? 'unlimited';
    }
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'whatsapp.channel_updated',
      targetType: 'whatsapp_channel',
      targetId: existing.id,
      changes,
    });
    return (await channelView(ctx, tx, input.practiceId))!;
  });
  // Meta's tier for a portfolio nobody set, once the number (or its account or token) is new: after
  // the transaction, as no transaction waits on the network.
  if (connected) await readMessagingLimitOfChannel(ctx, view.id);
  return withMessagingLimit(ctx, view);
}

/** The number each channel answers on, by id, for the audit trail. */
export async function channelNumbersIn(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom('whatsappChannels')
    .select(['id', 'displayPhoneNumber', 'phoneNumberId'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.displayPhoneNumber || r.phoneNumberId]));
}

/** The WhatsApp numbers of the practices a user belongs to (the numbers the sandbox phone may write to). */
export async function channelsOfMember(ctx: AppContext, userId: string) {
  const practices = await listMemberships(ctx.db, userId);
  if (practices.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('whatsappChannels')
    .select(['practiceId', 'phoneNumberId', 'displayPhoneNumber', 'wabaId'])
    .where(
      'practiceId',
      'in',
      practices.map((p) => p.practiceId),
    )
    .execute();
  return rows.map((r) => ({
    ...r,
    practiceName: practices.find((p) => p.practiceId === r.practiceId)!.practiceName,
  }));
}
