import { z } from 'zod';

export const ROLES = ['owner', 'dentist', 'hygienist', 'receptionist'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/**
 * Every permission in DentalPro. A module adds its permissions here and grants them in
 * ROLE_PERMISSIONS below; docs/roles.md is checked against this table by a test.
 */
export const PERMISSIONS = {
  'practice:read': 'See the practice profile',
  'practice:manage': 'Edit the practice profile and settings',
  'staff:read': 'See the practice team and their roles',
  'staff:manage': 'Invite staff, change roles, remove staff',
  'audit:read': 'Read the practice audit trail',
  'patients:read': "See patients' demographics and contact details",
  'patients:write': 'Create and edit patients',
  'calendar:read': 'See the calendar, availability, waitlist and recalls',
  'calendar:write': 'Book, move and cancel appointments; manage blocks, waitlist and recalls',
  'calendar:book':
    "Book appointments (not move or cancel them): the front desk, and a dentist or hygienist booking a patient's follow-up",
  'calendar:status': 'Update the status of appointments: their own as provider, or any with calendar:write',
  'calendar:overbook': 'Deliberately double-book a provider, with a reason',
  'schedule:manage': 'Set chairs, providers and their hours, opening hours, closures, holidays and appointment types',
  'patients:merge': 'Merge duplicate patient records',
  'patients:import': 'Import patients from another practice system',
  'clinical:read':
    "Open a patient's clinical record: alerts, chart, treatment plan, notes, documents (each opening is logged)",
  'clinical:write': 'Chart findings, plan and complete treatment, draft notes, attach documents',
  'clinical:sign': 'Sign clinical notes (a signed note can only be corrected by an addendum)',
  'patients:access_log': "See who opened a patient's clinical record, and when",
  'inbox:read': 'See WhatsApp conversations with patients',
  'inbox:reply': 'Answer patients on WhatsApp, assign and close conversations, link them to patients',
  'notifications:read':
    'See and mark read their own notifications (WhatsApp bookings, moves, cancellations, chats needing a person)',
  'privacy:requests':
    "Record patients' privacy requests (access, correction, deletion, restriction, consent withdrawal) and how their identity was verified",
  'privacy:approve': 'Approve or refuse privacy requests: release a copy of data, erase a patient',
  'privacy:manage': 'Set retention rules and legal holds, keep the breach register, read the record of processing',
  'consent:read': "See a patient's consent history (WhatsApp and email)",
  'consent:write': "Record a patient's consent given or withdrawn",
  'dashboard:read':
    'See the reminders dashboard: reminders sent, delivered, read and failed, confirmation and no-show rates, recall and waitlist conversions',
} as const;
export type Permission = keyof typeof PERMISSIONS;

// prettier-ignore
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: [
    'practice:read',
    'practice:manage',
    'staff:read',
    'staff:manage',
    'audit:read',
    'patients:read',
    'patients:write',
    'calendar:read',
    'calendar:book',
    'calendar:write',
    'calendar:status',
    'calendar:overbook',
    'schedule:manage',
    'patients:merge',
    'patients:import',
    'clinical:read',
    'clinical:write',
    'clinical:sign',
    'patients:access_log',
    'inbox:read',
    'inbox:reply',
    'notifications:read',
    'privacy:requests',
    'privacy:approve',
    'privacy:manage',
    'consent:read',
    'consent:write',
    'dashboard:read',
  ],
  dentist: [
    'practice:read',
    'staff:read',
    'patients:read',
    'patients:write',
    'calendar:read',
    'calendar:book',
    'calendar:status',
    'clinical:read',
    'clinical:write',
    'clinical:sign',
    'inbox:read',
    'inbox:reply',
    'notifications:read',
    'consent:read',
  ],
  hygienist: [
    'practice:read',
    'staff:read',
    'patients:read',
    'patients:write',
    'calendar:read',
    'calendar:book',
    'calendar:status',
    'clinical:read',
    'clinical:write',
    'clinical:sign',
    'inbox:read',
    'notifications:read',
    'consent:read',
  ],
  receptionist: [
    'practice:read',
    'staff:read',
    'patients:read',
    'patients:write',
    'calendar:read',
    'calendar:book',
    'calendar:write',
    'calendar:status',
    'patients:merge',
    'patients:import',
    'inbox:read',
    'inbox:reply',
    'notifications:read',
    'privacy:requests',
    'consent:read',
    'consent:write',
    'dashboard:read',
  ],
};

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
