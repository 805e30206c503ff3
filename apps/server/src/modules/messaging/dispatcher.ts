import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { openForPractice, sealForPractice } from '../../platform/data-keys.js';
import { publishEvent } from '../../platform/jobs.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { fileStoreOf } from '../../platform/file-store.js';
import {
  type GraphResult,
  type GraphTarget,
  downloadGraphMedia,
  getGraphMediaUrl,
  markGraphMessageRead,
  sendGraphMessage,
} from './graph-client.js';
import { classifyGraphError, retryDelayMs } from './graph-errors.js';
import { admitUnderMessagingLimit, holdForMessagingLimit } from './messaging-limit.service.js';
import { openMessage, openerOutside } from './message-words.js';
import { outboundFailed } from './messaging.events.js';
import { META_OPT_OUT_WORDING, optOutConversation } from './opt-outs.js';
import { markNotOnWhatsAppIn } from './reachability.js';
import { applyPendingStatuses } from './statuses.js';

/**
 * The outbound side: takes due rows from the outbox and makes their Graph API calls.
 *
 * - Throughput: each number has a send slot in the database (`send_slot_at`); a claim reserves
 *   consecutive slots 1/cap seconds apart, so however many processes send, one number never
 *   goes above its cap in any second. Slots are reserved at most a second ahead.
 * - Pair rate: a conversation gets a burst of ten, then one message per six seconds (Meta allows
 *   bursts of up to 45 in six seconds, borrowed from the same rate), and only its oldest pending
 *   message is ever in flight, so patients read messages in order. Ten lets a chat with the
 *   assistant (two or three replies a turn) run without waiting, and stays far from Meta's edge.
 * - Never twice: `attempt_started_at` is committed before the HTTP call. A claim that runs out
 *   with it set may have reached Meta, and Meta has no idempotency key, so that message is
 *   marked failed ('interrupted') for staff to check rather than resent.
 * - Retries: transient errors back off exponentially with jitter; permanent ones fail at once.
 * - Send-by: a message its sender gave a last useful moment (`send_by`: a reminder shortly before
 *   its appointment) is never sent after it. Waiting past it (held by the daily messaging limit,
 *   retrying, on a paused number) it fails as `too_late`; one the limit would hold past it fails
 *   at once rather than wait for nothing. Either way announced like any failure.
 */
export const PAIR_INTERVAL_SECONDS = 6;
export const PAIR_BURST = 10;
/** Sends are spaced a little wider than 1/cap: timers fire late, and a late send must not land in the next second's budget. */
const SPACING_MARGIN = 1.05;
const CLAIM_SECONDS = 120;
const TOO_LATE_DETAIL = 'Not sent: it was still waiting to go when its send-by time passed';
const HELD_TOO_LATE_DETAIL = 'Not sent: the daily messaging limit held it past its send-by time';
const MAX_ATTEMPTS = 10;
const MAX_MEDIA_BYTES = 25 * 1024 * 1024;

interface Claimed {
  seq: number;
  practiceId: string;
  channelId: string;
  conversationId: string;
  messageId: string;
  kind: 'message' | 'read_receipt' | 'media_download';
  attempts: number;
  /** A template: only those can be business-initiated, so only those count towards the messaging limit. */
  template: boolean;
  /** Its sender's last useful moment (null: none). */
  sendBy: Date | null;
}

export interface DispatcherOptions {
  /** The Graph API's base URL (the sandbox's own address is only known once the server listens). */
  graphUrl: () => string;
  maxInFlight?: number;
  /** How long a Graph API call may take before it counts as a network error. */
  graphTimeoutMs?: number;
  onNotice?: (notice: { practiceId: string; conversationId: string; messageId: string }) => void;
}

