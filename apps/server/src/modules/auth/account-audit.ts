import type { AuditAction } from '@dentalpro/contracts';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { inPractice, listMemberships } from '../../platform/tenancy.js';

/** Where a request comes from: for sessions, throttling and the audit trail. */
export interface Origin {
  ip: string;
  userAgent: string;
  requestId: string;
}

/**
 * Account events (logins, password changes) belong to no single practice: each practice the
 * user works in gets them in its own trail, so every owner sees who signs in to their data.
 */
export async function auditForUser(
  db: Db,
  userId: string,
  origin: Origin,
  action: AuditAction,
  changes: Record<string, unknown>,
) {
  for (const m of await listMemberships(db, userId)) {
    const actor: Actor = { userId, role: m.role, ip: origin.ip, requestId: origin.requestId };
    await inPractice(db, m.practiceId, (tx) =>
      recordAudit(tx, { practiceId: m.practiceId, actor, action, targetType: 'user', targetId: userId, changes }),
    );
  }
}
