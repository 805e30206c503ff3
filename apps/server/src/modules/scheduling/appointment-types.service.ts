import type { AppointmentType } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { changedFields } from './settings.service.js';

/** What can be booked: a check-up, a scale and polish, a root canal; how long, by whom, online or not. */

interface Caller {
  actor: Actor;
  practiceId: string;
}

type AppointmentTypeFields = Omit<AppointmentType, 'id'>;

const COLUMNS = [
  'id',
  'nameEn',
  'nameFr',
  'durationMinutes',
  'bufferAfterMinutes',
  'allowedRoles',
  'colour',
  'whatsappBookable',
  'minNoticeMinutes',
  'maxDaysAhead',
  'active',
] as const;

// The column's CHECK keeps allowed_roles within the provider roles.
const toType = (row: Omit<AppointmentType, 'allowedRoles'> & { allowedRoles: string[] }): AppointmentType => ({
  ...row,
  allowedRoles: row.allowedRoles as AppointmentType['allowedRoles'],
});

const withUniqueRoles = <T extends { allowedRoles?: AppointmentType['allowedRoles'] }>(fields: T): T =>
  fields.allowedRoles ? { ...fields, allowedRoles: [...new Set(fields.allowedRoles)] } : fields;

export async function listAppointmentTypes(ctx: AppContext, input: Caller): Promise<AppointmentType[]> {
  requirePermission(input.actor, 'calendar:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const rows = await tx
      .selectFrom('appointmentTypes')
      .select(COLUMNS)
      .where('practiceId', '=', input.practiceId)
      .orderBy('active', 'desc')
      .orderBy('nameEn')
      .execute();
    return rows.map(toType);
  });
}

/** Visit types' names by id, in the caller's transaction (a closure announcement's list). */
export async function appointmentTypeNamesIn(
  tx: Tx,
  ids: readonly string[],
): Promise<Map<string, { en: string; fr: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom('appointmentTypes')
    .select(['id', 'nameEn', 'nameFr'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, { en: r.nameEn, fr: r.nameFr }]));
}

export async function createAppointmentType(
  ctx: AppContext,
  input: Caller & { appointmentType: AppointmentTypeFields },
): Promise<AppointmentType> {
  requirePermission(input.actor, 'schedule:manage');
  const fields = withUniqueRoles(input.appointmentType);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await tx
      .insertInto('appointmentTypes')
      .values({ practiceId: input.practiceId, ...fields })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'appointment_type.created',
      targetType: 'appointment_type',
      targetId: row.id,
      changes: {
        nameEn: row.nameEn,
        durationMinutes: row.durationMinutes,
        allowedRoles: row.allowedRoles,
        whatsappBookable: row.whatsappBookable,
      },
    });
    return toType(row);
  });
}

async function lockAppointmentType(tx: Tx, practiceId: string, typeId: string) {
  const row = await tx
    .selectFrom('appointmentTypes')
    .select(COLUMNS)
    .where('practiceId', '=', practiceId)
    .where('id', '=', typeId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError('appointment_type_not_found');
  return toType(row);
}

export async function updateAppointmentType(
  ctx: AppContext,
  input: Caller & { typeId: string; patch: Partial<AppointmentTypeFields> },
): Promise<AppointmentType> {
  requirePermission(input.actor, 'schedule:manage');
  const patch = withUniqueRoles(input.patch);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const before = await lockAppointmentType(tx, input.practiceId, input.typeId);
    const fields = changedFields(before, patch);
    if (fields.length === 0) return before;
    const row = await tx
      .updateTable('appointmentTypes')
      .set(Object.fromEntries(fields.map((f) => [f, patch[f as keyof AppointmentTypeFields]])))
      .where('practiceId', '=', input.practiceId)
      .where('id', '=', input.typeId)
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'appointment_type.updated',
      targetType: 'appointment_type',
      targetId: row.id,
      changes: { fields },
    });
    return toType(row);
  });
}

/** Appointments keep pointing at their type, so a type is never deleted: it stops being bookable. */
export async function deactivateAppointmentType(
  ctx: AppContext,
  input: Caller & { typeId: string },
): Promise<AppointmentType> {
  requirePermission(input.actor, 'schedule:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const before = await lockAppointmentType(tx, input.practiceId, input.typeId);
    if (!before.active) return before;
    const row = await tx
      .updateTable('appointmentTypes')
      .set({ active: false })
      .where('practiceId', '=', input.practiceId)
      .where('id', '=', input.typeId)
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'appointment_type.deactivated',
      targetType: 'appointment_type',
      targetId: row.id,
      changes: { active: false },
    });
    return toType(row);
  });
}
