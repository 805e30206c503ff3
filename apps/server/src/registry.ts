import type { DataOwner } from './platform/data-owners.js';
import { clinicalDataOwner } from './modules/clinical/clinical.data-owner.js';
import { messagingDataOwner } from './modules/messaging/messaging.data-owner.js';
import { schedulingDataOwner } from './modules/scheduling/scheduling.data-owner.js';

/**
 * The modules as the rest of the system sees them: who keeps data about patients, and (in
 * background.ts) whose jobs, listeners and schedules run. Adding a module adds lines here, and
 * nowhere in the modules it listens to. docs/architecture.md lists the same.
 */
export const DATA_OWNERS: readonly DataOwner[] = [schedulingDataOwner, clinicalDataOwner, messagingDataOwner];
