import { type Permission, ROLE_PERMISSIONS, type Role, roleHasPermission } from '@dentalpro/contracts';
import { AppError } from './errors.js';

export { ROLE_PERMISSIONS, roleHasPermission };

/** Who is acting, and from where: passed to every service function and written to the audit trail. */
export interface Actor {
  /** Null for operator commands (CLI) and the system itself. */
  userId: string | null;
  /** The actor's role in the practice being acted on; 'system' may do anything. */
  role: Role | 'system';
  ip: string | null;
  requestId: string | null;
}

export const systemActor = (label = 'cli'): Actor => ({ userId: null, role: 'system', ip: null, requestId: label });

export function can(actor: Actor, permission: Permission): boolean {
  return actor.role === 'system' || roleHasPermission(actor.role, permission);
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) throw new AppError('forbidden', { detail: `Requires ${permission}` });
}
