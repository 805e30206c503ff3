import type { ColumnType, Generated } from 'kysely';

/** Row types of our tables, as Kysely sees them (camelCase; the database is snake_case). */

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface PracticesTable {
  id: Generated<string>;
  name: string;
  address: Defaulted<string>;
  phone: Defaulted<string>;
  email: Defaulted<string>;
  timeZone: Defaulted<string>;
  defaultLanguage: Defaulted<'en' | 'fr'>;
  currency: Defaulted<string>;
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
  createdAt: CreatedAt;
  lastSeenAt: Defaulted<Date>;
  expiresAt: Timestamp;
  ip: Defaulted<string>;
  userAgent: Defaulted<string>;
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

export interface DB {
  practices: PracticesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  sessions: SessionsTable;
  mfaRecoveryCodes: MfaRecoveryCodesTable;
  passwordResetTokens: PasswordResetTokensTable;
  loginAttempts: LoginAttemptsTable;
  auditEvents: AuditEventsTable;
  auditChainHeads: AuditChainHeadsTable;
}
