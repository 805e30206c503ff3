import type { ColumnType, Generated } from 'kysely';

/** Row types of our tables, as Kysely sees them (camelCase; the database is snake_case). */

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface PracticesTable {
  id: Generated<string>;
  slotStepMinutes: Defaulted<number>;
  holdMinutes: Defaulted<number>;
  name: string;
  address: Defaulted<string>;
  phone: Defaulted<string>;
  email: Defaulted<string>;
  timeZone: Defaulted<string>;
  defaultLanguage: Defaulted<'en' | 'fr'>;
  currency: Defaulted<string>;
  /** Receptionists may read medical alerts on the calendar and in booking (off: they are told an alert exists). */
  receptionistsSeeAlertDetails: Defaulted<boolean>;
  /** Members may sign in with a password (off: through the deployment's OpenID Connect provider only). */
  passwordSignInAllowed: Defaulted<boolean>;
  /** Members who sign in with a password must have two-step on (they enrol before anything else). */
  twoStepRequiredForPasswords: Defaulted<boolean>;
  createdAt: CreatedAt;
  updatedAt: Defaulted<Date>;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  phone: Defaulted<string>;
  language: Defaulted<'en' | 'fr'>;
  passwordHash: string;
  mfaSecretEncrypted: Buffer | null;
  mfaLastStep: Generated<number | null>;
  mfaEnabledAt: Date | null;
  passwordChangedAt: Defaulted<Date>;
  createdAt: CreatedAt;
  updatedAt: Defaulted<Date>;
}

export type RoleColumn = 'owner' | 'dentist' | 'hygienist' | 'receptionist';

export interface MembershipsTable {
  practiceId: string;
  userId: string;
  role: RoleColumn;
  createdAt: CreatedAt;
}

export interface InvitationsTable {
  id: Generated<string>;
  practiceId: string;
  email: string;
  role: RoleColumn;
  tokenHash: Buffer;
  invitedBy: string | null;
  createdAt: CreatedAt;
  expiresAt: Timestamp;
  acceptedAt: Date | null;
  acceptedBy: string | null;
  revokedAt: Date | null;
}

export interface SessionsTable {
  id: Generated<string>;
  tokenHash: Buffer;
  userId: string;
  mfaPending: Defaulted<boolean>;
  /** The practice's policy wants two-step and the account has none: only enrolment is open. */
  mfaEnrolmentRequired: Defaulted<boolean>;
  createdAt: CreatedAt;
  lastSeenAt: Defaulted<Date>;
  expiresAt: Timestamp;
  ip: Defaulted<string>;
  userAgent: Defaulted<string>;
}

export interface UserIdentitiesTable {
  issuer: string;
  subject: string;
  userId: string;
  email: Defaulted<string>;
  linkedAt: CreatedAt;
  lastUsedAt: Date | null;
}

export interface OidcSignInRequestsTable {
  stateHash: Buffer;
  browserHash: Buffer;
  purpose: 'sign_in' | 'link' | 'invitation';
  nonce: string;
  codeVerifier: string;
  userId: string | null;
  invitationToken: string | null;
  createdAt: CreatedAt;
  expiresAt: Timestamp;
  /** The practice whose own provider the sign-in went to; null: the deployment's. */
  practiceId: Defaulted<string | null>;
}

export interface PracticeIdentityProvidersTable {
  practiceId: string;
  issuer: string;
  clientId: string;
  clientSecretEncrypted: Buffer;
  displayName: string;
  createdAt: CreatedAt;
  updatedAt: Defaulted<Date>;
}

export interface PracticeSignInDomainsTable {
  domain: string;
  practiceId: string;
}

export interface MfaRecoveryCodesTable {
  userId: string;
  codeHash: Buffer;
  usedAt: Date | null;
}

export interface PasswordResetTokensTable {
  tokenHash: Buffer;
  userId: string;
  createdAt: CreatedAt;
  expiresAt: Timestamp;
  usedAt: Date | null;
}

export interface LoginAttemptsTable {
  id: Generated<number>;
  email: string;
  ip: string;
  succeeded: boolean;
  attemptedAt: Defaulted<Date>;
}

export interface AuditEventsTable {
  id: Generated<string>;
  practiceId: string;
  seq: number;
  occurredAt: Timestamp;
  actorUserId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  requestId: string | null;
  changes: ColumnType<Record<string, unknown>, string, never>;
  prevHash: Buffer | null;
  hash: Buffer;
}

export interface AuditChainHeadsTable {
  practiceId: string;
  lastSeq: Defaulted<number>;
  lastHash: Buffer | null;
}

/** Written only by purge_audit_events: where the trail now starts (the last removed event). */
export interface AuditCheckpointsTable {
  practiceId: string;
  throughSeq: number;
  throughHash: Buffer;
  throughOccurredAt: Timestamp;
  purgedBefore: Timestamp;
  eventsPurged: number;
  createdAt: Defaulted<Date>;
}

/** Written only by the bump_calendar_revision trigger; read by availability (bigint, as a string). */
export interface CalendarRevisionsTable {
  practiceId: string;
  revision: ColumnType<string, never, never>;
  xact: ColumnType<string, never, never>;
}

/** tstzrange, as PostgreSQL prints it: '["2026-11-24 08:00:00+00","2026-11-24 08:30:00+00")'. */
export type Range = string;

