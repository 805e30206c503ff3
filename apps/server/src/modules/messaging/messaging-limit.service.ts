import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/connection.js';
import type { Tx } from '../../platform/tenancy.js';
import type { MessagingLimit } from './messaging-limit.js';

/**
 * The daily messaging limit of a business portfolio, kept by the database: before a template goes
 * to someone outside their 24-hour window, the portfolio's row is locked, the people reached in
 * the last 24 hours are counted, and the new one is recorded, in one transaction. Dispatchers in
 * any number of processes take turns on that lock, so together they never pass the limit. A send
 * that would pass it waits in the outbox until the oldest of those people drops out of the 24
 * hours, with the reason on the message for staff to see.
 */

export type Admission = { go: true } | { go: false; until: Date };

/** Reached people are known by a keyed hash of their WhatsApp id: the table never holds a number. */
function recipientOf(ctx: AppContext, portfolioKey: string, waId: string): Buffer {
  return createHmac('sha256', ctx.config.encryptionKey).update(`messaging-limit:${portfolioKey}:${waId}`).digest();
}

/** People reached by the portfolio in the last 24 hours (messages that failed do not count), one row each, oldest first. */
const live = (portfolioKey: string) => sql`
  SELECT r.recipient, max(r.reached_at) AS reached_at FROM whatsapp_portfolio_reach r
  JOIN whatsapp_messages m ON m.id = r.message_id AND m.status <> 'failed'
  WHERE r.portfolio_key = ${portfolioKey} AND r.reached_at > now() - interval '24 hours'
  GROUP BY r.recipient`;

/**
 * May the outbox row `seq` go now? Yes at once for anything but a template to someone whose
 * window is closed, and for a person the portfolio already reached in the last 24 hours; else
 * only while the portfolio has room, which this call then takes.
 */
export async function admitUnderMessagingLimit(ctx: AppContext, seq: number): Promise<Admission> {
  const facts = await sql<{ portfolioKey: string; waId: string | null; messageId: string; windowOpen: boolean }>`
    SELECT ch.portfolio_key, c.wa_id, o.message_id,
      coalesce(c.last_inbound_at > now() - interval '24 hours', false) AS window_open
    FROM whatsapp_outbox o
    JOIN whatsapp_messages m ON m.id = o.message_id
    JOIN whatsapp_conversations c ON c.id = o.conversation_id
    JOIN whatsapp_channels ch ON ch.id = o.channel_id
    WHERE o.seq = ${seq} AND o.kind = 'message'
      -- The inbox content's shape names a template in the clear (the request's words may be sealed).
      AND m.content->>'type' = 'template'`.execute(ctx.db);
  const f = facts.rows[0];
  if (!f || f.windowOpen || !f.waId) return { go: true };
  const recipient = recipientOf(ctx, f.portfolioKey, f.waId);
  const known = await ctx.db
    .selectFrom('whatsappMessagingLimits')
    .select('dailyLimit')
    .where('portfolioKey', '=', f.portfolioKey)
    .executeTakeFirst();
  if (!known?.dailyLimit) {
    // Unlimited (or not known): no turn to take, the person is only counted, for the owner to see.
    await sql`
      INSERT INTO whatsapp_portfolio_reach (portfolio_key, recipient, message_id)
      SELECT ${f.portfolioKey}, ${recipient}, ${f.messageId}
      WHERE NOT EXISTS (SELECT 1 FROM whatsapp_portfolio_reach WHERE portfolio_key = ${f.portfolioKey}
        AND recipient = ${recipient} AND reached_at > now() - interval '24 hours')`.execute(ctx.db);
    return { go: true };
  }
  return ctx.db.transaction().execute(async (tx) => {
    // The portfolio's turn: every other send outside the window on this portfolio waits here.
    const { dailyLimit } = await tx
      .selectFrom('whatsappMessagingLimits')
      .select('dailyLimit')
      .where('portfolioKey', '=', f.portfolioKey)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const { rows } = await sql<{ reached: string; counted: boolean; freeingAt: Date | null }>`
      WITH live AS (${live(f.portfolioKey)})
      SELECT (SELECT count(*) FROM live) AS reached,
        EXISTS (SELECT 1 FROM live WHERE recipient = ${recipient}) AS counted,
        (SELECT reached_at FROM live ORDER BY reached_at
          OFFSET greatest((SELECT count(*) FROM live) - ${dailyLimit ?? 0}, 0) LIMIT 1) AS freeing_at`.execute(tx);
    const { reached, counted, freeingAt } = rows[0]!;
    if (!counted && dailyLimit !== null && Number(reached) >= dailyLimit)
      return { go: false, until: new Date(new Date(freeingAt!).getTime() + 24 * 3600_000) };
    if (!counted)
      await tx
        .insertInto('whatsappPortfolioReach')
        .values({ portfolioKey: f.portfolioKey, recipient, messageId: f.messageId })
        .execute();
    await tx
      .updateTable('whatsappMessages')
      .set({ heldUntil: null, heldReason: null })
      .where('id', '=', f.messageId)
      .where('heldReason', 'is not', null)
      .execute();
    return { go: true };
  });
}

