import { z } from 'zod';
import { defineEvent } from '../../platform/jobs.js';

/**
 * Facts the patients module announces, for any module that wants to follow them (docs/architecture.md
 * lists the listeners). Rows are moved and appointments cancelled inside the change itself, by
 * the data owners; these events are for what can follow after it commits.
 */

/** `mergedPatientId` now points at `survivorPatientId`, which holds everything the two had. */
export const patientsMerged = defineEvent(
  'patients.merged',
  z.object({ practiceId: z.uuid(), mergedPatientId: z.uuid(), survivorPatientId: z.uuid() }),
);

/** The patient's death was recorded; their future appointments were cancelled in the same change. */
export const patientDied = defineEvent(
  'patients.patient_died',
  z.object({ practiceId: z.uuid(), patientId: z.uuid() }),
);
