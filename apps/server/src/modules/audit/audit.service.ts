import type { AuditEvent, AuditPage } from '@dentalpro/contracts';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { inPractice } from '../../platform/tenancy.js';
import { appointmentIdsOfPatient } from '../scheduling/audit-targets.js';
import { describeTargets } from './audit-targets.js';

export interface AuditFilter {
  action?: string;
  actions?: string;
  actorUserId?: string;
  targetType?: string;
  targetId?: string;
  patientId?: string;
  from?: string;
  to?: string;
  before?: number;
  limit: number;
}

/**
 * Newest first, paged by sequence number (stable while new events arrive), with the page's
 * targets named as they are now (see audit-targets.ts).
 */
export async function listAuditEvents(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; filter: AuditFilter },
): Promise<AuditPage> {
  requirePermission(input.actor, 'audit:read');
  const f = input.filter;
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    let q = tx
      .selectFrom('auditEvents')
      .leftJoin('users', 'users.id', 'auditEvents.actorUserId')
      .select([
        'auditEvents.id',
        'auditEvents.seq',
        'auditEvents.occurredAt',
        'auditEvents.actorUserId',
        'users.name as actorName',
        'auditEvents.action',
        'auditEvents.targetType',
        'auditEvents.targetId',
        'auditEvents.ip',
        'auditEvents.requestId',
        'auditEvents.changes',
        'auditEvents.hash',
      ])
      .orderBy('auditEvents.seq', 'desc')
      .limit(f.limit + 1);
    if (f.action) q = q.where('auditEvents.action', 'like', `${f.action.replace(/[%_\\]/g, '\\$&')}%`);
    if (f.actions) q = q.where('auditEvents.action', 'in', f.actions.split(','));
    if (f.actorUserId) q = q.where('auditEvents.actorUserId', '=', f.actorUserId);
    if (f.targetType) q = q.where('auditEvents.targetType', '=', f.targetType);
    if (f.targetId) q = q.where('auditEvents.targetId', '=', f.targetId);
    if (f.patientId) {
      const patientId = f.patientId;
      const appointmentIds = await appointmentIdsOfPatient(tx, patientId);
      q = q.where((eb) =>
        eb.or([
          eb.and([eb('auditEvents.targetType', '=', 'patient'), eb('auditEvents.targetId', '=', patientId)]),
          ...(appointmentIds.length
            ? [
                eb.and([
                  eb('auditEvents.targetType', '=', 'appointment'),
                  eb('auditEvents.targetId', 'in', appointmentIds),
                ]),
              ]
            : []),
          eb(sql<string>`audit_events.changes ->> 'patientId'`, '=', patientId),
        ]),
      );
    }
    if (f.from) q = q.where('auditEvents.occurredAt', '>=', new Date(f.from));
    if (f.to) q = q.where('auditEvents.occurredAt', '<', new Date(f.to));
    if (f.before) q = q.where('auditEvents.seq', '<', f.before);
    const rows = await q.execute();
    const page = rows.slice(0, f.limit);
    const items: AuditEvent[] = page.map((r) => ({
      ...r,
      occurredAt: r.occurredAt.toISOString(),
      hash: r.hash.toString('hex'),
    }));
    const targets = await describeTargets(tx, input.practiceId, items);
    return { items, nextBefore: rows.length > f.limit ? page[page.length - 1]!.seq : null, targets };
  });
}
