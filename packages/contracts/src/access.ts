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
} as const;
export type Permission = keyof typeof PERMISSIONS;

// prettier-ignore
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner:        ['practice:read', 'practice:manage', 'staff:read', 'staff:manage', 'audit:read'],
  dentist:      ['practice:read', 'staff:read'],
  hygienist:    ['practice:read', 'staff:read'],
  receptionist: ['practice:read', 'staff:read'],
};

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