export interface PatientsTable {
  id: Generated<string>;
  practiceId: string;
  givenName: string;
  familyName: string;
  /** The primary number (the first of patient_phones), E.164 or ''. */
  phone: Defaulted<string>;
  dateOfBirth: string | null;
  preferredName: Defaulted<string>;
  sex: Defaulted<'female' | 'male' | 'other' | 'unknown'>;
  email: Defaulted<string>;
  address: Defaulted<string>;
  preferredLanguage: Defaulted<'en' | 'fr' | 'mfe'>;
  guardianPatientId: string | null;
  guardianName: Defaulted<string>;
  guardianPhone: Defaulted<string>;
  guardianRelationship: Defaulted<string>;
  /** Medical alerts sealed with the practice's data key (aad `patient:<id>:alerts`). */
  alertsSealed: Buffer | null;
  notes: Defaulted<string>;
  status: Defaulted<'active' | 'archived' | 'deceased'>;
  mergedIntoId: string | null;
  /** Folded (lower case, no accents) 'given preferred family', written by the application. */
  searchName: Defaulted<string>;
  /** Folded 'family given', byte order: the order of lists. */
  sortName: Defaulted<string>;
  createdAt: CreatedAt;
  updatedAt: Defaulted<Date>;
  /** Moved on by every write to the record; edits check it (optimistic concurrency). */
  version: Defaulted<number>;
  registeredVia: Defaulted<'staff' | 'import' | 'whatsapp'>;
}

export interface PatientPhonesTable {
  id: Generated<string>;
  practiceId: string;
  patientId: string;
  position: number;
  e164: string;
  label: Defaulted<'mobile' | 'home' | 'work'>;
  isWhatsapp: Defaulted<boolean>;
  nationalDigits: string;
  digitsReversed: string;
  /** patients.sort_name, kept equal by triggers. */
  sortName: ColumnType<string, never, never>;
}

export interface PatientSearchWordsTable {
  practiceId: string;
  patientId: string;
  word: string;
  sortName: string;
  /** The patient's whole folded name (patients.search_name). */
  searchName: string;
}

export interface PatientNameVocabularyTable {
  practiceId: string;
  word: string;
}

export interface PatientNameWordCountsTable {
  practiceId: string;
  word: string;
  /** Patients bearing the word at the last count (refreshNameWordCounts). */
  patients: number;
}

export interface ChairsTable {
  id: Generated<string>;
  practiceId: string;
  name: string;
  colour: Defaulted<string>;
  sortOrder: Defaulted<number>;
  active: Defaulted<boolean>;
  createdAt: CreatedAt;
}

export interface ProvidersTable {
  practiceId: string;
  userId: string;
  displayName: string;
  colour: Defaulted<string>;
  active: Defaulted<boolean>;
  createdAt: CreatedAt;
}

export interface OpeningHoursTable {
  id: Generated<string>;
  practiceId: string;
  weekday: number;
  startMinute: number;
  endMinute: number;
}

export interface ProviderHoursTable {
  id: Generated<string>;
  practiceId: string;
  providerId: string;
  weekday: number;
  startMinute: number;
  endMinute: number;
  chairId: string | null;
  validFrom: string | null;
  validTo: string | null;
}

export interface ClosuresTable {
  id: Generated<string>;
  practiceId: string;
  period: Range;
  reason: Defaulted<string>;
  createdAt: CreatedAt;
}

export interface PublicHolidaysTable {
  id: Generated<string>;
  practiceId: string;
  date: string;
  nameEn: string;
  nameFr: string;
  provisional: Defaulted<boolean>;
}

export interface BlocksTable {
  id: Generated<string>;
  practiceId: string;
  providerId: string | null;
  chairId: string | null;
  period: Range;
  kind: 'lunch' | 'meeting' | 'leave' | 'maintenance' | 'other';
  note: Defaulted<string>;
  createdBy: string | null;
  createdAt: CreatedAt;
}

export interface AppointmentTypesTable {
  id: Generated<string>;
  practiceId: string;
  nameEn: string;
  nameFr: string;
  durationMinutes: number;
  bufferAfterMinutes: Defaulted<number>;
  allowedRoles: ColumnType<string[], string[] | undefined, string[]>;
  colour: Defaulted<string>;
  whatsappBookable: Defaulted<boolean>;
  minNoticeMinutes: Defaulted<number>;
  maxDaysAhead: Defaulted<number>;
  active: Defaulted<boolean>;
  createdAt: CreatedAt;
}

export type AppointmentStatusColumn =
  | 'held'
  | 'booked'
  | 'confirmed'
  | 'arrived'
  | 'in_chair'
  | 'completed'
  | 'cancelled'
  | 'no_show';

export interface AppointmentsTable {
  id: Generated<string>;
  practiceId: string;
  patientId: string | null;
  providerId: string;
  chairId: string;
  appointmentTypeId: string;
  period: Range;
  occupied: Range;
  status: AppointmentStatusColumn;
  holdExpiresAt: Date | null;
  source: 'staff' | 'whatsapp' | 'phone' | 'walk_in';
  createdBy: string | null;
  cancellationReason: string | null;
  notes: Defaulted<string>;
  overbookReason: string | null;
  createdAt: CreatedAt;
  updatedAt: Defaulted<Date>;
  /** Generated from period / occupied, for index-friendly filtering (see the migration). */
  startsAt: ColumnType<Date, never, never>;
  endsAt: ColumnType<Date, never, never>;
  occupiedUntil: ColumnType<Date, never, never>;
}

export interface AppointmentStatusHistoryTable {
  id: Generated<number>;
  practiceId: string;
  appointmentId: string;
  fromStatus: string | null;
  toStatus: string;
  changedBy: string | null;
  changedAt: Defaulted<Date>;
  reason: string | null;
}

