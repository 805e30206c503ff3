import { z } from 'zod';
import { Uuid } from './common.js';

/** WhatsApp: conversations and messages of the staff inbox, templates, channel settings, the sandbox. */

export const MESSAGE_STATUSES = ['received', 'queued', 'sending', 'sent', 'delivered', 'read', 'failed'] as const;
export const MessageStatus = z.enum(MESSAGE_STATUSES);
export type MessageStatus = z.infer<typeof MessageStatus>;

/**
 * Why a message did not reach the patient, as staff are told it (a translation key each).
 * Decided from Meta's error code, never its text.
 */
export const FAILURE_REASONS = [
  'not_on_whatsapp',
  'window_closed',
  'opted_out',
  'rate_limited',
  'template_problem',
  'marketing_limited',
  'token_expired',
  'meta_unavailable',
  'invalid_request',
  'interrupted',
  'gave_up',
  /** Not sent: it was still waiting (held by the daily messaging limit, or retrying) when its send-by time passed. */
  'too_late',
  /** Not sent: its sender withdrew it while it waited, as it no longer applied (a reminder's appointment moved or was cancelled). */
  'no_longer_applies',
  'unknown',
] as const;
export const FailureReason = z.enum(FAILURE_REASONS);
export type FailureReason = z.infer<typeof FailureReason>;

export const ReplyButton = z.object({
  id: z.string().min(1).max(256),
  title: z.string().trim().min(1).max(20),
});
const ReplyButtonInput = ReplyButton.strict();
export const ListRow = z.object({
  id: z.string().min(1).max(200),
  title: z.string().trim().min(1).max(24),
  description: z.string().max(72).optional(),
});
export const ListSection = z.object({ title: z.string().max(24).optional(), rows: z.array(ListRow).min(1).max(10) });

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
export const MediaType = z.enum(MEDIA_TYPES);

/** A message as the inbox shows it: Meta's many shapes folded into a few. */
export const MessageContent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), body: z.string() }),
  z.object({
    type: z.literal('media'),
    mediaType: MediaType,
    caption: z.string().optional(),
    mimeType: z.string(),
    fileName: z.string().optional(),
    /** pending: still being fetched from Meta; stored: downloadable; failed: Meta would not give it. */
    download: z.enum(['pending', 'stored', 'failed']),
  }),
  /** The patient tapped a reply button, a list row or a template quick reply. */
  z.object({ type: z.literal('choice'), choiceId: z.string(), title: z.string(), description: z.string().optional() }),
  z.object({
    type: z.literal('buttons'),
    body: z.string(),
    footer: z.string().optional(),
    buttons: z.array(ReplyButton),
  }),
  z.object({
    type: z.literal('list'),
    body: z.string(),
    footer: z.string().optional(),
    buttonLabel: z.string(),
    sections: z.array(ListSection),
  }),
  z.object({
    type: z.literal('template'),
    name: z.string(),
    language: z.string(),
    body: z.string(),
    buttons: z.array(z.string()),
  }),
  z.object({
    type: z.literal('location'),
    latitude: z.number(),
    longitude: z.number(),
    name: z.string().optional(),
    address: z.string().optional(),
  }),
  z.object({ type: z.literal('contacts'), names: z.array(z.string()) }),
  z.object({ type: z.literal('system'), body: z.string() }),
  /** A type Meta sent that DentalPro does not display; the original is kept. */
  z.object({ type: z.literal('unsupported'), originalType: z.string() }),
]);
export type MessageContent = z.infer<typeof MessageContent>;

export const MESSAGE_ORIGINS = ['patient', 'staff', 'greeting', 'away', 'system', 'assistant'] as const;
export const MessageOrigin = z.enum(MESSAGE_ORIGINS);

/** Who answers the patient next: the booking assistant or a person. Never both. */
export const CONVERSATION_OWNERS = ['assistant', 'staff'] as const;
export const ConversationOwner = z.enum(CONVERSATION_OWNERS);
export type ConversationOwner = z.infer<typeof ConversationOwner>;

