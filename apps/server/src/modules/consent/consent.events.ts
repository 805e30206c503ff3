import { ConsentChannel, ConsentPurpose, ConsentSource } from '@dentalpro/contracts';
import { z } from 'zod';
import { defineEvent } from '../../platform/jobs.js';

/**
 * Facts the consent ledger announces (docs/architecture.md lists who listens). Ids and codes only.
 */

/**
 * A patient withdrew their consent to be contacted on a channel for a purpose: whatever of that
 * purpose is waiting to be sent to them on that channel is to be cancelled by the module that
 * queued it (reminders its planned reminders and their messages still in the outbox).
 */
export const consentWithdrawn = defineEvent(
  'consent.withdrawn',
  z.object({
    practiceId: z.uuid(),
    patientId: z.uuid(),
    channel: ConsentChannel,
    purpose: ConsentPurpose,
    /** How it came (a STOP on WhatsApp is an opt-out to the senders' records). */
    source: ConsentSource.optional(),
    at: z.iso.datetime(),
  }),
);
export type ConsentWithdrawn = z.infer<typeof consentWithdrawn.schema>;