export interface WaitlistEntriesTable {
  id: Generated<string>;
  practiceId: string;
  patientId: string;
  appointmentTypeId: string;
  providerId: string | null;
  preferredWeekdays: ColumnType<number[], number[] | undefined, number[]>;
  preferredStartMinute: number | null;
  preferredEndMinute: number | null;
  earliest: string | null;
  latest: string | null;
  notes: Defaulted<string>;
  status: Defaulted<'waiting' | 'offered' | 'booked' | 'removed'>;
  createdBy: string | null;
  createdAt: CreatedAt;
}

export interface RecallsTable {
  id: Generated<string>;
  practiceId: string;
  patientId: string;
  kind: Defaulted<'checkup' | 'hygiene' | 'review' | 'other'>;
  dueDate: string;
  intervalMonths: number | null;
  status: Defaulted<'due' | 'booked' | 'done' | 'cancelled'>;
  notes: Defaulted<string>;
  /** The visit it is for and with whom, when the recall says so (20261208400000). */
  appointmentTypeId: ColumnType<string | null, string | null | undefined, string | null>;
  providerId: ColumnType<string | null, string | null | undefined, string | null>;
  createdAt: CreatedAt;
}

export interface WhatsappChannelsTable {
  id: Generated<string>;
  practiceId: string;
  phoneNumberId: string;
  displayPhoneNumber: Defaulted<string>;
  wabaId: Defaulted<string>;
  accessTokenEncrypted: Buffer | null;
  throughputPerSecond: Defaulted<number>;
  sendSlotAt: Defaulted<Date>;
  sendingPausedReason: Defaulted<string | null>;
  greetingEnabled: Defaulted<boolean>;
  greetingEn: Defaulted<string>;
  greetingFr: Defaulted<string>;
  awayEnabled: Defaulted<boolean>;
  awayEn: Defaulted<string>;
  awayFr: Defaulted<string>;
  templatesSyncedAt: Defaulted<Date | null>;
  assistantActive: Defaulted<boolean>;
  /** Which business portfolio's daily messaging limit the number counts against (generated from waba_id). */
  portfolioKey: ColumnType<string, never, never>;
  createdAt: CreatedAt;
  updatedAt: Defaulted<Date>;
}

/** A business portfolio's daily messaging limit (null: unlimited), and who set it. */
export interface WhatsappMessagingLimitsTable {
  portfolioKey: string;
  dailyLimit: Defaulted<number | null>;
  source: Defaulted<'default' | 'owner' | 'meta'>;
  updatedAt: Defaulted<Date>;
}

/** A person reached outside their window (a keyed hash of their WhatsApp id), for the rolling 24 hours. */
export interface WhatsappPortfolioReachTable {
  id: Generated<number>;
  portfolioKey: string;
  recipient: Buffer;
  reachedAt: Defaulted<Date>;
  messageId: string;
}

export interface WhatsappWebhookDeliveriesTable {
  id: Generated<number>;
  receivedAt: CreatedAt;
  /** Plain only in bodies stored before their words were sealed (20261212500000). */
  body: ColumnType<string | null, string | null | undefined, string | null>;
  /** The body sealed with the master key (messaging/message-words.ts). */
  bodySealed: Defaulted<Buffer | null>;
  /** Keyed hashes of the WhatsApp numbers and user ids the body names (erasure finds them). */
  contactTags: Defaulted<string[]>;
  processedAt: Defaulted<Date | null>;
  claimedUntil: Defaulted<Date | null>;
  attempts: Defaulted<number>;
  lastError: Defaulted<string | null>;
  deadAt: Defaulted<Date | null>;
  /** The numbers (Meta's phone number ids) the body is about, read at intake. */
  phoneNumberIds: Defaulted<string[]>;
}

export interface WhatsappConversationsTable {
  id: Generated<string>;
  practiceId: string;
  channelId: string;
  waId: string | null;
  userId: string | null;
  profileName: Defaulted<string>;
  patientId: Defaulted<string | null>;
  status: Defaulted<'open' | 'closed'>;
  assignedUserId: Defaulted<string | null>;
  needsHuman: Defaulted<boolean>;
  unreadCount: Defaulted<number>;
  lastMessageAt: Defaulted<Date>;
  lastInboundAt: Defaulted<Date | null>;
  greetedAt: Defaulted<Date | null>;
  awaySentAt: Defaulted<Date | null>;
  optedInAt: Defaulted<Date | null>;
  optedOutAt: Defaulted<Date | null>;
  pairSlotAt: Defaulted<Date>;
  owner: Defaulted<'assistant' | 'staff'>;
  handoverReason: Defaulted<HandoverReasonColumn | null>;
  handoverAt: Defaulted<Date | null>;
  ownerSince: Defaulted<Date | null>;
  /** Meta's 131026 for this number; cleared when the patient writes from it. */
  notOnWhatsappAt: Defaulted<Date | null>;
  createdAt: CreatedAt;
}

export type HandoverReasonColumn =
  | 'asked'
  | 'urgent'
  | 'not_understood'
  | 'late_cancellation'
  | 'possible_duplicate'
  | 'needs_staff'
  | 'recall_booking'
  | 'closure_call'
  | 'closure_rebooking';

