import { z } from 'zod';
import { Role } from './access.js';
import { Email, Language, NewPassword, Uuid } from './common.js';

export const User = z.object({
  id: Uuid,
  email: z.string(),
  name: z.string(),
  phone: z.string(),
  language: Language,
  mfaEnabled: z.boolean(),
});
export type User = z.infer<typeof User>;

export const Membership = z.object({ practiceId: Uuid, practiceName: z.string(), role: Role });
export type Membership = z.infer<typeof Membership>;

export const LoginInput = z.strictObject({ email: Email, password: z.string().min(1).max(200) });
export const Me = z.object({ user: User, memberships: z.array(Membership) });
export type Me = z.infer<typeof Me>;
/** A password accepted for an account with two-factor: the session waits for the code. */
export const MfaChallenge = z.object({ mfaRequired: z.literal(true) });
/** A password accepted where a practice requires two-step and the account has none: enrol first. */
export const MfaEnrolmentChallenge = z.object({ mfaEnrolmentRequired: z.literal(true) });
export const LoginResult = z.union([Me, MfaChallenge, MfaEnrolmentChallenge]);
export type LoginResult = z.infer<typeof LoginResult>;
export const MfaLoginInput = z
  .strictObject({
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/)
      .optional(),
    recoveryCode: z.string().trim().min(8).max(40).optional(),
  })
  .refine((v) => Boolean(v.code) !== Boolean(v.recoveryCode), 'Give either a code or a recovery code');

export const ProfilePatch = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  phone: z.string().trim().max(40).optional(),
  language: Language.optional(),
});
export const PasswordChangeInput = z.strictObject({
  currentPassword: z.string().min(1).max(200),
  newPassword: NewPassword,
});
export const PasswordResetRequestInput = z.strictObject({ email: Email });
export const PasswordResetConfirmInput = z.strictObject({
  token: z.string().min(20).max(200),
  newPassword: NewPassword,
});

export const MfaSetup = z.object({ secret: z.string(), otpauthUrl: z.string() });
export type MfaSetup = z.infer<typeof MfaSetup>;
export const MfaEnableInput = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/),
});
export const MfaRecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) });
export type MfaRecoveryCodes = z.infer<typeof MfaRecoveryCodes>;
export const MfaDisableInput = z.strictObject({ password: z.string().min(1).max(200) });

export const SessionSummary = z.object({
  id: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  userAgent: z.string(),
  ip: z.string(),
  current: z.boolean(),
});

/** What the sign-in page shows: the provider's button when one is configured. */
export const OidcPublicConfig = z.object({
  enabled: z.boolean(),
  /** "Sign in with <displayName>". */
  displayName: z.string().nullable(),
});
export type OidcPublicConfig = z.infer<typeof OidcPublicConfig>;

/** Where the browser goes next: the provider's authorisation page. */
export const OidcRedirect = z.object({ url: z.string() });
export type OidcRedirect = z.infer<typeof OidcRedirect>;

/** Linking a provider account from the profile: the account's password first. */
export const OidcLinkInput = z.strictObject({ password: z.string().min(1).max(200) });
export const OidcUnlinkInput = z.strictObject({ password: z.string().min(1).max(200) });

export const LinkedIdentity = z.object({
  issuer: z.string(),
  email: z.string(),
  linkedAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type LinkedIdentity = z.infer<typeof LinkedIdentity>;
export const LinkedIdentities = z.object({ identities: z.array(LinkedIdentity) });
export type LinkedIdentities = z.infer<typeof LinkedIdentities>;
