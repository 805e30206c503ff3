import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { inPractice } from '../../platform/tenancy.js';
import { channelGraphToken } from './dispatcher.js';
import { getGraphMessagingLimitTier } from './graph-client.js';
import { limitFromMeta } from './messaging-limit.js';
import { storeTierReading } from './messaging-limit.service.js';

/**
 * Meta's daily messaging limit read from the Graph API (`messaging_limit_tier` of a number), so
 * that a portfolio nobody told us about is still held to its limit. Asked when a number is
 * connected and by messaging's upkeep: for portfolios whose limit is unknown, and again every few
 * hours for those whose value came from an earlier reading. The owner's choice and Meta's webhooks
 * are never replaced (storeTierReading). A failed reading changes nothing and is tried again at the
 * next upkeep.
 */

/** How old a reading may get before the upkeep asks Meta again. */
export const TIER_READ_HOURS = 6;
/** An owner saving the number waits for Meta at most this long. */
const CONNECT_TIMEOUT_MS = 5_000;

interface NumberToRead {
  channelId: string;
  practiceId: string;
  phoneNumberId: string;
  portfolioKey: string;
  accessTokenEncrypted: Buffer | null;
}

/**
 * One number per portfolio whose limit a reading may set: none known yet, or an earlier reading
 * (older than `olderThanHours` when given). Numbers without a token (outside the sandbox) or paused
 * for a bad token are not asked.
 */
async function numbersToRead(
  ctx: AppContext,
  filter: { channelId?: string; olderThanHours?: number },
): Promise<NumberToRead[]> {
  const { rows } = await sql<NumberToRead>`
    SELECT DISTINCT ON (ch.portfolio_key) ch.id AS channel_id, ch.practice_id, ch.phone_number_id, ch.portfolio_key,
      ch.access_token_encrypted
    FROM whatsapp_channels ch
    LEFT JOIN whatsapp_messaging_limits l ON l.portfolio_key = ch.portfolio_key
    WHERE (ch.access_token_encrypted IS NOT NULL OR ${ctx.config.whatsapp.sandbox}::boolean)
      AND ch.sending_paused_reason IS NULL
      AND ${filter.channelId ? sql`ch.id = ${filter.channelId}` : sql`true`}
      AND (l.portfolio_key IS NULL OR l.source = 'default' OR (l.tier_read_at IS NOT NULL
        AND ${
          filter.olderThanHours === undefined
            ? sql`true`
            : sql`l.tier_read_at < now() - make_interval(hours => ${filter.olderThanHours})`
        }))
    ORDER BY ch.portfolio_key, ch.created_at`.execute(ctx.db);
  return rows;
}

/** Asks Meta for one number's tier and keeps it for its portfolio when it may; logs (ids only) why not. */
async function readTier(ctx: AppContext, graphUrl: string, number: NumberToRead, timeoutMs?: number) {
  const token = await inPractice(ctx.db, number.practiceId, (tx) =>
    channelGraphToken(ctx, tx, number.practiceId, {
      id: number.channelId,
      accessTokenEncrypted: number.accessTokenEncrypted,
    }),
  );
  if (!token) return;
  const answer = await getGraphMessagingLimitTier(
    { baseUrl: graphUrl, version: ctx.config.whatsapp.graphVersion, accessToken: token, timeoutMs },
    number.phoneNumberId,
  );
  const where = { channelId: number.channelId, portfolioKey: number.portfolioKey };
  if (!answer.ok) {
    ctx.logger.warn(
      { ...where, httpStatus: answer.httpStatus, code: answer.code, err: answer.message },
      'WhatsApp messaging limit could not be read from Meta; the current value stays',
    );
    return;
  }
  const limit = answer.value === null ? undefined : limitFromMeta(answer.value);
  if (limit === undefined) {
    ctx.logger.info({ ...where, tier: answer.value }, 'Meta gave no messaging limit tier we can use');
    return;
  }
  if (await storeTierReading(ctx.db, { portfolioKey: number.portfolioKey, dailyLimit: limit }))
    ctx.logger.info({ ...where, dailyLimit: limit }, 'WhatsApp messaging limit read from Meta');
}

/** A number was connected (or its account, number or token changed): its portfolio's limit, if a reading may set it. */
export async function readMessagingLimitOfChannel(ctx: AppContext, channelId: string): Promise<void> {
  // In the sandbox the fake Graph API lives on this server and is known once it listens.
  const graphUrl = ctx.config.whatsapp.graphUrl ?? ctx.graph.url;
  if (!graphUrl) return;
  // The number is saved already: nothing here may fail the owner's save.
  try {
    for (const number of await numbersToRead(ctx, { channelId }))
      await readTier(ctx, graphUrl, number, CONNECT_TIMEOUT_MS);
  } catch (err) {
    ctx.logger.warn({ channelId, err: (err as Error).message }, 'WhatsApp messaging limit could not be read from Meta');
  }
}

/** Upkeep: portfolios whose limit is unknown, or was read more than TIER_READ_HOURS ago, ask Meta. */
export async function refreshMessagingLimits(ctx: AppContext, graphUrl: string): Promise<void> {
  for (const number of await numbersToRead(ctx, { olderThanHours: TIER_READ_HOURS }))
    await readTier(ctx, graphUrl, number).catch((err: Error) =>
      ctx.logger.warn(
        { channelId: number.channelId, portfolioKey: number.portfolioKey, err: err.message },
        'WhatsApp messaging limit could not be read from Meta',
      ),
    );
}
