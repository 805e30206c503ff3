import type { PatientWhatsAppReach } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { inPractice } from '../../platform/tenancy.js';
import { phoneNumbersOfPatientIn } from '../patients/contacts.service.js';
import { notOnWhatsAppSinceIn } from './reachability.js';

/**
 * GET …/patients/:patientId/whatsapp-reach: for each number on the patient's record (asked of the
 * patients module), whether WhatsApp said it does not reach it (Meta's 131026) and since when,
 * for the patient page to say so beside the number. A number the patient wrote from since is
 * reachable again (reachability.ts clears the mark).
 */
export async function whatsappReachOfPatient(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patientId: string },
): Promise<PatientWhatsAppReach> {
  requirePermission(input.actor, 'patients:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const numbers = await phoneNumbersOfPatientIn(tx, input.patientId);
    if (!numbers) throw new AppError('patient_not_found');
    const marked = await notOnWhatsAppSinceIn(tx, { practiceId: input.practiceId, e164s: numbers });
    return {
      numbers: numbers.map((e164) => ({ e164, notOnWhatsAppSince: marked.get(e164)?.toISOString() ?? null })),
    };
  });
}
