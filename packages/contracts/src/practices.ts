import { z } from 'zod';
import { Email, Language, Uuid } from './common.js';

function isTimeZone(zone: string) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
export const TimeZone = z
  .string()
  .trim()
  .refine(isTimeZone, 'Unknown time zone (use an IANA name such as Indian/Mauritius)');

const PracticeFields = z.strictObject({
  name: z.string().trim().min(2).max(120),
  address: z.string().trim().max(300),
  phone: z.string().trim().max(40),
  email: z.union([Email, z.literal('')]),
  timeZone: TimeZone,
  defaultLanguage: Language,
  currency: z.string().regex(/^[A-Z]{3}$/),
  /** Receptionists may read medical alerts where they book; off, they see that one exists. */
  receptionistsSeeAlertDetails: z.boolean(),
  /** Members may sign in with a password; off, only through the deployment's identity provider. */
  passwordSignInAllowed: z.boolean(),
  /** Members signing in with a password must use two-step (they enrol at their next sign-in). */
  twoStepRequiredForPasswords: z.boolean(),
});

/**
 * A new practice. How its members sign in is not chosen here: it opens with password sign-in on
 * and two-step optional, and the owner changes that in the settings (PracticePatch), where
 * switching password sign-in off is refused until the owner can sign in through the provider.
 */
export const PracticeInput = PracticeFields.omit({
  passwordSignInAllowed: true,
  twoStepRequiredForPasswords: true,
}).extend({
  address: PracticeFields.shape.address.default(''),
  phone: PracticeFields.shape.phone.default(''),
  email: PracticeFields.shape.email.default(''),
  timeZone: TimeZone.default('Indian/Mauritius'),
  defaultLanguage: Language.default('en'),
  currency: PracticeFields.shape.currency.default('MUR'),
  receptionistsSeeAlertDetails: z.boolean().default(false),
});
export type PracticeInput = z.input<typeof PracticeInput>;
/** Only the fields sent change; no defaults here, so a patch never resets a field. */
export const PracticePatch = PracticeFields.partial();
export type PracticePatch = z.input<typeof PracticePatch>;

export const Practice = z.object({
  id: Uuid,
  name: z.string(),
  address: z.string(),
  phone: z.string(),
  email: z.string(),
  timeZone: z.string(),
  defaultLanguage: Language,
  currency: z.string(),
  receptionistsSeeAlertDetails: z.boolean(),
  passwordSignInAllowed: z.boolean(),
  twoStepRequiredForPasswords: z.boolean(),
  createdAt: z.string(),
});
export type Practice = z.infer<typeof Practice>;
