import { AUDIT_ACTIONS } from '@dentalpro/contracts';

/** The areas the action filter groups actions by, in the order it lists them (labels: audit.areas.*). */
const AREA_SUBJECTS = {
  account: ['auth'],
  practice: ['practice'],
  staff: ['staff'],
  patients: ['patient', 'patients'],
  clinical: ['clinical'],
  calendar: [
    'appointment',
    'appointment_type',
    'calendar_settings',
    'opening_hours',
    'chair',
    'provider',
    'closure',
    'block',
    'holiday',
    'recall',
    'waitlist',
  ],
  whatsapp: ['whatsapp', 'assistant'],
  privacy: ['privacy', 'consent', 'audit'],
  demo: ['demo', 'bench'],
} as const satisfies Record<string, readonly string[]>;

export type AuditArea = keyof typeof AREA_SUBJECTS | 'other';

/** The area of an action, by its subject (the part before the dot). */
export function areaOf(action: string): AuditArea {
  const subject = action.slice(0, action.indexOf('.'));
  const found = Object.entries(AREA_SUBJECTS).find(([, subjects]) => (subjects as readonly string[]).includes(subject));
  return (found?.[0] as AuditArea | undefined) ?? 'other';
}

/** Every action the server records, grouped by area; an area with no action is left out. */
export function actionsByArea(): { area: AuditArea; actions: string[] }[] {
  const areas: AuditArea[] = [...(Object.keys(AREA_SUBJECTS) as AuditArea[]), 'other'];
  return areas
    .map((area) => ({ area, actions: AUDIT_ACTIONS.filter((action) => areaOf(action) === area) as string[] }))
    .filter((group) => group.actions.length > 0);
}

/**
 * The action filter's choice as the API's `actions` parameter: one action, or every action of an
 * area (`area:<name>`), comma-separated.
 */
export function actionsParam(choice: string): string | undefined {
  if (!choice) return undefined;
  if (!choice.startsWith('area:')) return choice;
  const group = actionsByArea().find((g) => g.area === choice.slice('area:'.length));
  return group?.actions.join(',');
}
