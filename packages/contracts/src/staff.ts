import { z } from 'zod';
import { Role } from './access.js';
import { Email, NewPassword, Uuid } from './common.js';

export const StaffMember = z.object({
  userId: Uuid,
  name: z.string(),
  email: z.string(),
  role: Role,
  joinedAt: z.string(),
});
export type StaffMember = z.infer<typeof StaffMember>;

export const Invitation = z.object({
  id: Uuid,
  email: z.string(),
  role: Role,
  invitedBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type Invitation = z.infer<typeof Invitation>;

export const StaffList = z.object({ members: z.array(StaffMember), invitations: z.array(Invitation) });
export type StaffList = z.infer<typeof StaffList>;
export const InviteInput = z.strictObject({ email: Email, role: Role });
export const InviteResult = z.object({
  invitation: Invitation,
  /** The link to share; always returned so the owner can pass it on when email is not set up. */
  acceptUrl: z.string(),
  emailSent: z.boolean(),
});
export type InviteResult = z.infer<typeof InviteResult>;
export const RoleChangeInput = z.strictObject({ role: Role });

export const InvitationPreview = z.object({
  practiceId: Uuid,
  practiceName: z.string(),
  email: z.string(),
  role: Role,
  existingAccount: z.boolean(),
  /** Off: the practice's members sign in through its identity provider only, so it is accepted there. */
  passwordSignInAllowed: z.boolean(),
});
export const AcceptInvitationInput = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  password: NewPassword.or(z.string().min(1).max(200)),
});
export type InvitationPreview = z.infer<typeof InvitationPreview>;