export type MessageStatusColumn = 'received' | 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface WhatsappMessagesTable {
  id: Generated<string>;
  practiceId: string;
  conversationId: string;
  channelId: string;
  direction: 'inbound' | 'outbound';
  origin: 'patient' | 'staff' | 'greeting' | 'away' | 'system' | 'assistant';
  wamid: Defaulted<string | null>;
  content: ColumnType<unknown, string, string>;
  raw: ColumnType<unknown, string | null | undefined, string | null>;
  request: ColumnType<unknown, string | null | undefined, string | null>;
  /** The words of content, raw and request, sealed with the practice's data key (message-words.ts). */
  sealed: Defaulted<Buffer | null>;
  status: MessageStatusColumn;
  statusAt: Defaulted<Date>;
  failureReason: Defaulted<string | null>;
  failureCode: Defaulted<number | null>;
  failureDetail: Defaulted<string | null>;
  /** Held back by the portfolio's daily messaging limit: until when, and why. */
  heldUntil: Defaulted<Date | null>;
  heldReason: Defaulted<'messaging_limit' | null>;
  contextWamid: Defaulted<string | null>;
  replyToMessageId: Defaulted<string | null>;
  reactions: ColumnType<unknown, string | undefined, string>;
  mediaId: Defaulted<string | null>;
  mediaFileKey: Defaulted<string | null>;
  mediaSize: Defaulted<number | null>;
  mediaState: Defaulted<'pending' | 'stored' | 'failed' | null>;
  sentByUserId: Defaulted<string | null>;
  idempotencyKey: Defaulted<string | null>;
  occurredAt: Defaulted<Date>;
  createdAt: CreatedAt;
}

export interface WhatsappStatusEventsTable {
  id: Generated<number>;
  practiceId: string;
  channelId: string;
  wamid: string;
  status: string;
  occurredAt: Timestamp;
  errors: ColumnType<unknown, string | null | undefined, string | null>;
  appliedAt: Defaulted<Date | null>;
  receivedAt: CreatedAt;
}

export interface WhatsappOutboxTable {
  seq: Generated<number>;
  practiceId: string;
  channelId: string;
  conversationId: string;
  messageId: string;
  kind: 'message' | 'read_receipt' | 'media_download';
  state: Defaulted<'queued' | 'sending'>;
  attempts: Defaulted<number>;
  nextAttemptAt: Defaulted<Date>;
  attemptStartedAt: Defaulted<Date | null>;
  claimedUntil: Defaulted<Date | null>;
  lastError: Defaulted<string | null>;
  /** Not sent after this time (it would come too late to be of use): recorded as failed, too_late. */
  sendBy: Defaulted<Date | null>;
  createdAt: CreatedAt;
}

export interface WhatsappTemplatesTable {
  id: Generated<string>;
  practiceId: string;
  channelId: string;
  name: string;
  language: string;
  category: string;
  status: string;
  body: string;
  parameterFormat: 'positional' | 'named';
  parameters: ColumnType<unknown, string, string>;
  quickReplies: ColumnType<unknown, string, string>;
  syncedAt: Defaulted<Date>;
}

export interface PracticeDataKeysTable {
  practiceId: string;
  version: number;
  wrappedKey: Buffer;
  masterKeyId: string;
  createdAt: CreatedAt;
}

// Clinical records (modules/clinical). *Sealed columns hold data sealed by platform/data-keys.ts.
type TextArray = ColumnType<string[], string[] | undefined, string[]>;

export interface ProceduresTable {
  id: Generated<string>;
  practiceId: string;
  code: string;
  nameEn: string;
  nameFr: string;
  feeMinor: number;
  currency: Defaulted<string>;
  resultKind: string | null;
  resultMaterial: string | null;
  active: Defaulted<boolean>;
  createdAt: CreatedAt;
  updatedAt: Defaulted<Date>;
}

export interface TreatmentPlansTable {
  id: Generated<string>;
  practiceId: string;
  patientId: string;
  title: string;
  status: Defaulted<'draft' | 'presented' | 'accepted' | 'completed' | 'cancelled'>;
  createdBy: string | null;
  createdAt: CreatedAt;
  updatedAt: Defaulted<Date>;
}

export interface TreatmentPlanItemsTable {
  id: Generated<string>;
  practiceId: string;
  planId: string;
  procedureId: string | null;
  procedureCode: string;
  procedureNameEn: string;
  procedureNameFr: string;
  feeMinor: number;
  currency: Defaulted<string>;
  resultKind: string | null;
  resultMaterial: string | null;
  tooth: number | null;
  surfaces: TextArray;
  phase: Defaulted<number>;
  notesSealed: Buffer | null;
  status: Defaulted<'planned' | 'accepted' | 'completed' | 'declined'>;
  completedAt: Date | null;
  completedBy: string | null;
  createdBy: string | null;
  createdAt: CreatedAt;
  updatedAt: Defaulted<Date>;
}

export interface ChartFindingsTable {
  id: Generated<string>;
  practiceId: string;
  patientId: string;
  tooth: number;
  surfaces: TextArray;
  kind: string;
  material: string | null;
  bridgeRole: string | null;
  noteSealed: Buffer | null;
  observedAt: Defaulted<Date>;
  recordedAt: CreatedAt;
  recordedBy: string | null;
  sourceItemId: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: 'treated' | 'superseded' | 'resolved' | 'entered_in_error' | null;
  supersededBy: string | null;
}

export interface ClinicalNotesTable {
  id: Generated<string>;
  practiceId: string;
  patientId: string;
  appointmentId: string | null;
  visitDate: string;
  bodySealed: Buffer;
  authorId: string | null;
  createdAt: CreatedAt;
  updatedAt: Defaulted<Date>;
  signedAt: Date | null;
  signedBy: string | null;
}

export interface ClinicalNoteAddendaTable {
  id: Generated<string>;
  practiceId: string;
  noteId: string;
  bodySealed: Buffer;
  authorId: string | null;
  createdAt: CreatedAt;
}

export interface AttachmentsTable {
  id: Generated<string>;
  practiceId: string;
  patientId: string;
  kind: 'xray' | 'photo' | 'document';
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  sha256: Buffer;
  storageKey: string;
  uploadedBy: string | null;
  uploadedAt: CreatedAt;
}

