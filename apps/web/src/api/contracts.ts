import type {
  AuditPage,
  InvitationPreview,
  InviteResult,
  MfaRecoveryCodes,
  MfaSetup,
  SetupStatus,
  StaffList,
} from '@dentalpro/contracts';

/** The output type of a zod 4 schema, without the web app depending on zod itself. */
export type Infer<T extends { _zod: { output: unknown } }> = T['_zod']['output'];

// The contracts export these schemas without a type of the same name; name them once here.
export type SetupStatusBody = Infer<typeof SetupStatus>;
export type StaffListBody = Infer<typeof StaffList>;
export type InviteResultBody = Infer<typeof InviteResult>;
export type AuditPageBody = Infer<typeof AuditPage>;
export type InvitationPreviewBody = Infer<typeof InvitationPreview>;
export type MfaSetupBody = Infer<typeof MfaSetup>;
export type MfaRecoveryCodesBody = Infer<typeof MfaRecoveryCodes>;

import type {
  Availability,
  Block,
  CalendarSettings,
  Closure,
  Holiday,
  OpeningHours,
  StatusHistoryEntry,
} from '@dentalpro/contracts';
export type AvailabilityBody = Infer<typeof Availability>;
export type BlockBody = Infer<typeof Block>;
export type CalendarSettingsBody = Infer<typeof CalendarSettings>;
export type ClosureBody = Infer<typeof Closure>;
/** `provisional` is optional: the Mauritius import knows it, the list answer may not carry it yet. */
export type HolidayBody = Infer<typeof Holiday> & { provisional?: boolean };
export type OpeningHoursBody = Infer<typeof OpeningHours>;
export type StatusHistoryEntryBody = Infer<typeof StatusHistoryEntry>;

import type {
  ConversationList,
  ConversationPatch,
  MessageList,
  SandboxState,
  WhatsAppChannelInput,
  WhatsAppTemplateList,
} from '@dentalpro/contracts';
export type ConversationListBody = Infer<typeof ConversationList>;
export type MessageListBody = Infer<typeof MessageList>;
export type ConversationPatchBody = Infer<typeof ConversationPatch>;
export type WhatsAppTemplateListBody = Infer<typeof WhatsAppTemplateList>;
/** What PUT /whatsapp/channel takes: the server fills the defaults, so the input side of the schema. */
export type WhatsAppChannelInputBody = (typeof WhatsAppChannelInput)['_zod']['input'];
export type SandboxStateBody = Infer<typeof SandboxState>;
