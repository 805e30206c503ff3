import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.js';

// A whole-practice export (Settings → Practice; issue 14): an owner takes all the practice's data,
// for example when leaving DentalPro. A background job builds the ZIP; it can be downloaded until
// it expires.

export const PRACTICE_EXPORT_STATES = ['building', 'ready', 'failed', 'expired'] as const;

/** The owner confirms who they are again: their password, and their two-step code when it is on. */
export const PracticeExportInput = z.strictObject({
  password: z.string().min(1).max(200),
  code: z.string().trim().max(40).optional(),
});
export type PracticeExportInput = z.infer<typeof PracticeExportInput>;

export const PracticeExport = z.object({
  id: Uuid,
  state: z.enum(PRACTICE_EXPORT_STATES),
  requestedAt: IsoDateTime,
  requestedBy: Uuid,
  requestedByName: z.string().nullable(),
  readyAt: IsoDateTime.nullable(),
  expiresAt: IsoDateTime,
  /** The ZIP's size once built. */
  sizeBytes: z.number().int().nullable(),
  /** How many patients it holds. */
  patients: z.number().int().nullable(),
  downloads: z.number().int(),
});
export type PracticeExport = z.infer<typeof PracticeExport>;

export const PracticeExports = z.object({ items: z.array(PracticeExport) });
export type PracticeExports = z.infer<typeof PracticeExports>;

export const PracticeExportParams = z.object({ practiceId: Uuid, exportId: Uuid });
