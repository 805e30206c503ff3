import type { AppContext } from '../../context.js';
import { cancelJob } from '../../platform/jobs.js';
import { inPractice } from '../../platform/tenancy.js';
import { type ConsentWithdrawn, mayContactIn } from '../consent/consent.service.js';
import { wakeOutbox } from '../messaging/assistant-channel.service.js';
import { cancelQueuedMessagesIn } from '../messaging/outreach.service.js';
import { sendKey } from './reminder-jobs.js';
import { comingRemindersOfPatient, skipReminders } from './reminders.repository.js';

/**
 * The patient withdrew consent to appointment messages on WhatsApp: their planned reminders are
 * skipped (`no_consent`, or `opted_out` for a STOP) and their jobs cancelled, and a reminder already queued but still waiting
 * in the outbox is not sent (messaging cancels it; one already handed to Meta cannot be called
 * back). A family message naming this patient is cancelled too: the withdrawal wins. Re-reads the
 * ledger first: a grant recorded since the withdrawal leaves everything as it is.
 */
export async function stopRemindersOnWithdrawal(ctx: AppContext, event: ConsentWithdrawn, now: Date): Promise<number> {
  if (event.channel !== 'whatsapp' || event.purpose !== 'appointments') return 0;
  return inPractice(ctx.db, event.practiceId, async (tx) => {
    if (await mayContactIn(tx, { patientId: event.patientId, channel: 'whatsapp', purpose: 'appointments' })) return 0;
    const rows = await comingRemindersOfPatient(tx, { patientId: event.patientId, now });
    const planned = rows.filter((r) => r.state === 'planned');
    const skipped = await skipReminders(
      tx,
      planned.map((r) => r.id),
      event.source === 'whatsapp_keyword' ? 'opted_out' : 'no_consent',
    );
    for (const r of planned) await cancelJob(tx, sendKey(r.appointmentId, r.offsetMinutes));
    const queued = rows.filter((r) => r.state === 'sent' && r.messageId).map((r) => r.messageId!);
    const cancelled = await cancelQueuedMessagesIn(tx, queued);
    return skipped + cancelled.length;
  }).then((n) => {
    if (n > 0) wakeOutbox(ctx);
    return n;
  });
}
