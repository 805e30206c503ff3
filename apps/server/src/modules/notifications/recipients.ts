import { type NotificationKind, type Role, roleHasPermission } from '@dentalpro/contracts';

export interface Member {
  userId: string;
  role: Role;
}

/** The desk: who runs the calendar and hears of every change a patient makes. */
const DESK_ROLES: readonly Role[] = ['owner', 'receptionist'];

/** A privacy request due soon or overdue: the owners, and whoever records requests (the desk). */
const PRIVACY_KINDS: readonly NotificationKind[] = ['privacy_request_due_soon', 'privacy_request_overdue'];

/** WhatsApp template problems, a template's new category, Meta's marketing cap: the owners. */
const OWNER_KINDS: readonly NotificationKind[] = [
  'whatsapp_template_problem',
  'whatsapp_template_recategorised',
  'whatsapp_marketing_limited',
];

/**
 * Who a notification is for. A patient's booking, move or cancellation on WhatsApp: the desk
 * (owners, receptionists) and the appointment's providers (a dentist or hygienist hears of their
 * own patients, not of the other dentists'). A chat handed to a person: whoever may read the inbox.
 * A privacy request's alert: owners and whoever holds privacy:requests. A daily agenda: its provider alone.
 * `providerIds` are user ids (providers are members); a provider who is no longer a member gets nothing.
 */
export function recipientsOf(
  kind: NotificationKind,
  members: readonly Member[],
  providerIds: readonly string[] = [],
): string[] {
  // A WhatsApp template's alert: the owners, who alone manage the number and its templates.
  if (OWNER_KINDS.includes(kind)) return [...new Set(members.filter((m) => m.role === 'owner').map((m) => m.userId))];
  // A day's agenda: its provider alone.
  if (kind === 'daily_agenda')
    return [...new Set(members.filter((m) => providerIds.includes(m.userId)).map((m) => m.userId))];
  const chosen = members.filter((m) =>
    kind === 'needs_person'
      ? roleHasPermission(m.role, 'inbox:read')
      : PRIVACY_KINDS.includes(kind)
        ? m.role === 'owner' || roleHasPermission(m.role, 'privacy:requests')
        : DESK_ROLES.includes(m.role) || providerIds.includes(m.userId),
  );
  return [...new Set(chosen.map((m) => m.userId))];
}