/** Why a conversation needs a person (a translation key each). `needs_staff`: flagged by staff;
 * `recall_booking`: tapped a recall's Book now while the practice has the assistant off;
 * `closure_call`: tapped a closure message's Call me; `closure_rebooking`: its Choose a new time
 * while the assistant is off. */
export const HANDOVER_REASONS = [
  'asked',
  'urgent',
  'not_understood',
  'late_cancellation',
  'possible_duplicate',
  'needs_staff',
  'recall_booking',
  'closure_call',
  'closure_rebooking',
] as const;
export const HandoverReason = z.enum(HANDOVER_REASONS);
export type HandoverReason = z.infer<typeof HandoverReason>;

export const InboxMessage = z.object({
  id: Uuid,
  conversationId: Uuid,
  direction: z.enum(['inbound', 'outbound']),
  origin: MessageOrigin,
  content: MessageContent,
  status: MessageStatus,
  failure: z
    .object({ reason: FailureReason, code: z.number().int().nullable(), detail: z.string().nullable() })
    .nullable(),
  /** The message this one answers (WhatsApp's reply quote). */
  replyTo: z.object({ messageId: Uuid, preview: z.string() }).nullable(),
  /** Still queued because Meta's daily messaging limit is reached: when it goes. */
  held: z
    .object({ reason: z.enum(['messaging_limit']), until: z.string() })
    .nullable()
    .optional(),
  reactions: z.array(z.object({ emoji: z.string(), by: z.enum(['patient', 'practice']) })),
  sentBy: z.object({ userId: Uuid, name: z.string() }).nullable(),
  createdAt: z.string(),
});
export type InboxMessage = z.infer<typeof InboxMessage>;

const PatientRef = z.object({ id: Uuid, name: z.string(), dateOfBirth: z.string().nullable() });

