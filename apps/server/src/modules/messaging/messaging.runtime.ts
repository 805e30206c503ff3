import type { AppContext } from '../../app.js';
import { startPump } from '../../platform/pump.js';
import { createDispatcher } from './dispatcher.js';
import { type InboxNotice, processWebhookDeliveries } from './inbound.service.js';

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
    ctx.events.publish(inboxTopic(n.practiceId), { type: n.messageId ? 'message' : 'conversation', conversationId: n.conversationId, ...(n.messageId ? { messageId: n.messageId } : {}) });
  }
}

/**
 * The WhatsApp background work of a server (or worker) process: processing stored webhooks and
 * sending the outbox. Any number of processes may run it; the database shares out the work.
 */
export function startMessagingWorkers(ctx: AppContext, opts: { graphUrl: () => string }) {
  const dispatcher = createDispatcher(ctx, { graphUrl: opts.graphUrl, onNotice: (n) => publishInboxNotices(ctx, [n]) });
  const outbound = startPump({ name: 'whatsapp-outbound', logger: ctx.logger, idleMs: 250, run: dispatcher.runOnce });
  const intake = startPump({
    name: 'whatsapp-webhooks',
    logger: ctx.logger,
    idleMs: 1000,
    run: async () => {
      const result = await processWebhookDeliveries(ctx);
      publishInboxNotices(ctx, result.notices);
      if (result.outboxQueued) outbound.wake();
      return result.processed;
    },
  });
  const stopListening = [ctx.events.onSignal(WEBHOOKS_SIGNAL, () => intake.wake()), ctx.events.onSignal(OUTBOX_SIGNAL, () => outbound.wake())];
  return {
    async stop() {
      for (const stop of stopListening) stop();
      await intake.stop();
      await outbound.stop();
      await dispatcher.drain();
    },
  };
}
