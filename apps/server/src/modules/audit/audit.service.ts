import type { AuditEvent } from '@dentalpro/contracts';
import type { AppContext } from '../../app.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { inPractice } from '../../platform/tenancy.js';

export interface AuditFilter {
  action?: string;
  actorUserId?: string;
  targetType?: string;
  targetId?: string;
  from?: string;
  to?: string;
  before?: number;
  limit: number;
}

/** Newest first, paged by sequence number (stable while new events arrive). */
export async function listAuditEvents(ctx: AppContext, input: { actor: Actor; practiceId: string; filter: AuditFilter }) {
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
    if (f.actorUserId) q = q.where('auditEvents.actorUserId', '=', f.actorUserId);
    if (f.targetType) q = q.where('auditEvents.targetType', '=', f.targetType);
    if (f.targetId) q = q.where('auditEvents.targetId', '=', f.targetId);
    if (f.from) q = q.where('auditEvents.occurredAt', '>=', new Date(f.from));
    if (f.to) q = q.where('auditEvents.occurredAt', '<', new Date(f.to));
    if (f.before) q = q.where('auditEvents.seq', '<', f.before);
    const rows = await q.execute();
    const page = rows.slice(0, f.limit);
    const items: AuditEvent[] = page.map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString(), hash: r.hash.toString('hex') }));
    return { items, nextBefore: rows.length > f.limit ? page[page.length - 1]!.seq : null };
  });
}
