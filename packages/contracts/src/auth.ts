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
  /** Some practice has its own provider: the page offers "Sign in with your practice's account". */
  practiceProviders: z.boolean(),
});
export type OidcPublicConfig = z.infer<typeof OidcPublicConfig>;

/** Where the browser goes next: the provider's authorisation page. */
export const OidcRedirect = z.object({ url: z.string() });
export type OidcRedirect = z.infer<typeof OidcRedirect>;

/** Linking a provider account from the profile: the account's password first. */
export const OidcLinkInput = z.strictObject({
  password: z.string().min(1).max(200),
  /** The practice whose own provider to link; absent: the deployment's. */
  practiceId: Uuid.optional(),
});
export const OidcUnlinkInput = z.strictObject({
  password: z.string().min(1).max(200),
  /** The provider account to unlink, by issuer; absent: the deployment's. */
  issuer: z.string().max(500).optional(),
});

/** A provider the signed-in account may link: the deployment's, or a practice's own. */
export const AvailableProvider = z.object({
  issuer: z.string(),
  displayName: z.string(),
  /** null: the deployment's provider. */
  practiceId: Uuid.nullable(),
});
export type AvailableProvider = z.infer<typeof AvailableProvider>;

/** An email domain: lower case, at least one dot, no scheme or @. */
export const EmailDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'Enter a domain such as clinic.mu');

/** A practice's own OpenID Connect provider, as the owner sets it (Settings → Practice → Sign-in). */
export const PracticeIdentityProviderInput = z.strictObject({
  issuer: z.url().max(500),
  clientId: z.string().trim().min(1).max(500),
  /** Required the first time; absent later, the saved secret stays. */
  clientSecret: z.string().min(1).max(1000).optional(),
  displayName: z.string().trim().min(1).max(60),
  emailDomains: z.array(EmailDomain).min(1).max(10),
});
export type PracticeIdentityProviderInput = z.input<typeof PracticeIdentityProviderInput>;

export const PracticeIdentityProvider = z.object({
  issuer: z.string(),
  clientId: z.string(),
  displayName: z.string(),
  emailDomains: z.array(z.string()),
  updatedAt: z.string(),
});
export type PracticeIdentityProvider = z.infer<typeof PracticeIdentityProvider>;

/** The practice's provider (null: none) and the redirect URL to register with it. */
export const PracticeIdentityProviderSettings = z.object({
  provider: PracticeIdentityProvider.nullable(),
  redirectUrl: z.string(),
});
export type PracticeIdentityProviderSettings = z.infer<typeof PracticeIdentityProviderSettings>;

export const LinkedIdentity = z.object({
  issuer: z.string(),
  email: z.string(),
  linkedAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type LinkedIdentity = z.infer<typeof LinkedIdentity>;
export const LinkedIdentities = z.object({
  identities: z.array(LinkedIdentity),
  /** The providers this account may link (the deployment's, and its practices' own). */
  providers: z.array(AvailableProvider),
});
export type LinkedIdentities = z.infer<typeof LinkedIdentities>;
