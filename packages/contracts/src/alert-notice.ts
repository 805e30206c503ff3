import { z } from 'zod';
import { MedicalAlerts } from './patients.js';

/** `details=true` asks for the alerts themselves (a reading of the record, logged); else the flag only. */
export const AlertNoticeQuery = z.object({ details: z.stringbool().default(false) });

/**
 * What the calendar and booking show of a patient's medical alerts: whether there are any, and
 * their details for those allowed (clinical:read, or receptionists when the practice allows it);
 * null when not asked for or not allowed (ask the dentist).
 */
export const AlertNotice = z.object({ hasAlerts: z.boolean(), details: MedicalAlerts.nullable() });
export type AlertNotice = z.infer<typeof AlertNotice>;