export interface JobsTable {
  id: Generated<number>;
  name: string;
  payload: ColumnType<unknown, string | undefined, string>;
  practiceId: Defaulted<string | null>;
  key: Defaulted<string | null>;
  runAt: Defaulted<Date>;
  state: Defaulted<'pending' | 'running' | 'failed'>;
  attempts: Defaulted<number>;
  maxAttempts: Defaulted<number>;
  lockedBy: Defaulted<string | null>;
  lockedUntil: Defaulted<Date | null>;
  lastError: Defaulted<string | null>;
  failedAt: Defaulted<Date | null>;
  createdAt: CreatedAt;
  updatedAt: Defaulted<Date>;
}

export interface JobScheduleTicksTable {
  schedule: string;
  tick: Date;
  takenAt: CreatedAt;
}

export interface AssistantSettingsTable {
  practiceId: string;
  enabled: Defaulted<boolean>;
  lateCancellationHours: Defaulted<number>;
  idleMinutes: Defaulted<number>;
  handoverIdleHours: Defaulted<number>;
  emergencyEn: Defaulted<string>;
  emergencyFr: Defaulted<string>;
  openingHoursEn: Defaulted<string>;
  openingHoursFr: Defaulted<string>;
  publishedPriceItemIds: Defaulted<string[]>;
  updatedAt: Defaulted<Date | null>;
  updatedBy: Defaulted<string | null>;
}

/** The booking assistant: where each conversation stands (state as JSON), with a lease. */
export interface AssistantConversationsTable {
  practiceId: string;
  conversationId: string;
  state: ColumnType<unknown, string, string>;
  handledMessageIds: Defaulted<string[]>;
  busyUntil: Defaulted<Date | null>;
  updatedAt: Defaulted<Date>;
}

/** Times the assistant offered, by the handle their list row carries. */
export interface AssistantOffersTable {
  practiceId: string;
  handle: string;
  conversationId: string;
  patientId: string;
  appointmentTypeId: string;
  providerId: string;
  chairId: string;
  startsAt: Date;
  endsAt: Date;
  appointmentId: Defaulted<string | null>;
  createdAt: CreatedAt;
}

/** Consent to WhatsApp contact given or refused in the chat, with the words shown. */
export interface AssistantConsentsTable {
  id: Generated<string>;
  practiceId: string;
  conversationId: string;
  patientId: Defaulted<string | null>;
  granted: boolean;
  wording: string;
  language: string;
  givenAt: Date;
}

/** Staff notifications: one row per thing that happened (ids and times only). */
export interface NotificationsTable {
  practiceId: string;
  id: Generated<string>;
  kind:
    | 'whatsapp_booked'
    | 'whatsapp_moved'
    | 'whatsapp_cancelled'
    | 'needs_person'
    | 'reminder_failed'
    | 'waitlist_booked'
    | 'privacy_request_due_soon'
    | 'privacy_request_overdue'
    | 'daily_agenda'
    | 'whatsapp_template_problem'
    | 'whatsapp_template_recategorised'
    | 'whatsapp_marketing_limited';
  createdAt: CreatedAt;
  idempotencyKey: string;
  appointmentId: Defaulted<string | null>;
  patientId: Defaulted<string | null>;
  conversationId: Defaulted<string | null>;
  previousStart: Defaulted<Date | null>;
  reason: Defaulted<string | null>;
  /** A privacy request's alert (issue 14): the request, and its due date when told. */
  privacyRequestId: Defaulted<string | null>;
  dueAt: Defaulted<Date | null>;
  /** A provider's daily agenda: the day, how many appointments, the first and last start. */
  agendaDay: Defaulted<string | null>;
  agendaCount: Defaulted<number | null>;
  agendaFirst: Defaulted<Date | null>;
  agendaLast: Defaulted<Date | null>;
  /** A WhatsApp template's alert: the template, Meta's code, a category change. */
  templateName: Defaulted<string | null>;
  templateLanguage: Defaulted<string | null>;
  metaCode: Defaulted<number | null>;
  previousCategory: Defaulted<string | null>;
  newCategory: Defaulted<string | null>;
}

/** The daily agenda's settings (notifications; no row: on, 07:00). */
export interface AgendaSettingsTable {
  practiceId: string;
  enabled: Defaulted<boolean>;
  sendMinute: Defaulted<number>;
  updatedAt: Defaulted<Date>;
  updatedBy: Defaulted<string | null>;
}

/** A member's choice of the agenda on WhatsApp too. */
export interface AgendaSubscriptionsTable {
  practiceId: string;
  userId: string;
  whatsappE164: Defaulted<string | null>;
  whatsappOptedIn: Defaulted<boolean>;
  language: Defaulted<'en' | 'fr'>;
  optedInAt: Defaulted<Date | null>;
  updatedAt: Defaulted<Date>;
}

/** One agenda per provider and day (its idempotency key). */
export interface AgendaDeliveriesTable {
  practiceId: string;
  providerId: string;
  day: string;
  appointments: number;
  notified: boolean;
  messageId: Defaulted<string | null>;
  whatsappOutcome: string;
  createdAt: CreatedAt;
}

/** A practice's agenda run of a day, finished. */
export interface AgendaRunsTable {
  practiceId: string;
  day: string;
  outcome: 'sent' | 'closed' | 'empty';
  finishedAt: Defaulted<Date>;
}

/** A member's "Also email me" for their notifications (notifications; no row: off). */
export interface NotificationEmailChoicesTable {
  practiceId: string;
  userId: string;
  enabled: Defaulted<boolean>;
  updatedAt: Defaulted<Date>;
}

