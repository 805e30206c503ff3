import type { RecallMessage, RecallMessageState, RecallMessages } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { inPractice } from '../../platform/tenancy.js';
import { messageOutcomesIn } from '../messaging/outreach.service.js';
import { latestRecallMessages } from './recall-messages.repository.js';

export { getRecallSettings, recallSettingsIn, saveRecallSettings } from './recall-settings.service.js';
export { runRecalls } from './recalls-sending.js';

/**
 * What the recall list asks of the recall run: for each recall shown, its latest message — sent
 * (then delivered, read or failed, as WhatsApp reported), waiting for the next day's cap, or not sent
 * with the reason — and the patient's answer to it.
 */
export async function recallMessagesOf(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; recallIds: readonly string[] },
): Promise<RecallMessages> {
  requirePermission(input.actor, 'calendar:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const rows = await latestRecallMessages(tx, input.recallIds);
    const outcomes = await messageOutcomesIn(
      tx,
      rows.flatMap((r) => (r.messageId ? [r.messageId] : [])),
    );
    const byRecall = new Map<string, RecallMessage>();
    for (const r of rows) {
      let state: RecallMessageState = r.state;
      let reason = r.reason;
      let at = r.stateAt;
      const outcome = r.messageId ? outcomes.get(r.messageId) : undefined;
      if (r.state === 'sent' && outcome && outcome.status !== 'queued' && outcome.status !== 'sent') {
        state = outcome.status;
        at = outcome.at ?? at;
        reason = outcome.status === 'failed' ? (outcome.failureReason ?? 'unknown') : null;
      }
      byRecall.set(r.recallId, {
        recallId: r.recallId,
        dueDate: r.dueDate,
        state,
        reason,
        at: at.toISOString(),
        reply: r.reply,
        repliedAt: r.repliedAt?.toISOString() ?? null,
      });
    }
    return {
      items: [...new Set(input.recallIds)].map((recallId) => ({ recallId, message: byRecall.get(recallId) ?? null })),
    };
  });
}
