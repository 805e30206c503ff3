import { forgetOldReach } from './messaging-limit.service.js';
import { refreshMessagingLimits } from './messaging-limit-reading.js';
import type { AppContext } from '../../context.js';
import { forgetUnownedWebhookBodies } from './messaging.data-owner.js';
import { systemActor } from '../../platform/access.js';
import type { BackgroundPump } from '../../platform/jobs.js';
import { startPump } from '../../platform/pump.js';
import { createDispatcher } from './dispatcher.js';
import { type InboxNotice, processWebhookDeliveries } from './inbound.service.js';
import { syncTemplates } from './templates.service.js';

/** Wake-up signals (in this process; other processes poll). */
export const WEBHOOKS_SIGNAL = 'whatsapp:webhooks';
export const OUTBOX_SIGNAL = 'whatsapp:outbox';

export const inboxTopic = (practiceId: string) => `inbox:${practiceId}`;

/** Tells the practice's open inboxes (in every server process) what changed. */
export function publishInboxNotices(ctx: AppContext, notices: InboxNotice[]) {
  const seen = new Set<string>();
  for (const n of notices) {
    const key = `${n.conversationId}:${n.messageId ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ctx.events.publish(inboxTopic(n.practiceId), {
      type: n.messageId ? 'message' : 'conversation',
      conversationId: n.conversationId,
      ...(n.messageId ? { messageId: n.messageId } : {}),
    });
  }
}

/** Where this process reaches the Graph API: Meta's (or a test's), else the sandbox on our own server. */
export function graphUrlOf(ctx: AppContext): string {
  const url = ctx.config.whatsapp.graphUrl ?? ctx.graph.url;
  if (!url) throw new Error('The Graph API address is not known yet (the sandbox starts with the server)');
  return url;
}

/**
 * The WhatsApp pumps of a server (or worker) process: processing stored webhooks and sending the
 * outbox, each over its own table (per-patient lanes, per-number send rates), started with the
 * job runner by startBackgroundWork. Any number of processes may run them; the database shares
 * out the work. `idleMs` is how long each sleeps when it finds nothing and nobody wakes it; a test
 * lengthens it to prove that the signals, not the next poll, set the work going.
 */
export const whatsappPumps: BackgroundPump<AppContext> = {
  name: 'whatsapp',
  start: (ctx, opts) => startMessagingWorkers(ctx, { idleMs: opts.idleMs }),
};

function startMessagingWorkers(ctx: AppContext, opts: { idleMs?: number }) {
  const dispatcher = createDispatcher(ctx, {
    graphUrl: () => graphUrlOf(ctx),
    onNotice: (n) => publishInboxNotices(ctx, [n]),
  });
  let lastIntakeAt = 0;
  const outbound = startPump({
    name: 'whatsapp-outbound',
    logger: ctx.logger,
    idleMs: opts.idleMs ?? 250,
    run: dispatcher.runOnce,
  });
  const intake = startPump({
    name: 'whatsapp-webhooks',
    logger: ctx.logger,
    idleMs: opts.idleMs ?? 1000,
    run: async () => {
      // While webhooks are pouring into this process, acknowledging them comes first: one lane.
      const result = await processWebhookDeliveries(ctx, 200, Date.now() - lastIntakeAt < 1000 ? 1 : 4);
      publishInboxNotices(ctx, result.notices);
      if (result.outboxQueued) outbound.wake();
      return result.processed;
    },
  });
  const stopListening = [
    ctx.events.onSignal(WEBHOOKS_SIGNAL, () => {
      lastIntakeAt = Date.now();
      intake.wake();
    }),
    ctx.events.onSignal(OUTBOX_SIGNAL, () => outbound.wake()),
  ];
  return {
    async stop() {
      for (const stop of stopListening) stop();
      await intake.stop();
      await outbound.stop();
      await dispatcher.drain();
    },
  };
}

const TEMPLATE_SYNC_HOURS = 6;

/**
 * Periodic housekeeping: refresh the template registry of numbers connected to Meta (templates are
 * approved, paused or added there) and the daily messaging limit of portfolios nobody set (see
 * messaging-limit-reading.ts), and forget processed webhook bodies that belong to no single
 * practice after 30 days. A practice's own bodies and status reports are its `webhook_payloads`
 * category of the retention rules (30 days by default, longer if it chooses), purged by the daily
 * retention job.
 */
export async function messagingUpkeep(ctx: AppContext, graphUrl: string) {
  await forgetUnownedWebhookBodies(ctx.db);
  await forgetOldReach(ctx.db);
  // The sandbox's fake answers for its numbers' tier too: the same reading as with Meta.
  await refreshMessagingLimits(ctx, graphUrl);
  if (ctx.config.whatsapp.sandbox) return;
  const stale = await ctx.db
    .selectFrom('whatsappChannels')
    .select('practiceId')
    .where('accessTokenEncrypted', 'is not', null)
    .where('wabaId', '!=', '')
    .where('sendingPausedReason', 'is', null)
    .where((eb) =>
      eb.or([
        eb('templatesSyncedAt', 'is', null),
        eb('templatesSyncedAt', '<', new Date(Date.now() - TEMPLATE_SYNC_HOURS * 3600_000)),
      ]),
    )
    .execute();
  for (const { practiceId } of stale) {
    await syncTemplates(ctx, { actor: systemActor('template sync'), practiceId, graphUrl }).catch((err: Error) =>
      ctx.logger.warn({ practiceId, err: err.message }, 'WhatsApp templates could not be refreshed from Meta'),
    );
  }
}