/** One email per notification and member (its key). */
export interface NotificationEmailsTable {
  practiceId: string;
  notificationId: string;
  userId: string;
  state: Defaulted<'queued' | 'sending' | 'sent' | 'failed'>;
  reason: Defaulted<string | null>;
  stateAt: Defaulted<Date>;
}

/** Who a notification is for, each with their own read time. */
export interface NotificationRecipientsTable {
  practiceId: string;
  notificationId: string;
  userId: string;
  createdAt: Date;
  readAt: Defaulted<Date | null>;
}

/** Settings → Reminders: one row per practice that saved them (none: the defaults). */
export interface ReminderSettingsTable {
  practiceId: string;
  enabled: Defaulted<boolean>;
  rules: ColumnType<unknown, string, string>;
  quietStart: Defaulted<string | null>;
  quietEnd: Defaulted<string | null>;
  updatedAt: Defaulted<Date>;
  updatedBy: Defaulted<string | null>;
}

/** One reminder of an appointment, by rule and by the start it was planned for. */
export interface AppointmentRemindersTable {
  practiceId: string;
  id: Generated<string>;
  appointmentId: string;
  patientId: Defaulted<string | null>;
  offsetMinutes: number;
  appointmentStart: Timestamp;
  dueAt: Timestamp;
  state: Defaulted<'planned' | 'sent' | 'skipped'>;
  reason: Defaulted<string | null>;
  messageId: Defaulted<string | null>;
  sharedWith: Defaulted<string[]>;
  stateAt: Defaulted<Date | null>;
  /** email: sent by email instead (reminder_emails), without a WhatsApp message. */
  channel: Defaulted<'whatsapp' | 'email'>;
  createdAt: CreatedAt;
}

/** Settings → Reminders → By email (reminders; no row: off). */
export interface ReminderEmailSettingsTable {
  practiceId: string;
  enabled: Defaulted<boolean>;
  updatedAt: Defaulted<Date>;
  updatedBy: Defaulted<string | null>;
}

/** A reminder sent by email, one per reminder (its key). */
export interface ReminderEmailsTable {
  practiceId: string;
  reminderId: string;
  state: Defaulted<'queued' | 'sending' | 'sent' | 'failed'>;
  reason: Defaulted<string | null>;
  language: Defaulted<'en' | 'fr' | null>;
  attempts: Defaulted<number>;
  stateAt: Defaulted<Date>;
  createdAt: CreatedAt;
}

/** A practice's recall run settings (reminders; no row: the defaults). */
export interface RecallSettingsTable {
  practiceId: string;
  enabled: Defaulted<boolean>;
  dailyCap: Defaulted<number>;
  sendHour: Defaulted<number>;
  leadDays: Defaulted<number>;
  updatedAt: Defaulted<Date>;
  updatedBy: Defaulted<string | null>;
}

/** One recall message per recall and due date (reminders): sent, or why not yet. */
export interface RecallMessagesTable {
  practiceId: string;
  id: Generated<string>;
  recallId: string;
  patientId: string;
  dueDate: string;
  state: 'sent' | 'waiting' | 'skipped';
  reason: Defaulted<string | null>;
  messageId: Defaulted<string | null>;
  sentOn: Defaulted<string | null>;
  reply: Defaulted<'book' | 'not_now' | null>;
  repliedAt: Defaulted<Date | null>;
  stateAt: Defaulted<Date>;
  createdAt: CreatedAt;
}

/** A closure of the practice (or one dentist's time) and its message to the patients (reminders). */
export interface ClosureAnnouncementsTable {
  practiceId: string;
  id: Generated<string>;
  startsAt: Timestamp;
  endsAt: Timestamp;
  reason: 'weather' | 'power_cut' | 'dentist_ill' | 'other';
  note: Defaulted<string>;
  providerId: Defaulted<string | null>;
  closureId: Defaulted<string | null>;
  blockId: Defaulted<string | null>;
  createdBy: Defaulted<string | null>;
  createdAt: CreatedAt;
}

/** One appointment a closure announcement affected: its message, the patient's tap, the rebooking, the call. */
export interface ClosureAnnouncementItemsTable {
  practiceId: string;
  id: Generated<string>;
  announcementId: string;
  appointmentId: string;
  patientId: string;
  appointmentTypeId: string;
  providerId: string;
  startsAt: Timestamp;
  state: Defaulted<'pending' | 'messaged' | 'not_messaged'>;
  reason: Defaulted<string | null>;
  messageId: Defaulted<string | null>;
  reply: Defaulted<'new_time' | 'call_me' | null>;
  repliedAt: Defaulted<Date | null>;
  rebookedAppointmentId: Defaulted<string | null>;
  rebookedAt: Defaulted<Date | null>;
  calledAt: Defaulted<Date | null>;
  calledBy: Defaulted<string | null>;
  stateAt: Defaulted<Date>;
  createdAt: CreatedAt;
}

/** A practice's recall run of one local day: how many went (reminders). */
export interface RecallRunsTable {
  practiceId: string;
  runDate: string;
  sent: Defaulted<number>;
  waiting: Defaulted<number>;
  startedAt: Defaulted<Date>;
  finishedAt: Defaulted<Date | null>;
}

/** A practice's waitlist offer settings (reminders; no row: the defaults). */
export interface WaitlistOfferSettingsTable {
  practiceId: string;
  enabled: Defaulted<boolean>;
  batchSize: Defaulted<number>;
  offerMinutes: Defaulted<number>;
  updatedAt: Defaulted<Date>;
  updatedBy: Defaulted<string | null>;
}

export type WaitlistOfferState = 'offered' | 'accepted' | 'declined' | 'lapsed' | 'gone';

