import type { PrivacyRequestType } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { inPractice } from '../../platform/tenancy.js';
import { notifyPrivacyRequestDueIn } from '../notifications/notifications.service.js';
import { openRequestsToAlert, updateRequest } from './requests.repository.js';
import { selectPracticeZones } from './retention.repository.js';
import { localHour } from './retention.rules.js';

/**
 * Due-soon and overdue alerts (issue 14, deliver 1): staff hear of an open request once when it is
 * due within 7 days and once when its due date has passed, as staff notifications for the owners
 * and the desk (notifications' recipients). The marks on the request (due_soon_notified_at,
 * overdue_notified_at), set in the transaction that writes the notification, make a round run
 * twice, or by two workers at once, tell nobody twice; a request closed in time is never told.
 */

export const DUE_SOON_DAYS = 7;
/** A practice's alerts start at this hour on its own clock: the desk reads them when it opens. */
export const ALERT_HOUR = 8;

/** One practice's alerts now; how many notifications were written. */
export async function alertDueRequests(ctx: AppContext, input: { practiceId: string; now: Date }): Promise<number> {
  const { practiceId, now } = input;
  const soon = new Date(now.getTime() + DUE_SOON_DAYS * 86_400_000);
  return inPractice(ctx.db, practiceId, async (tx) => {
    let told = 0;
    for (const row of await openRequestsToAlert(tx, { now, soon })) {
      const overdue = row.dueAt.getTime() < now.getTime();
      await notifyPrivacyRequestDueIn(tx, {
        practiceId,
        kind: overdue ? 'privacy_request_overdue' : 'privacy_request_due_soon',
        requestId: row.id,
        requestType: row.type as PrivacyRequestType,
        patientId: row.patientId,
        dueAt: row.dueAt,
      });
      // Marked even when nobody was there to tell: a member who joins later does not hear of it.
      await updateRequest(tx, row.id, overdue ? { overdueNotifiedAt: now } : { dueSoonNotifiedAt: now });
      told += 1;
    }
    return told;
  });
}

/**
 * The round (an hourly tick): each practice from ALERT_HOUR on its own clock, so an alert that
 * fell due overnight is there in the morning, and what falls due during the day within the hour.
 * A practice that fails is logged and left for the next tick; the others go on.
 */
export async function runRequestAlerts(
  ctx: AppContext,
  input: { now: Date },
): Promise<{ practiceId: string; told: number }[]> {
  const done: { practiceId: string; told: number }[] = [];
  for (const practice of await selectPracticeZones(ctx.db)) {
    if (localHour(input.now, practice.timeZone) < ALERT_HOUR) continue;
    try {
      done.push({
        practiceId: practice.id,
        told: await alertDueRequests(ctx, { practiceId: practice.id, now: input.now }),
      });
    } catch (err) {
      ctx.logger.error({ practiceId: practice.id, err: (err as Error).message }, 'privacy request alerts failed');
    }
  }
  return done;
}
