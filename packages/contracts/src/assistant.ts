import { z } from 'zod';
import { Uuid } from './common.js';
import { CalendarInstant } from './dates.js';

// The WhatsApp booking assistant: its settings (Settings → Assistant) and how it reads a message
// (the "try a message" box, `npm run cli -- assistant understand`).

/** Texts the practice writes for patients; empty means "not written". One WhatsApp message holds 4096. */
const PatientText = z.string().trim().max(1024);

const AssistantSettingsFields = z.strictObject({
  /** Whether the assistant answers patients; while on, the greeting and away messages stay quiet. */
  enabled: z.boolean(),
  /** Cancelling or moving closer than this many hours to the start is handed to staff. */
  lateCancellationHours: z.number().int().min(0).max(168),
  /** A conversation silent this many minutes mid-flow starts again. */
  idleMinutes: z.number().int().min(5).max(720),
  /** A conversation a person took over and left silent this many hours goes back to the assistant. */
  handoverIdleHours: z.number().int().min(1).max(168),
  emergencyEn: PatientText,
  emergencyFr: PatientText,
  /** Empty: the assistant reads out the practice's weekly opening hours. */
  openingHoursEn: PatientText,
  openingHoursFr: PatientText,
  /** Price-list items whose fee the assistant may quote; each must be an active item of the practice's list. */
  publishedPriceItemIds: z.array(Uuid).max(100),
});

export const AssistantSettings = AssistantSettingsFields.extend({
  /** When an owner last saved them; null while the practice has the defaults. */
  updatedAt: z.string().nullable(),
});
export type AssistantSettings = z.infer<typeof AssistantSettings>;

/** Only the fields sent change. */
export const AssistantSettingsPatch = AssistantSettingsFields.partial();
export type AssistantSettingsPatch = z.input<typeof AssistantSettingsPatch>;

/** What the assistant can take a message to mean (the server's understanding answers one of these). */
export const ASSISTANT_INTENTS = [
  'book',
  'reschedule',
  'cancel',
  'my_appointments',
  'opening_hours',
  'address',
  'prices',
  'human',
  'urgent',
  'stop',
  'start',
  'language',
  'greeting',
  'thanks',
  'yes',
  'no',
  'earliest',
  /** Patients' rights over their data (issue 14): a copy, deletion, a correction, stop using it. */
  'privacy_access',
  'privacy_deletion',
  'privacy_correction',
  'privacy_restriction',
  'unknown',
] as const;
export const AssistantIntent = z.enum(ASSISTANT_INTENTS);
export type AssistantIntent = z.infer<typeof AssistantIntent>;

/** English, French, Mauritian Creole (ISO 639-3 `mfe`). */
export const AssistantLanguage = z.enum(['en', 'fr', 'mfe']);
export type AssistantLanguage = z.infer<typeof AssistantLanguage>;

export const UnderstandInput = z.strictObject({
  /** A patient's message as they would write it (a WhatsApp text is at most 4096 characters). */
  text: z.string().trim().min(1).max(4096),
  /** When the message is taken to be sent ("tomorrow" is the day after this); now when left out. */
  at: CalendarInstant.optional(),
});
export type UnderstandInput = z.input<typeof UnderstandInput>;

export const UnderstandResult = z.object({
  language: AssistantLanguage,
  intent: AssistantIntent,
  /** The span of time the message names, as instants (ISO, UTC); null when it names none. */
  when: z.object({ from: z.string(), to: z.string() }).nullable(),
  /** The name of the practice's WhatsApp-bookable visit type the message asks for, if one matches. */
  typeName: z.string().optional(),
  /** 0…1: how sure the rules are. */
  confidence: z.number().min(0).max(1),
});
export type UnderstandResult = z.infer<typeof UnderstandResult>;
