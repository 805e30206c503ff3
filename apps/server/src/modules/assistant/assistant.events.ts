import { z } from 'zod';
import { defineEvent } from '../../platform/jobs.js';

/**
 * Facts the booking assistant announces, in the transaction that makes them true
 * (docs/architecture.md lists who listens). Ids only, never the patient's words.
 */

/**
 * A patient confirmed in the chat a request about their data (a copy, deletion, a correction, stop
 * using it) for these patients of the number. Privacy records it, reading the patient's words and
 * the time of receipt in the message that asked (requestMessageId), and answers with the due date
 * in `language`.
 */
export const rightsRequestConfirmed = defineEvent(
  'assistant.rights_request_confirmed',
  z.object({
    practiceId: z.uuid(),
    conversationId: z.uuid(),
    requestMessageId: z.uuid(),
    patientIds: z.array(z.uuid()).min(1),
    type: z.enum(['access', 'deletion', 'correction', 'restriction']),
    language: z.enum(['en', 'fr', 'mfe']),
  }),
);
export type RightsRequestConfirmed = z.infer<typeof rightsRequestConfirmed.schema>;