/** One offer of a freed time to one waitlist entry (reminders). */
export interface WaitlistOffersTable {
  practiceId: string;
  id: string;
  freedAppointmentId: string;
  waitlistEntryId: string;
  patientId: string;
  appointmentTypeId: string;
  providerId: string;
  chairId: string;
  slotStart: Date;
  slotEnd: Date;
  state: Defaulted<WaitlistOfferState>;
  expiresAt: Date;
  messageId: string;
  appointmentId: Defaulted<string | null>;
  stateAt: Defaulted<Date>;
  createdAt: CreatedAt;
}

/** One grant or withdrawal of a patient's consent to be contacted (consent; append-only). */
export interface ConsentEventsTable {
  practiceId: string;
  id: Generated<string>;
  patientId: string;
  channel: 'whatsapp' | 'email';
  purpose: 'appointments' | 'recalls';
  granted: boolean;
  source: 'staff' | 'whatsapp_keyword' | 'assistant' | 'import' | 'patient_request';
  actorUserId: string | null;
  wording: string;
  language: 'en' | 'fr' | 'mfe' | null;
  recordedAt: Defaulted<Date>;
  seq: Generated<string>;
}

/** A retention period a practice chose for a category (privacy; no row: the default). */
export interface RetentionSettingsTable {
  practiceId: string;
  category: string;
  days: number;
  updatedAt: Defaulted<Date>;
  updatedBy: string | null;
}

/** A legal hold on a patient's data (privacy): no purge and no erasure while it holds. */
export interface LegalHoldsTable {
  practiceId: string;
  id: Generated<string>;
  patientId: string;
  reason: string;
  /** The last day it holds (YYYY-MM-DD in the practice's calendar), or null: until lifted. */
  endsOn: ColumnType<string | null, string | null | undefined, string | null>;
  setAt: CreatedAt;
  setBy: string | null;
  liftedAt: Defaulted<Date | null>;
  liftedBy: Defaulted<string | null>;
  liftReason: Defaulted<string | null>;
}

/** One run (or dry run) of the retention job for one practice. */
export interface RetentionRunsTable {
  practiceId: string;
  id: Generated<string>;
  asOf: Timestamp;
  dryRun: boolean;
  results: ColumnType<unknown, string, string>;
  purged: number;
  startedAt: Defaulted<Date>;
  finishedAt: Defaulted<Date>;
}

/** A whole-practice export: the sealed ZIP a job builds for an owner, until it expires. */
export interface PracticeExportsTable {
  practiceId: string;
  id: Generated<string>;
  requestedBy: string;
  requestedAt: Defaulted<Date>;
  state: Defaulted<'building' | 'ready' | 'failed' | 'expired'>;
  storageKey: string | null;
  sizeBytes: number | null;
  patients: number | null;
  readyAt: Date | null;
  expiresAt: Timestamp;
  failure: string | null;
  downloads: Defaulted<number>;
}

/** The receipt of one erasure done for a deletion request. */
export interface PatientErasuresTable {
  practiceId: string;
  id: Generated<string>;
  patientId: string;
  requestId: string | null;
  receipt: ColumnType<unknown, string, string>;
  lastVisitAt: Date | null;
  minorUntil: string | null;
  erasedAt: CreatedAt;
  erasedBy: string | null;
}

/** A published version of the deployment's privacy policy (never changed once written). */
export interface PrivacyPolicyVersionsTable {
  version: number;
  /** The "Last updated" date: a date column, read as YYYY-MM-DD text. */
  effectiveDate: ColumnType<string, string, never>;
  material: Defaulted<boolean>;
  summaryEn: string;
  summaryFr: string;
  textEn: string;
  textFr: string;
  publishedAt: CreatedAt;
}

export interface PrivacyPolicyAcknowledgementsTable {
  userId: string;
  version: number;
  acknowledgedAt: CreatedAt;
}

/** The practice's breach register. */
export interface PrivacyBreachesTable {
  practiceId: string;
  id: Generated<string>;
  discoveredAt: Timestamp;
  occurredAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  description: string;
  dataCategories: string[];
  peopleAffected: number;
  likelyConsequences: string;
  measuresTaken: string;
  commissionerNotifiedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  delayReason: Defaulted<string | null>;
  peopleNotifiedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  peopleNotNotifiedReason: Defaulted<string | null>;
  recordedBy: Defaulted<string | null>;
  createdAt: CreatedAt;
  updatedAt: Defaulted<Date>;
}

/** Patients' rights requests (privacy). */
export interface PrivacyRequestsTable {
  practiceId: string;
  id: Generated<string>;
  patientId: string;
  type: string;
  source: string;
  state: Defaulted<string>;
  receivedAt: Timestamp;
  dueAt: Timestamp;
  note: Defaulted<string>;
  proposedChange: ColumnType<unknown, string | null | undefined, string | null>;
  recordedBy: Defaulted<string | null>;
  verificationMethod: Defaulted<string | null>;
  verificationNote: Defaulted<string | null>;
  verifiedBy: Defaulted<string | null>;
  verifiedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  approvedBy: Defaulted<string | null>;
  approvedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  refusedReason: Defaulted<string | null>;
  closedBy: Defaulted<string | null>;
  closedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  dueSoonNotifiedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  overdueNotifiedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  createdAt: CreatedAt;
  updatedAt: Defaulted<Date>;
}

export interface PrivacyRequestSettingsTable {
  practiceId: string;
  dueMonths: Defaulted<number>;
  updatedAt: Defaulted<Date>;
  updatedBy: Defaulted<string | null>;
}

