import type { ClosureReason } from '@dentalpro/contracts';
import type { Tx } from '../../platform/tenancy.js';

/** SQL on the closure announcements' own tables (closure_announcements, closure_announcement_items), no rules. */

export interface AnnouncementRow {
  id: string;
  startsAt: Date;
  endsAt: Date;
  reason: ClosureReason;
  note: string;
  providerId: string | null;
  closureId: string | null;
  blockId: string | null;
  createdAt: Date;
}

export interface ItemRow {
  id: string;
  announcementId: string;
  appointmentId: string;
  patientId: string;
  appointmentTypeId: string;
  providerId: string;
  startsAt: Date;
  state: 'pending' | 'messaged' | 'not_messaged';
  reason: string | null;
  messageId: string | null;
  reply: 'new_time' | 'call_me' | null;
  repliedAt: Date | null;
  rebookedAppointmentId: string | null;
  rebookedAt: Date | null;
  calledAt: Date | null;
}

const ANNOUNCEMENT = [
  'id',
  'startsAt',
  'endsAt',
  'reason',
  'note',
  'providerId',
  'closureId',
  'blockId',
  'createdAt',
] as const;
const ITEM = [
  'id',
  'announcementId',
  'appointmentId',
  'patientId',
  'appointmentTypeId',
  'providerId',
  'startsAt',
  'state',
  'reason',
  'messageId',
  'reply',
  'repliedAt',
  'rebookedAppointmentId',
  'rebookedAt',
  'calledAt',
] as const;

export async function insertAnnouncement(
  tx: Tx,
  input: {
    practiceId: string;
    start: Date;
    end: Date;
    reason: ClosureReason;
    note: string;
    providerId: string | null;
    closureId: string | null;
    blockId: string | null;
    createdBy: string | null;
  },
): Promise<AnnouncementRow> {
  return tx
    .insertInto('closureAnnouncements')
    .values({
      practiceId: input.practiceId,
      startsAt: input.start,
      endsAt: input.end,
      reason: input.reason,
      note: input.note,
      providerId: input.providerId,
      closureId: input.closureId,
      blockId: input.blockId,
      createdBy: input.createdBy,
    })
    .returning(ANNOUNCEMENT)
    .executeTakeFirstOrThrow();
}

export async function insertItems(
  tx: Tx,
  items: {
    practiceId: string;
    announcementId: string;
    appointmentId: string;
    patientId: string;
    appointmentTypeId: string;
    providerId: string;
    startsAt: Date;
  }[],
): Promise<void> {
  if (items.length === 0) return;
  await tx.insertInto('closureAnnouncementItems').values(items).execute();
}

export async function selectAnnouncement(tx: Tx, id: string): Promise<AnnouncementRow | undefined> {
  return tx.selectFrom('closureAnnouncements').select(ANNOUNCEMENT).where('id', '=', id).executeTakeFirst();
}

/** Announcements whose range meets [from, to), newest first. */
export async function selectAnnouncements(tx: Tx, window: { from: Date; to: Date | null }): Promise<AnnouncementRow[]> {
  let query = tx.selectFrom('closureAnnouncements').select(ANNOUNCEMENT).where('endsAt', '>', window.from);
  if (window.to) query = query.where('startsAt', '<', window.to);
  return query.orderBy('startsAt', 'desc').orderBy('createdAt', 'desc').limit(200).execute();
}

export async function selectItems(tx: Tx, announcementIds: readonly string[]): Promise<ItemRow[]> {
  if (announcementIds.length === 0) return [];
  return tx
    .selectFrom('closureAnnouncementItems')
    .select(ITEM)
    .where('announcementId', 'in', [...new Set(announcementIds)])
    .orderBy('startsAt')
    .orderBy('id')
    .execute();
}

export async function selectItem(tx: Tx, id: string): Promise<ItemRow | undefined> {
  return tx.selectFrom('closureAnnouncementItems').select(ITEM).where('id', '=', id).executeTakeFirst();
}

/** Items locked for the transaction, in one order (two jobs of one family wait for each other). */
export async function lockItems(tx: Tx, ids: readonly string[]): Promise<ItemRow[]> {
  if (ids.length === 0) return [];
  return tx
    .selectFrom('closureAnnouncementItems')
    .select(ITEM)
    .where('id', 'in', [...new Set(ids)])
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** The items one message carried (a family's appointments on one number). */
export async function itemsOfMessage(tx: Tx, messageId: string): Promise<ItemRow[]> {
  return tx
    .selectFrom('closureAnnouncementItems')
    .select(ITEM)
    .where('messageId', '=', messageId)
    .orderBy('startsAt')
    .orderBy('id')
    .execute();
}

export async function markMessaged(tx: Tx, ids: readonly string[], messageId: string): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .updateTable('closureAnnouncementItems')
    .set({ state: 'messaged', messageId, reason: null, stateAt: new Date() })
    .where('id', 'in', [...ids])
    .execute();
}

export async function markNotMessaged(tx: Tx, ids: readonly string[], reason: string): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .updateTable('closureAnnouncementItems')
    .set({ state: 'not_messaged', reason, stateAt: new Date() })
    .where('id', 'in', [...ids])
    .where('state', '=', 'pending')
    .execute();
}

export async function recordItemReply(
  tx: Tx,
  input: { ids: readonly string[]; reply: 'new_time' | 'call_me'; at: Date },
): Promise<void> {
  if (input.ids.length === 0) return;
  await tx
    .updateTable('closureAnnouncementItems')
    .set({ reply: input.reply, repliedAt: input.at })
    .where('id', 'in', [...input.ids])
    .execute();
}

/** The patient's affected appointments not rebooked yet, from announcements made before `before`, oldest first. */
export async function openItemsOfPatient(tx: Tx, input: { patientId: string; before: Date }): Promise<ItemRow[]> {
  return tx
    .selectFrom('closureAnnouncementItems')
    .select(ITEM)
    .where('patientId', '=', input.patientId)
    .where('rebookedAppointmentId', 'is', null)
    .where('createdAt', '<=', input.before)
    .orderBy('startsAt')
    .orderBy('id')
    .forUpdate()
    .execute();
}

export async function markRebooked(tx: Tx, input: { id: string; appointmentId: string; at: Date }): Promise<void> {
  await tx
    .updateTable('closureAnnouncementItems')
    .set({ rebookedAppointmentId: input.appointmentId, rebookedAt: input.at })
    .where('id', '=', input.id)
    .where('rebookedAppointmentId', 'is', null)
    .execute();
}

export async function setCalled(
  tx: Tx,
  input: { id: string; announcementId: string; at: Date | null; by: string | null },
): Promise<ItemRow | undefined> {
  return tx
    .updateTable('closureAnnouncementItems')
    .set({ calledAt: input.at, calledBy: input.at ? input.by : null })
    .where('id', '=', input.id)
    .where('announcementId', '=', input.announcementId)
    .returning(ITEM)
    .executeTakeFirst();
}
