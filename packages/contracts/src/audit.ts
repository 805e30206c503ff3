import { z } from 'zod';
import { Uuid } from './common.js';

export const AuditEvent = z.object({
  id: Uuid,
  seq: z.number().int(),
  occurredAt: z.string(),
  actorUserId: Uuid.nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  changes: z.record(z.string(), z.unknown()),
  hash: z.string(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditQuery = z.object({
  action: z.string().max(80).optional(),
  actorUserId: Uuid.optional(),
  targetType: z.string().max(80).optional(),
  targetId: z.string().max(120).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** Events with seq below this (newest first paging). */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const AuditPage = z.object({ items: z.array(AuditEvent), nextBefore: z.number().int().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;