/** The months to answer from each change on: a request follows the period of the day it was received. */
export interface PrivacyRequestDuePeriodsTable {
  practiceId: string;
  fromAt: Date;
  dueMonths: number;
  setBy: Defaulted<string | null>;
}

export interface PrivacyExportLinksTable {
  practiceId: string;
  id: Generated<string>;
  requestId: string;
  tokenHash: string;
  expiresAt: Timestamp;
  codeHash: Defaulted<string | null>;
  codeExpiresAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  codeAttempts: Defaulted<number>;
  boundHash: Defaulted<string | null>;
  boundAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  downloads: Defaulted<number>;
  createdBy: Defaulted<string | null>;
  createdAt: CreatedAt;
}

export interface PrivacyExportInvitationsTable {
  practiceId: string;
  id: Generated<string>;
  requestId: string;
  conversationId: string;
  messageId: string;
  language: string;
  expiresAt: Timestamp;
  linkId: Defaulted<string | null>;
  tappedMessageId: Defaulted<string | null>;
  tappedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  createdBy: Defaulted<string | null>;
  createdAt: CreatedAt;
}

export interface DB {
  jobs: JobsTable;
  jobScheduleTicks: JobScheduleTicksTable;
  practices: PracticesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  sessions: SessionsTable;
  userIdentities: UserIdentitiesTable;
  oidcSignInRequests: OidcSignInRequestsTable;
  practiceIdentityProviders: PracticeIdentityProvidersTable;
  practiceSignInDomains: PracticeSignInDomainsTable;
  mfaRecoveryCodes: MfaRecoveryCodesTable;
  passwordResetTokens: PasswordResetTokensTable;
  loginAttempts: LoginAttemptsTable;
  auditEvents: AuditEventsTable;
  auditChainHeads: AuditChainHeadsTable;
  auditCheckpoints: AuditCheckpointsTable;
  patients: PatientsTable;
  patientPhones: PatientPhonesTable;
  patientSearchWords: PatientSearchWordsTable;
  patientNameVocabulary: PatientNameVocabularyTable;
  patientNameWordCounts: PatientNameWordCountsTable;
  chairs: ChairsTable;
  providers: ProvidersTable;
  openingHours: OpeningHoursTable;
  providerHours: ProviderHoursTable;
  closures: ClosuresTable;
  publicHolidays: PublicHolidaysTable;
  blocks: BlocksTable;
  appointmentTypes: AppointmentTypesTable;
  appointments: AppointmentsTable;
  appointmentStatusHistory: AppointmentStatusHistoryTable;
  calendarRevisions: CalendarRevisionsTable;
  waitlistEntries: WaitlistEntriesTable;
  recalls: RecallsTable;
  practiceDataKeys: PracticeDataKeysTable;
  whatsappChannels: WhatsappChannelsTable;
  whatsappWebhookDeliveries: WhatsappWebhookDeliveriesTable;
  whatsappConversations: WhatsappConversationsTable;
  whatsappMessages: WhatsappMessagesTable;
  whatsappStatusEvents: WhatsappStatusEventsTable;
  whatsappOutbox: WhatsappOutboxTable;
  whatsappTemplates: WhatsappTemplatesTable;
  whatsappMessagingLimits: WhatsappMessagingLimitsTable;
  whatsappPortfolioReach: WhatsappPortfolioReachTable;
  procedures: ProceduresTable;
  treatmentPlans: TreatmentPlansTable;
  treatmentPlanItems: TreatmentPlanItemsTable;
  chartFindings: ChartFindingsTable;
  clinicalNotes: ClinicalNotesTable;
  clinicalNoteAddenda: ClinicalNoteAddendaTable;
  attachments: AttachmentsTable;
  assistantSettings: AssistantSettingsTable;
  assistantConversations: AssistantConversationsTable;
  assistantOffers: AssistantOffersTable;
  assistantConsents: AssistantConsentsTable;
  notifications: NotificationsTable;
  notificationRecipients: NotificationRecipientsTable;
  notificationEmailChoices: NotificationEmailChoicesTable;
  notificationEmails: NotificationEmailsTable;
  agendaSettings: AgendaSettingsTable;
  agendaSubscriptions: AgendaSubscriptionsTable;
  agendaDeliveries: AgendaDeliveriesTable;
  agendaRuns: AgendaRunsTable;
  reminderSettings: ReminderSettingsTable;
  appointmentReminders: AppointmentRemindersTable;
  reminderEmailSettings: ReminderEmailSettingsTable;
  reminderEmails: ReminderEmailsTable;
  waitlistOfferSettings: WaitlistOfferSettingsTable;
  waitlistOffers: WaitlistOffersTable;
  recallSettings: RecallSettingsTable;
  recallMessages: RecallMessagesTable;
  recallRuns: RecallRunsTable;
  closureAnnouncements: ClosureAnnouncementsTable;
  closureAnnouncementItems: ClosureAnnouncementItemsTable;
  consentEvents: ConsentEventsTable;
  retentionSettings: RetentionSettingsTable;
  legalHolds: LegalHoldsTable;
  retentionRuns: RetentionRunsTable;
  practiceExports: PracticeExportsTable;
  patientErasures: PatientErasuresTable;
  privacyPolicyVersions: PrivacyPolicyVersionsTable;
  privacyPolicyAcknowledgements: PrivacyPolicyAcknowledgementsTable;
  privacyBreaches: PrivacyBreachesTable;
  privacyRequests: PrivacyRequestsTable;
  privacyRequestSettings: PrivacyRequestSettingsTable;
  privacyRequestDuePeriods: PrivacyRequestDuePeriodsTable;
  privacyExportLinks: PrivacyExportLinksTable;
  privacyExportInvitations: PrivacyExportInvitationsTable;
}
