import type { AppContext } from './context.js';
import type { DataOwner } from './platform/data-owners.js';
import type { ModuleJobs } from './platform/jobs.js';
import { platformDataOwner } from './platform/platform.data-owner.js';
import { assistantDataOwner } from './modules/assistant/assistant.data-owner.js';
import { assistantJobs } from './modules/assistant/assistant.jobs.js';
import { consentDataOwner } from './modules/consent/consent.data-owner.js';
import { clinicalDataOwner } from './modules/clinical/clinical.data-owner.js';
import { messagingDataOwner } from './modules/messaging/messaging.data-owner.js';
import { messagingJobs } from './modules/messaging/messaging.jobs.js';
import { notificationsDataOwner } from './modules/notifications/notifications.data-owner.js';
import { agendaJobs } from './modules/notifications/agenda.jobs.js';
import { notificationsJobs } from './modules/notifications/notifications.jobs.js';
import { patientsJobs } from './modules/patients/patients.jobs.js';
import { privacyDataOwner } from './modules/privacy/privacy.data-owner.js';
import { remindersDataOwner } from './modules/reminders/reminders.data-owner.js';
import { remindersJobs } from './modules/reminders/reminders.jobs.js';
import { requestsJobs } from './modules/privacy/requests.jobs.js';
import { retentionJobs } from './modules/privacy/retention.jobs.js';
import { practiceExportJobs } from './modules/privacy/practice-export.jobs.js';
import { schedulingDataOwner } from './modules/scheduling/scheduling.data-owner.js';

/**
 * The modules as the rest of the system sees them: who keeps data about patients, and whose
 * jobs, listeners, schedules and pumps run in the background (background.ts). Adding a module adds lines here, and
 * nowhere in the modules it listens to. docs/architecture.md lists the same.
 */
export const DATA_OWNERS: readonly DataOwner[] = [
  schedulingDataOwner,
  clinicalDataOwner,
  messagingDataOwner,
  assistantDataOwner,
  notificationsDataOwner,
  remindersDataOwner,
  privacyDataOwner,
  consentDataOwner,
  platformDataOwner,
];

export const MODULE_JOBS: readonly ModuleJobs<AppContext>[] = [
  messagingJobs,
  patientsJobs,
  assistantJobs,
  notificationsJobs,
  agendaJobs,
  remindersJobs,
  retentionJobs,
  requestsJobs,
  practiceExportJobs,
];