/** The claimed row goes back to the queue until `until`, its message saying why (the claim's attempt is given back). */
export async function holdForMessagingLimit(db: Db, row: { seq: number; messageId: string }, until: Date) {
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('whatsappOutbox')
      .set({
        state: 'queued',
        attemptStartedAt: null,
        claimedUntil: null,
        attempts: sql`greatest(attempts - 1, 0)`,
        nextAttemptAt: until,
        lastError: 'daily messaging limit reached',
      })
      .where('seq', '=', row.seq)
      .where('state', '=', 'sending')
      .execute();
    await tx
      .updateTable('whatsappMessages')
      .set({ heldUntil: until, heldReason: 'messaging_limit' })
      .where('id', '=', row.messageId)
      .execute();
  });
}

export interface MessagingLimitView {
  /** Null: unlimited. */
  dailyLimit: MessagingLimit;
  source: 'default' | 'owner' | 'meta';
  /** People reached outside their window in the last 24 hours, by every number of the portfolio. */
  reachedLast24h: number;
  /** The portfolio is the number's WhatsApp Business Account, or the number alone while none is set. */
  sharedBy: 'account' | 'number';
}

/** The limit a number counts against and how much of it the last 24 hours used (read outside any practice: a portfolio may be shared). */
export async function messagingLimitOfChannel(db: Db, channelId: string): Promise<MessagingLimitView | null> {
  const channel = await db
    .selectFrom('whatsappChannels')
    .select('portfolioKey')
    .where('id', '=', channelId)
    .executeTakeFirst();
  if (!channel) return null;
  const limit = await db
    .selectFrom('whatsappMessagingLimits')
    .select(['dailyLimit', 'source'])
    .where('portfolioKey', '=', channel.portfolioKey)
    .executeTakeFirst();
  const { rows } = await sql<{
    reached: string;
  }>`SELECT count(*) AS reached FROM (${live(channel.portfolioKey)}) l`.execute(db);
  return {
    dailyLimit: limit ? limit.dailyLimit : null,
    source: limit?.source ?? 'default',
    reachedLast24h: Number(rows[0]!.reached),
    sharedBy: channel.portfolioKey.startsWith('waba:') ? 'account' : 'number',
  };
}

/** An owner's choice, or what Meta's webhook told, for the portfolio a number counts against (it outranks any Graph API reading). */
export async function setMessagingLimitIn(
  tx: Tx | Db,
  input: { portfolioKey: string; dailyLimit: MessagingLimit; source: 'owner' | 'meta' },
) {
  await sql`
    INSERT INTO whatsapp_messaging_limits (portfolio_key, daily_limit, source)
    VALUES (${input.portfolioKey}, ${input.dailyLimit}, ${input.source})
    ON CONFLICT (portfolio_key) DO UPDATE SET daily_limit = EXCLUDED.daily_limit, source = EXCLUDED.source,
      tier_read_at = NULL, updated_at = now()`.execute(tx);
}

/**
 * What the Graph API said of a number's tier, for its portfolio: taken only while nobody set the
 * limit or the value came from an earlier reading; the owner's choice and the webhook's word stay.
 * Whether it was taken.
 */
export async function storeTierReading(db: Db, input: { portfolioKey: string; dailyLimit: MessagingLimit }) {
  const result = await sql`
    INSERT INTO whatsapp_messaging_limits AS l (portfolio_key, daily_limit, source, tier_read_at)
    VALUES (${input.portfolioKey}, ${input.dailyLimit}, 'meta', now())
    ON CONFLICT (portfolio_key) DO UPDATE SET daily_limit = EXCLUDED.daily_limit, source = 'meta',
      tier_read_at = now(), updated_at = now()
    WHERE l.source = 'default' OR l.tier_read_at IS NOT NULL`.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/**
 * The patient wrote: their window is open, so what the limit held back in their conversation may
 * go now (it no longer counts), and the replies queued behind it are not kept waiting. How many.
 */
export async function releaseHeldOfConversation(db: Db, conversationId: string): Promise<number> {
  const released = await sql`
    UPDATE whatsapp_outbox o SET next_attempt_at = now()
    FROM whatsapp_messages m
    WHERE o.conversation_id = ${conversationId} AND o.state = 'queued' AND o.kind = 'message'
      AND m.id = o.message_id AND m.held_reason IS NOT NULL AND o.next_attempt_at > now()`.execute(db);
  return Number(released.numAffectedRows ?? 0);
}

/** People reached more than two days ago are no longer needed (upkeep). */
export async function forgetOldReach(db: Db) {
  await db.deleteFrom('whatsappPortfolioReach').where('reachedAt', '<', sql<Date>`now() - interval '2 days'`).execute();
}
