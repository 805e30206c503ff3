import type { Db } from '../../db/connection.js';
import type { Tx } from '../../platform/tenancy.js';

/** The SQL of the daily agenda; the rules are in agenda.service.ts. */

export interface AgendaSettingsRow {
  enabled: boolean;
  sendMinute: number;
  updatedAt: Date;
}

export async function selectAgendaSettings(
  conn: Db | Tx,
  practiceId: string,
  options: { lock?: boolean } = {},
): Promise<AgendaSettingsRow | undefined> {
  let query = conn
    .selectFrom('agendaSettings')
    .select(['enabled', 'sendMinute', 'updatedAt'])
    .where('practiceId', '=', practiceId);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function upsertAgendaSettings(
  tx: Tx,
  input: { practiceId: string; enabled: boolean; sendMinute: number; userId: string | null },
): Promise<AgendaSettingsRow> {
  const values = {
    enabled: input.enabled,
    sendMinute: input.sendMinute,
    updatedAt: new Date(),
    updatedBy: input.userId,
  };
  return tx
    .insertInto('agendaSettings')
    .values({ practiceId: input.practiceId, ...values })
    .onConflict((oc) => oc.column('practiceId').doUpdateSet(values))
    .returning(['enabled', 'sendMinute', 'updatedAt'])
    .executeTakeFirstOrThrow();
}

export interface SubscriptionRow {
  userId: string;
  whatsappE164: string | null;
  whatsappOptedIn: boolean;
  language: 'en' | 'fr';
}

export async function selectSubscriptions(
  tx: Tx,
  practiceId: string,
  userIds: readonly string[],
): Promise<Map<string, SubscriptionRow>> {
  if (userIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('agendaSubscriptions')
    .select(['userId', 'whatsappE164', 'whatsappOptedIn', 'language'])
    .where('practiceId', '=', practiceId)
    .where('userId', 'in', [...new Set(userIds)])
    .execute();
  return new Map(rows.map((r) => [r.userId, r]));
}

export async function upsertSubscription(
  tx: Tx,
  input: { practiceId: string; userId: string; whatsappE164: string | null; optedIn: boolean; language: 'en' | 'fr' },
): Promise<SubscriptionRow> {
  const now = new Date();
  const values = {
    whatsappE164: input.whatsappE164,
    whatsappOptedIn: input.optedIn,
    language: input.language,
    updatedAt: now,
  };
  return tx
    .insertInto('agendaSubscriptions')
    .values({ practiceId: input.practiceId, userId: input.userId, ...values, optedInAt: input.optedIn ? now : null })
    .onConflict((oc) =>
      oc.columns(['practiceId', 'userId']).doUpdateSet((eb) => ({
        ...values,
        // The consent's time: when they last turned it on (kept while it stays on).
        optedInAt: input.optedIn
          ? eb.fn.coalesce('agendaSubscriptions.optedInAt', eb.val(now))
          : eb.val<Date | null>(null),
      })),
    )
    .returning(['userId', 'whatsappE164', 'whatsappOptedIn', 'language'])
    .executeTakeFirstOrThrow();
}

export async function agendaRunFinished(tx: Tx, practiceId: string, day: string): Promise<boolean> {
  const row = await tx
    .selectFrom('agendaRuns')
    .select('day')
    .where('practiceId', '=', practiceId)
    .where('day', '=', day)
    .executeTakeFirst();
  return row !== undefined;
}

export async function finishAgendaRun(
  tx: Tx,
  input: { practiceId: string; day: string; outcome: 'sent' | 'closed' | 'empty' },
): Promise<void> {
  await tx
    .insertInto('agendaRuns')
    .values(input)
    .onConflict((oc) => oc.columns(['practiceId', 'day']).doNothing())
    .execute();
}

/**
 * Claims the provider's agenda of the day: true when this call wrote its row (the one that tells
 * and sends), false when another run did (a concurrent one waits on the row's key, then finds it).
 */
export async function claimDelivery(
  tx: Tx,
  input: { practiceId: string; providerId: string; day: string; appointments: number },
): Promise<boolean> {
  const row = await tx
    .insertInto('agendaDeliveries')
    .values({ ...input, notified: false, whatsappOutcome: 'pending' })
    .onConflict((oc) => oc.columns(['practiceId', 'providerId', 'day']).doNothing())
    .returning('day')
    .executeTakeFirst();
  return row !== undefined;
}

export async function recordDelivery(
  tx: Tx,
  input: {
    practiceId: string;
    providerId: string;
    day: string;
    notified: boolean;
    messageId: string | null;
    whatsappOutcome: string;
  },
): Promise<void> {
  await tx
    .updateTable('agendaDeliveries')
    .set({ notified: input.notified, messageId: input.messageId, whatsappOutcome: input.whatsappOutcome })
    .where('practiceId', '=', input.practiceId)
    .where('providerId', '=', input.providerId)
    .where('day', '=', input.day)
    .execute();
}

/** Every practice and its time zone (the round, outside any one practice). */
export async function selectPracticeZones(db: Db) {
  return db.selectFrom('practices').select(['id', 'timeZone']).orderBy('id').execute();
}
