import { z } from 'zod';
import { IsoDateTime } from './common.js';

/**
 * GET …/patients/:patientId/whatsapp-reach (the messaging module's answer, for the patient page):
 * each number on the patient's record (their phones in order, then a guardian contact's phone),
 * with the time WhatsApp first said it does not reach it (Meta's 131026: not on WhatsApp, or an app
 * too old), or null while nothing says so. The patient writing from the number clears it.
 */
export const PatientWhatsAppReach = z.object({
  numbers: z.array(z.object({ e164: z.string(), notOnWhatsAppSince: IsoDateTime.nullable() })),
});
export type PatientWhatsAppReach = z.infer<typeof PatientWhatsAppReach>;