export function createDispatcher(ctx: AppContext, opts: DispatcherOptions) {
  const maxInFlight = opts.maxInFlight ?? 500;
  const inFlight = new Set<Promise<void>>();
  const tokens = new Map<string, { token: string | null; until: number }>();
  let lastRecovery = 0;
  // Per number, the calls of this process leave one spacing apart, and never before their slot.
  // The database work between a slot and its call (a busy pool or event loop) can delay sends;
  // without this, late ones would go out together with the next claim's punctual ones, above the cap.
  const departures = new Map<string, Promise<void>>();
  function departure(channelId: string, slot: number, spacingMs: number): Promise<void> {
    const leave = (departures.get(channelId) ?? Promise.resolve()).then(() => sleep(slot - Date.now()));
    departures.set(
      channelId,
      leave.then(() => sleep(spacingMs)),
    );
    return leave;
  }

  async function runOnce(): Promise<number> {
    if (Date.now() - lastRecovery > 5_000) {
      lastRecovery = Date.now();
      await recoverExpiredClaims();
    }
    const tooLate = await failPastSendBy();
    const room = maxInFlight - inFlight.size;
    if (room <= 0) return tooLate;
    const channels = await sql<{ channelId: string; throughputPerSecond: number }>`
      SELECT ch.id AS channel_id, ch.throughput_per_second FROM whatsapp_channels ch
      WHERE ch.sending_paused_reason IS NULL AND ch.send_slot_at < now() + interval '1 second'
        AND EXISTS (SELECT 1 FROM whatsapp_outbox o WHERE o.channel_id = ch.id AND o.state = 'queued' AND o.next_attempt_at <= now())
      -- The number served longest ago first: when maxInFlight leaves room for only some, none starves.
      ORDER BY ch.send_slot_at`.execute(ctx.db);
    let claimedTotal = 0;
    for (const channel of channels.rows) {
      const limit = Math.min(channel.throughputPerSecond, room - claimedTotal);
      if (limit <= 0) break;
      const { rows, firstSlot, spacingMs } = await claim(channel.channelId, channel.throughputPerSecond, limit);
      for (const [i, row] of rows.entries()) track(sendAt(row, firstSlot + i * spacingMs, spacingMs));
      claimedTotal += rows.length;
    }
    return claimedTotal + tooLate;
  }

  /**
   * Messages whose send-by time passed while they waited are not sent late: each fails as
   * `too_late` (saying whether the daily messaging limit was what held it), its outbox row goes,
   * and the failure is announced, a batch per transaction. A row under way is left to its call.
   */
  async function failPastSendBy(): Promise<number> {
    // Most rounds find none: one look on the partial index, no transaction.
    const { rows: due } = await sql`
      SELECT 1 FROM whatsapp_outbox WHERE state = 'queued' AND send_by <= now() LIMIT 1`.execute(ctx.db);
    if (due.length === 0) return 0;
    const failed = await ctx.db.transaction().execute(async (tx) => {
      const { rows } = await sql<{ practiceId: string; conversationId: string; messageId: string }>`
        WITH gone AS (
          DELETE FROM whatsapp_outbox o
          WHERE o.seq IN (SELECT seq FROM whatsapp_outbox WHERE state = 'queued' AND send_by <= now()
            ORDER BY send_by LIMIT 500 FOR UPDATE SKIP LOCKED)
          RETURNING o.message_id
        )
        UPDATE whatsapp_messages m SET status = 'failed', status_at = now(), failure_reason = 'too_late',
          failure_code = NULL,
          failure_detail = CASE WHEN m.held_reason IS NULL THEN ${TOO_LATE_DETAIL}::text ELSE ${HELD_TOO_LATE_DETAIL}::text END
        FROM gone WHERE m.id = gone.message_id AND m.status IN ('queued', 'sending')
        RETURNING m.practice_id, m.conversation_id, m.id AS message_id`.execute(tx);
      for (const row of rows) await publishEvent(tx, outboundFailed, { ...row, reason: 'too_late' });
      return rows;
    });
    for (const row of failed) notify(row);
    return failed.length;
  }

  /** A claimed message the daily messaging limit would hold past its send-by time: not sent at all, said so now. */
  async function failHeldTooLate(row: Claimed, heldUntil: Date) {
    await ctx.db.transaction().execute(async (tx) => {
      const gone = await tx
        .deleteFrom('whatsappOutbox')
        .where('seq', '=', row.seq)
        .where('state', '=', 'sending')
        .executeTakeFirst();
      if (Number(gone.numDeletedRows) === 0) return;
      await tx
        .updateTable('whatsappMessages')
        .set({
          status: 'failed',
          statusAt: new Date(),
          failureReason: 'too_late',
          failureCode: null,
          failureDetail: HELD_TOO_LATE_DETAIL,
          heldUntil,
          heldReason: 'messaging_limit',
        })
        .where('id', '=', row.messageId)
        .execute();
      await publishEvent(tx, outboundFailed, {
        practiceId: row.practiceId,
        conversationId: row.conversationId,
        messageId: row.messageId,
        reason: 'too_late',
      });
    });
  }

  function track(p: Promise<void>) {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }

  /**
   * One statement: claims up to `limit` due rows of a number, moves their conversations' pair slots
   * on and reserves the number's send slots for them, returning the first slot.
   */
  async function claim(channelId: string, cap: number, limit: number) {
    const spacingMs = (1000 / cap) * SPACING_MARGIN;
    const { rows } = await sql<Claimed & { first: Date | null }>`
      WITH picked AS (
        SELECT o.seq FROM whatsapp_outbox o
        JOIN whatsapp_conversations c ON c.id = o.conversation_id
        WHERE o.channel_id = ${channelId} AND o.state = 'queued' AND o.next_attempt_at <= now()
          -- Past its send-by time it is not sent: failPastSendBy records it.
          AND (o.send_by IS NULL OR o.send_by > now())
          AND (o.kind <> 'message' OR (
            c.pair_slot_at <= now() + make_interval(secs => ${PAIR_INTERVAL_SECONDS * (PAIR_BURST - 1)})
            AND NOT EXISTS (SELECT 1 FROM whatsapp_outbox e WHERE e.conversation_id = o.conversation_id AND e.kind = 'message' AND e.seq < o.seq)))
        ORDER BY o.next_attempt_at, o.seq
        LIMIT ${limit}
        FOR UPDATE OF o SKIP LOCKED
      ), claimed AS (
        UPDATE whatsapp_outbox o SET state = 'sending', attempts = o.attempts + 1, claimed_until = now() + make_interval(secs => ${CLAIM_SECONDS})
        FROM picked WHERE o.seq = picked.seq
        RETURNING o.seq, o.practice_id, o.channel_id, o.conversation_id, o.message_id, o.kind, o.attempts, o.send_by,
          coalesce((SELECT m.content->>'type' = 'template' FROM whatsapp_messages m WHERE m.id = o.message_id), false) AS template
      ), pairs AS (
        UPDATE whatsapp_conversations SET pair_slot_at = greatest(pair_slot_at, now()) + make_interval(secs => ${PAIR_INTERVAL_SECONDS})
        WHERE id IN (SELECT conversation_id FROM claimed WHERE kind = 'message')
      ), slot AS (
        UPDATE whatsapp_channels
        SET send_slot_at = greatest(send_slot_at, clock_timestamp()) + make_interval(secs => ${spacingMs / 1000}::float8 * (SELECT count(*) FROM claimed))
        WHERE id = ${channelId} AND EXISTS (SELECT 1 FROM claimed)
        RETURNING send_slot_at - make_interval(secs => ${spacingMs / 1000}::float8 * (SELECT count(*) FROM claimed)) AS first
      )
      SELECT claimed.*, (SELECT first FROM slot) AS first FROM claimed ORDER BY claimed.seq`.execute(ctx.db);
    if (rows.length === 0) return { rows, firstSlot: 0, spacingMs: 0 };
    return { rows, firstSlot: new Date(rows[0]!.first!).getTime(), spacingMs };
  }

  async function sendAt(row: Claimed, at: number, spacingMs: number) {
    const wait = at - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait + 1));
    try {
      await sendOne(row, at, spacingMs);
    } catch (err) {
      // The claim runs out and recovery decides; nothing is resent blindly.
      ctx.logger.error({ err, seq: row.seq, kind: row.kind }, 'outbound call failed unexpectedly');
    }
  }

  async function sendOne(row: Claimed, slot: number, spacingMs: number) {
    // Meta's daily messaging limit: a template to someone outside their window waits for room. A
    // reply in an open window (the assistant's, the desk's) is never counted: no query for it.
    if (row.kind === 'message' && row.template) {
      const admission = await admitUnderMessagingLimit(ctx, row.seq);
      if (!admission.go) {
        // Held until after its send-by time it would go too late, or never: it fails now, so its
        // sender (a reminder's calendar line, the desk) knows at once rather than at the end.
        if (row.sendBy && admission.until.getTime() >= new Date(row.sendBy).getTime())
          await failHeldTooLate(row, admission.until);
        else await holdForMessagingLimit(ctx.db, row, admission.until);
        notify(row);
        return;
      }
    }
    // The attempt is marked started, and the number and the message read, in one statement.
    const { rows: started } = await sql<{
      phoneNumberId: string;
      accessTokenEncrypted: Buffer | null;
      request: unknown;
      sealed: Buffer | null;
      wamid: string | null;
      createdAt: Date;
    }>`
      UPDATE whatsapp_outbox o SET attempt_started_at = now()
      FROM whatsapp_channels ch, whatsapp_messages m
      WHERE o.seq = ${row.seq} AND o.state = 'sending' AND ch.id = o.channel_id AND m.id = o.message_id
      RETURNING ch.phone_number_id, ch.access_token_encrypted, m.request, m.sealed, m.wamid, m.created_at`.execute(
      ctx.db,
    );
    const attempt = started[0];
    if (!attempt) return;
    const token = await tokenFor(row.practiceId, row.channelId, attempt.accessTokenEncrypted);
    if (!token) {
      await pauseChannel(row, 'no_access_token');
      return;
    }
    const target: GraphTarget = {
      baseUrl: opts.graphUrl(),
      version: ctx.config.whatsapp.graphVersion,
      accessToken: token,
      ...(opts.graphTimeoutMs ? { timeoutMs: opts.graphTimeoutMs } : {}),
    };
    if (row.kind === 'media_download') return downloadMedia(row, target);
    if (row.kind === 'read_receipt') {
      if (attempt.wamid) await departure(row.channelId, slot, spacingMs);
      const result = attempt.wamid
        ? await markGraphMessageRead(target, attempt.phoneNumberId, attempt.wamid)
        : ({ ok: true, value: {} } as const);
      return settle(row, result, null, attempt.createdAt);
    }
    // The request is sealed with the message's words (message-words.ts); rows from before are not.
    const { request } = await openMessage(openerOutside(ctx.db, ctx.config.encryptionKey, row.practiceId), {
      id: row.messageId,
      content: {},
      request: attempt.request,
      sealed: attempt.sealed,
    });
    await departure(row.channelId, slot, spacingMs);
    const result = await sendGraphMessage(target, attempt.phoneNumberId, request as object);
    return settle(row, result, result.ok ? result.value.wamid : null, attempt.createdAt);
  }

  async function settle(row: Claimed, result: GraphResult<unknown>, wamid: string | null, createdAt: Date) {
    if (result.ok) {
      await ctx.db.transaction().execute(async (tx) => {
        if (row.kind !== 'message' || !wamid) {
          await tx.deleteFrom('whatsappOutbox').where('seq', '=', row.seq).execute();
          return;
        }
        // The outbox row goes and the message records its wamid in one statement.
        await tx
          .with('sent', (db) => db.deleteFrom('whatsappOutbox').where('seq', '=', row.seq))
          .updateTable('whatsappMessages')
          .set({
            wamid,
            status: 'sent',
            statusAt: new Date(),
            failureReason: null,
            failureCode: null,
            failureDetail: null,
          })
          .where('id', '=', row.messageId)
          .where('status', 'in', ['queued', 'sending'])
          .execute();
        await applyPendingStatuses(tx, row.channelId, wamid);
      });
      if (row.kind === 'message') notify(row);
      return;
    }
    const action = classifyGraphError(result.code, result.httpStatus);
    ctx.logger.warn(
      {
        seq: row.seq,
        kind: row.kind,
        httpStatus: result.httpStatus,
        code: result.code,
        action: action.action,
        attempt: row.attempts,
      },
      'Graph API refused a call',
    );
    if (action.action === 'pause_channel') return pauseChannel(row, action.reason);
    const tooOld = Date.now() - new Date(createdAt).getTime() > 24 * 3600_000;
    if (action.action === 'retry' && row.attempts < MAX_ATTEMPTS && !tooOld) {
      await ctx.db
        .updateTable('whatsappOutbox')
        .set({
          state: 'queued',
          attemptStartedAt: null,
          claimedUntil: null,
          nextAttemptAt: new Date(Date.now() + retryDelayMs(row.attempts, action.pairLimit)),
          lastError: `${result.httpStatus ?? 'network'} ${result.code ?? ''} ${result.message}`.slice(0, 300),
        })
        .where('seq', '=', row.seq)
        .execute();
      return;
    }
    const reason = action.action === 'retry' ? 'gave_up' : action.reason;
    await ctx.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('whatsappOutbox').where('seq', '=', row.seq).execute();
      if (row.kind !== 'message') return;
      await tx
        .updateTable('whatsappMessages')
        .set({
          status: 'failed',
          statusAt: new Date(),
          failureReason: reason,
          failureCode: result.code,
          failureDetail: [result.message, result.detail].filter(Boolean).join(': ').slice(0, 500),
        })
        .where('id', '=', row.messageId)
        .execute();
      await publishEvent(tx, outboundFailed, {
        practiceId: row.practiceId,
        conversationId: row.conversationId,
        messageId: row.messageId,
        reason,
      });
      if (reason === 'not_on_whatsapp')
        await markNotOnWhatsAppIn(tx, { conversationId: row.conversationId, at: new Date() });
      if (action.action === 'fail' && action.optOut) {
        // Meta's 131050: the patient stopped the practice's messages; every patient on the number is withdrawn in the consent ledger too.
        await optOutConversation(tx, {
          practiceId: row.practiceId,
          conversationId: row.conversationId,
          at: new Date(),
          wording: META_OPT_OUT_WORDING,
        });
      }
    });
    if (row.kind === 'message') notify(row);
  }

  async function pauseChannel(row: Claimed, reason: string) {
    ctx.logger.error(
      { channelId: row.channelId, reason },
      'WhatsApp sending paused for a number until an owner fixes its access token',
    );
    await ctx.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('whatsappChannels')
        .set({ sendingPausedReason: reason })
        .where('id', '=', row.channelId)
        .execute();
      // The message did not go out: it waits, in order, for the number to be fixed.
      await tx
        .updateTable('whatsappOutbox')
        .set({ state: 'queued', attemptStartedAt: null, claimedUntil: null, attempts: sql`attempts - 1` })
        .where('seq', '=', row.seq)
        .execute();
    });
    tokens.delete(row.channelId);
    notify(row);
  }

  async function downloadMedia(row: Claimed, target: GraphTarget) {
    const message = await ctx.db
      .selectFrom('whatsappMessages')
      .select(['mediaId'])
      .where('id', '=', row.messageId)
      .executeTakeFirstOrThrow();
    let outcome: { bytes: Buffer } | { error: string; retry: boolean };
    const meta = await getGraphMediaUrl(target, message.mediaId ?? '');
    if (!meta.ok) {
      const action = classifyGraphError(meta.code, meta.httpStatus);
      if (action.action === 'pause_channel') return pauseChannel(row, action.reason);
      outcome = { error: meta.message, retry: action.action === 'retry' };
    } else if (!meta.value.url) {
      outcome = { error: 'media without a url', retry: false };
    } else {
      outcome = await downloadGraphMedia(target, meta.value.url, MAX_MEDIA_BYTES).then(
        (bytes) => ({ bytes }),
        (err: Error) => ({ error: err.message, retry: !err.message.includes('larger') }),
      );
    }
    if ('error' in outcome && outcome.retry && row.attempts < 6) {
      await ctx.db
        .updateTable('whatsappOutbox')
        .set({
          state: 'queued',
          attemptStartedAt: null,
          claimedUntil: null,
          nextAttemptAt: new Date(Date.now() + retryDelayMs(row.attempts, false)),
          lastError: outcome.error,
        })
        .where('seq', '=', row.seq)
        .execute();
      return;
    }
    // Only the download state changes, in SQL: the rest of content (and the backfill's work on it) stays.
    const downloaded = (state: 'stored' | 'failed') =>
      sql<string>`content || ${JSON.stringify({ download: state })}::jsonb`;
    if ('bytes' in outcome) {
      const key = `${row.practiceId}/${row.messageId}`;
      const sealed = await inPractice(ctx.db, row.practiceId, (tx) =>
        sealForPractice(tx, ctx.config.encryptionKey, row.practiceId, outcome.bytes, `whatsapp-media:${row.messageId}`),
      );
      await fileStoreOf(ctx).put(key, sealed);
      await ctx.db.transaction().execute(async (tx) => {
        await tx
          .updateTable('whatsappMessages')
          .set({
            mediaState: 'stored',
            mediaFileKey: key,
            mediaSize: outcome.bytes.length,
            content: downloaded('stored'),
          })
          .where('id', '=', row.messageId)
          .execute();
        await tx.deleteFrom('whatsappOutbox').where('seq', '=', row.seq).execute();
      });
    } else {
      ctx.logger.warn({ messageId: row.messageId, error: outcome.error }, 'WhatsApp media could not be fetched');
      await ctx.db.transaction().execute(async (tx) => {
        await tx
          .updateTable('whatsappMessages')
          .set({ mediaState: 'failed', content: downloaded('failed') })
          .where('id', '=', row.messageId)
          .execute();
        await tx.deleteFrom('whatsappOutbox').where('seq', '=', row.seq).execute();
      });
    }
    notify(row);
  }

  /** Claims whose process died: unsent ones go back in the queue; possibly-sent messages are not resent. */
  async function recoverExpiredClaims() {
    const expired = await ctx.db
      .selectFrom('whatsappOutbox')
      .select(['seq', 'practiceId', 'channelId', 'conversationId', 'messageId', 'kind', 'attempts', 'attemptStartedAt'])
      .where('state', '=', 'sending')
      .where('claimedUntil', '<', new Date())
      .limit(500)
      .execute();
    for (const row of expired) {
      if (row.attemptStartedAt === null || row.kind !== 'message') {
        await ctx.db
          .updateTable('whatsappOutbox')
          .set({ state: 'queued', claimedUntil: null, attemptStartedAt: null })
          .where('seq', '=', row.seq)
          .where('state', '=', 'sending')
          .execute();
        continue;
      }
      ctx.logger.warn(
        { messageId: row.messageId },
        'a send was interrupted after it may have reached Meta; not resent',
      );
      await ctx.db.transaction().execute(async (tx) => {
        const gone = await tx
          .deleteFrom('whatsappOutbox')
          .where('seq', '=', row.seq)
          .where('state', '=', 'sending')
          .executeTakeFirst();
        if (Number(gone.numDeletedRows) === 0) return;
        await tx
          .updateTable('whatsappMessages')
          .set({
            status: 'failed',
            statusAt: new Date(),
            failureReason: 'interrupted',
            failureCode: null,
            failureDetail: 'The server stopped while sending; check with the patient before sending again',
          })
          .where('id', '=', row.messageId)
          .where('status', 'in', ['queued', 'sending'])
          .execute();
        await publishEvent(tx, outboundFailed, {
          practiceId: row.practiceId,
          conversationId: row.conversationId,
          messageId: row.messageId,
          reason: 'interrupted',
        });
      });
      notify(row);
    }
  }

  async function tokenFor(practiceId: string, channelId: string, sealed: Buffer | null): Promise<string | null> {
    const cached = tokens.get(channelId);
    if (cached && cached.until > Date.now()) return cached.token;
    const token = await inPractice(ctx.db, practiceId, (tx) =>
      channelGraphToken(ctx, tx, practiceId, { id: channelId, accessTokenEncrypted: sealed }),
    );
    tokens.set(channelId, { token, until: Date.now() + 5 * 60_000 });
    return token;
  }

  function notify(row: Pick<Claimed, 'practiceId' | 'conversationId' | 'messageId'>) {
    opts.onNotice?.({ practiceId: row.practiceId, conversationId: row.conversationId, messageId: row.messageId });
  }

  return {
    runOnce,
    /** Waits for calls already started (a graceful stop lets them record their answers). */
    async drain() {
      await Promise.allSettled([...inFlight]);
    },
  };
}

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

/** The bearer token the built-in fake Graph API accepts in sandbox mode. */
export function sandboxGraphToken(appSecret: string) {
  return createHmac('sha256', appSecret).update('dentalpro-sandbox-graph-token').digest('base64url');
}

/** The bearer token for a number's Graph API calls: its own, opened with the practice key; in sandbox mode the fake's. */
export async function channelGraphToken(
  ctx: AppContext,
  tx: Tx,
  practiceId: string,
  channel: { id: string; accessTokenEncrypted: Buffer | null },
): Promise<string | null> {
  // The sandbox's fake Graph API knows only its own token, whatever a channel holds.
  if (ctx.config.whatsapp.sandbox) return sandboxGraphToken(ctx.config.whatsapp.appSecret);
  if (!channel.accessTokenEncrypted) return null;
  return (
    await openForPractice(
      tx,
      ctx.config.encryptionKey,
      practiceId,
      channel.accessTokenEncrypted,
      `whatsapp-channel:${channel.id}:token`,
    )
  ).toString('utf8');
}
