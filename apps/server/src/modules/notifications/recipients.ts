import { type NotificationKind, type Role, roleHasPermission } from '@dentalpro/contracts';

export interface Member {
  userId: string;
  role: Role;
}

/** The desk: who runs the calendar and hears of every change a patient makes. */
const DESK_ROLES: readonly Role[] = ['owner', 'receptionist'];

/**
 * Who a notification is for. A patient's booking, move or cancellation on WhatsApp: the desk
 * (owners, receptionists) and the appointment's providers (a dentist or hygienist hears of their
 * own patients, not of the other dentists'). A chat handed to a person: whoever may read the inbox.
 * `providerIds` are user ids (providers are members); a provider who is no longer a member gets nothing.
 */
export function recipientsOf(
  kind: NotificationKind,
  members: readonly Member[],
  providerIds: readonly string[] = [],
): string[] {
  const chosen = members.filter((m) =>
    kind === 'needs_person'
      ? roleHasPermission(m.role, 'inbox:read')
      : DESK_ROLES.includes(m.role) || providerIds.includes(m.userId),
  );
  return [...new Set(chosen.map((m) => m.userId))];
}