export const ConversationSummary = z.object({
  id: Uuid,
  /** The patient's WhatsApp number (digits, as Meta sends it); null for username-only users. */
  waId: z.string().nullable(),
  /** E.164 for display; null when the contact has no phone. */
  phone: z.string().nullable(),
  profileName: z.string(),
  patient: PatientRef.nullable(),
  lastMessage: z
    .object({ preview: z.string(), direction: z.enum(['inbound', 'outbound']), status: MessageStatus, at: z.string() })
    .nullable(),
  unreadCount: z.number().int(),
  assignedTo: z.object({ userId: Uuid, name: z.string() }).nullable(),
  needsHuman: z.boolean(),
  /** Who answers next: the assistant, or a person (after a handover, a staff reply or a take-over). */
  owner: ConversationOwner,
  /**
   * Why a person is needed, while it is flagged (until staff hand it back or clear the flag).
   * `since`: when the patient started waiting for a person; null once staff have answered.
   */
  handover: z.object({ reason: HandoverReason, since: z.string().nullable() }).nullable(),
  status: z.enum(['open', 'closed']),
  /** Until when free-form messages may be sent; null when the patient never wrote or it has passed. */
  serviceWindowEndsAt: z.string().nullable(),
  optedOut: z.boolean(),
  lastMessageAt: z.string(),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

export const ConversationDetail = ConversationSummary.extend({
  /** Patients whose phone is this number (several children may share a parent's phone). */
  patientMatches: z.array(PatientRef),
  channel: z.object({
    displayPhoneNumber: z.string(),
    sendingPausedReason: z.string().nullable(),
    /** The booking assistant answers this number's patients (else every conversation is staff's). */
    assistantActive: z.boolean(),
  }),
});
export type ConversationDetail = z.infer<typeof ConversationDetail>;

export const ConversationListQuery = z.object({
  status: z.enum(['open', 'closed', 'all']).default('open'),
  assigned: z.enum(['any', 'me', 'unassigned']).default('any'),
  /** Only the conversations flagged "needs a person" (true), or only the others (false). */
  needsPerson: z.stringbool().optional(),
  q: z.string().trim().max(100).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export const ConversationList = z.object({ items: z.array(ConversationSummary), nextCursor: z.string().nullable() });

export const MessageListQuery = z.object({
  /** Messages before this one (older), for scrolling back. */
  before: Uuid.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
export const MessageList = z.object({ items: z.array(InboxMessage), hasMore: z.boolean() });

/**
 * Any of the fields; nothing to change answers the conversation as it is. `owner: 'staff'` takes
 * the conversation over from the assistant; `owner: 'assistant'` hands it back (and clears the
 * "needs a person" flag). `needsHuman: true` flags it for a person (the assistant falls silent).
 */
export const ConversationPatch = z.strictObject({
  assignedUserId: Uuid.nullable().optional(),
  status: z.enum(['open', 'closed']).optional(),
  needsHuman: z.boolean().optional(),
  patientId: Uuid.nullable().optional(),
  owner: ConversationOwner.optional(),
});

/**
 * What the navigation shows beside "Inbox", for open conversations: those waiting for a person
 * (`urgent` of them for urgent symptoms), then those with messages nobody has read.
 */
export const InboxCounts = z.object({
  waiting: z.number().int(),
  urgent: z.number().int(),
  unread: z.number().int(),
});
export type InboxCounts = z.infer<typeof InboxCounts>;

/** Template parameters: by position ("1", "2", ...) or by name, as the template declares them. */
export const TemplateParameters = z.record(z.string().max(60), z.string().max(1024));

export const SendMessageInput = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('text'),
    body: z.string().trim().min(1).max(4096),
    replyToMessageId: Uuid.optional(),
  }),
  z.strictObject({
    type: z.literal('buttons'),
    body: z.string().trim().min(1).max(1024),
    footer: z.string().trim().max(60).optional(),
    buttons: z.array(ReplyButtonInput).min(1).max(3),
  }),
  /** A photo (JPEG, PNG; up to 5 MB) or a PDF (up to 8 MB), base64-encoded. */
  z.strictObject({
    type: z.literal('media'),
    fileName: z.string().trim().min(1).max(200),
    mimeType: z.enum(['image/jpeg', 'image/png', 'application/pdf']),
    dataBase64: z.string().min(4).max(11_200_000),
    caption: z.string().trim().max(1024).optional(),
  }),
  z.strictObject({
    type: z.literal('template'),
    templateName: z.string().min(1).max(512),
    language: z.string().min(2).max(15),
    parameters: TemplateParameters.default({}),
  }),
]);
export type SendMessageInput = z.infer<typeof SendMessageInput>;

export const TEMPLATE_CATEGORIES = ['UTILITY', 'MARKETING', 'AUTHENTICATION'] as const;
export const WhatsAppTemplate = z.object({
  id: Uuid,
  name: z.string(),
  language: z.string(),
  category: z.string(),
  status: z.string(),
  body: z.string(),
  parameterFormat: z.enum(['positional', 'named']),
  /** Parameter names in order ("1", "2"... for positional templates), with an example each. */
  parameters: z.array(z.object({ name: z.string(), example: z.string() })),
  quickReplies: z.array(z.string()),
});
export type WhatsAppTemplate = z.infer<typeof WhatsAppTemplate>;
export const WhatsAppTemplateList = z.object({ items: z.array(WhatsAppTemplate), syncedAt: z.string().nullable() });

export const AutoReplies = z.object({
  greetingEnabled: z.boolean(),
  greetingEn: z.string().trim().max(1024),
  greetingFr: z.string().trim().max(1024),
  awayEnabled: z.boolean(),
  awayEn: z.string().trim().max(1024),
  awayFr: z.string().trim().max(1024),
});
export type AutoReplies = z.infer<typeof AutoReplies>;

/**
 * Meta's daily messaging limit: unique people reached outside their 24-hour window in a rolling
 * 24 hours, shared by every number of one business portfolio. Null: unlimited.
 */
export const MESSAGING_LIMIT_TIERS = [250, 2000, 10000, 100000] as const;
export const MessagingLimitTier = z.union([
  z.literal(250),
  z.literal(2000),
  z.literal(10000),
  z.literal(100000),
  z.null(),
]);
export const MessagingLimitView = z.object({
  dailyLimit: z.number().int().nullable(),
  /** Who set it: nobody yet (then it is not enforced), the owner, or Meta's webhook. */
  source: z.enum(['default', 'owner', 'meta']),
  reachedLast24h: z.number().int(),
  /** The portfolio is the number's WhatsApp Business Account, or the number alone while none is set. */
  sharedBy: z.enum(['account', 'number']),
});
export type MessagingLimitView = z.infer<typeof MessagingLimitView>;

export const WhatsAppChannel = z.object({
  id: Uuid,
  phoneNumberId: z.string(),
  displayPhoneNumber: z.string(),
  wabaId: z.string(),
  hasAccessToken: z.boolean(),
  throughputPerSecond: z.number().int(),
  sendingPausedReason: z.string().nullable(),
  autoReplies: AutoReplies,
  /** The booking assistant answers this number's patients (switched in Settings → Assistant). */
  assistantActive: z.boolean(),
  /** Where Meta must send this deployment's webhooks. */
  webhookUrl: z.string(),
  sandbox: z.boolean(),
  messagingLimit: MessagingLimitView,
});
export type WhatsAppChannel = z.infer<typeof WhatsAppChannel>;

export const WhatsAppChannelInput = z.strictObject({
  phoneNumberId: z
    .string()
    .trim()
    .regex(/^[0-9]{5,32}$/, 'The numeric phone number ID Meta shows for the number'),
  displayPhoneNumber: z.string().trim().max(30).default(''),
  wabaId: z
    .string()
    .trim()
    .regex(/^[0-9]*$/, 'Digits only')
    .max(32)
    .default(''),
  /** Omitted: keep the current token. */
  accessToken: z.string().trim().min(10).max(1000).optional(),
  throughputPerSecond: z.number().int().min(1).max(1000).default(80),
  autoReplies: AutoReplies.strict().optional(),
  /** The portfolio's daily messaging limit as Meta shows it in WhatsApp Manager (null: unlimited); omitted: unchanged. */
  dailyMessagingLimit: MessagingLimitTier.optional(),
});

/** The events the inbox listens to over server-sent events. */
export const InboxEvent = z.object({
  type: z.enum(['conversation', 'message']),
  conversationId: Uuid,
  messageId: Uuid.optional(),
});
export type InboxEvent = z.infer<typeof InboxEvent>;

// --- Sandbox (only when no Meta credentials are configured) ---

export const SandboxState = z.object({
  enabled: z.boolean(),
  channels: z.array(
    z.object({ practiceId: Uuid, practiceName: z.string(), phoneNumberId: z.string(), displayPhoneNumber: z.string() }),
  ),
});

export const SandboxSendInput = z.strictObject({
  phoneNumberId: z.string().regex(/^[0-9]{5,32}$/),
  /** The patient's number: digits with country code, e.g. 23057123456. */
  from: z.string().regex(/^[0-9]{8,15}$/, 'Digits with the country code, e.g. 23057123456'),
  profileName: z.string().trim().min(1).max(100),
  message: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('text'), body: z.string().min(1).max(4096) }),
    /** Tapping a reply button or list row of one of the practice's messages. */
    z.strictObject({
      type: z.literal('choice'),
      kind: z.enum(['button', 'list', 'template']),
      choiceId: z.string(),
      title: z.string(),
      /** A list row's description, sent back in `list_reply` as Meta does. */
      description: z.string().max(72).optional(),
      contextWamid: z.string(),
    }),
    z.strictObject({
      type: z.literal('image'),
      dataBase64: z.string().max(2_000_000),
      mimeType: z.enum(['image/jpeg', 'image/png']),
      caption: z.string().max(1024).optional(),
    }),
    z.strictObject({
      type: z.literal('location'),
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      name: z.string().max(1000).optional(),
    }),
  ]),
});
export type SandboxSendInput = z.infer<typeof SandboxSendInput>;

/** What the sandbox phone shows: both sides of the chat in Meta's shapes. */
export const SandboxPhoneMessage = z.object({
  wamid: z.string(),
  direction: z.enum(['to_phone', 'from_phone']),
  /** For to_phone: the body the practice sent to the Graph API; for from_phone: the webhook message. */
  payload: z.record(z.string(), z.unknown()),
  status: z.enum(['sent', 'delivered', 'read']).nullable(),
  at: z.string(),
});
export type SandboxPhoneMessage = z.infer<typeof SandboxPhoneMessage>;
