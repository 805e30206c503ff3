import {
  AUDIT_REFERENCE_KEYS,
  AUDIT_TARGET_TYPES,
  type AuditTarget,
  type AuditTargetType,
  auditTargetKey,
} from '@dentalpro/contracts';
import type { Tx } from '../../platform/tenancy.js';
import { procedureNamesIn } from '../clinical/price-list.service.js';
import { channelNumbersIn } from '../messaging/channels.service.js';
import { conversationsIn } from '../messaging/conversations.service.js';
import { patientLabelsIn } from '../patients/patients.service.js';
import { practiceIn } from '../practices/practices.service.js';
import {
  appointmentTypesIn,
  appointmentsIn,
  blocksIn,
  calendarDayOf,
  chairsIn,
  closuresIn,
  holidaysIn,
  providersIn,
  recallPatientsIn,
  waitlistPatientsIn,
} from '../scheduling/audit-targets.service.js';
import { invitationEmailsIn, staffNamesIn } from '../staff/staff.service.js';

/**
 * Names the targets of a page of audit events, and the ids their `changes` refer to, as they are
 * now: events store ids, never names (the trail is no second copy of patient data, and names
 * change). One query per kind of row on the page, inside the practice's transaction, so rows of
 * another practice are never found. Clinical rows are never described: only their patient is.
 */

interface EventRefs {
  targetType: string | null;
  targetId: string | null;
  changes: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isTargetType = (type: string): type is AuditTargetType =>
  (AUDIT_TARGET_TYPES as readonly string[]).includes(type);

/** Ids by type: each event's target, and the reference keys found at any depth of its changes. */
function collectReferences(events: EventRefs[]): Map<AuditTargetType, Set<string>> {
  const refs = new Map<AuditTargetType, Set<string>>();
  const add = (type: AuditTargetType, id: unknown) => {
    // Anything but a uuid names nothing we could look up (and would fail a uuid comparison).
    if (typeof id !== 'string' || !UUID.test(id)) return;
    let ids = refs.get(type);
    if (!ids) {
      ids = new Set();
      refs.set(type, ids);
    }
    ids.add(id);
  };
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        const type = AUDIT_REFERENCE_KEYS[key];
        if (!type) walk(inner);
        else for (const id of [inner].flat()) add(type, id);
      }
    }
  };
  for (const event of events) {
    if (event.targetType && event.targetId && isTargetType(event.targetType)) add(event.targetType, event.targetId);
    walk(event.changes);
  }
  return refs;
}

export async function describeTargets(
  tx: Tx,
  practiceId: string,
  events: EventRefs[],
): Promise<Record<string, AuditTarget>> {
  const refs = collectReferences(events);
  const ids = (type: AuditTargetType) => [...(refs.get(type) ?? [])];
  const app = `/app/${practiceId}`;

  // First the rows that point at others (an appointment at its patient, a block at its provider or chair)...
  const appointments = await appointmentsIn(tx, ids('appointment'));
  const blocks = await blocksIn(tx, ids('block'));
  const recalls = await recallPatientsIn(tx, ids('recall'));
  const waitlist = await waitlistPatientsIn(tx, ids('waitlist_entry'));
  const conversations = await conversationsIn(tx, ids('whatsapp_conversation'));
  const patientIds = [
    ...ids('patient'),
    ...[...appointments.values()].map((a) => a.patientId),
    ...recalls.values(),
    ...waitlist.values(),
    ...[...conversations.values()].map((c) => c.patientId),
  ].filter((id): id is string => id !== null);
  const blockProviders = [...blocks.values()].map((b) => b.providerId).filter((id): id is string => id !== null);
  const blockChairs = [...blocks.values()].map((b) => b.chairId).filter((id): id is string => id !== null);

  // ...then the names.
  const patients = await patientLabelsIn(tx, patientIds);
  const providers = await providersIn(tx, [...ids('provider'), ...blockProviders]);
  const chairs = await chairsIn(tx, [...ids('chair'), ...blockChairs]);
  const staff = await staffNamesIn(tx, ids('user'));
  const invitations = await invitationEmailsIn(tx, ids('invitation'));
  const types = await appointmentTypesIn(tx, ids('appointment_type'));
  const closures = await closuresIn(tx, ids('closure'));
  const holidays = await holidaysIn(tx, ids('holiday'));
  const procedures = await procedureNamesIn(tx, ids('procedure'));
  const channels = await channelNumbersIn(tx, ids('whatsapp_channel'));
  const needsPractice = refs.has('practice') || appointments.size + blocks.size + closures.size > 0;
  const practice = needsPractice ? await practiceIn(tx, practiceId) : undefined;
  const timeZone = practice?.timeZone ?? 'UTC';
  const calendarOn = (instant: Date) => `${app}/calendar?date=${calendarDayOf(instant, timeZone)}`;

  const patientTarget = (id: string | null): AuditTarget | undefined => {
    const p = id ? patients.get(id) : undefined;
    if (!p || !id) return undefined;
    const state = p.merged ? 'merged' : p.status === 'active' ? undefined : p.status;
    return { label: p.name, ...(state ? { state } : {}), href: `${app}/patients/${id}` };
  };
  const blockLabel = (b: { providerId: string | null; chairId: string | null }) =>
    [b.providerId && providers.get(b.providerId)?.displayName, b.chairId && chairs.get(b.chairId)?.name]
      .filter(Boolean)
      .join(' · ');

  const describe: { [T in AuditTargetType]: (id: string) => AuditTarget | undefined } = {
    patient: patientTarget,
    user: (id) => {
      const s = staff.get(id);
      return (
        s && { label: s.name, ...(s.member ? { href: `${app}/settings/staff` } : { state: 'former_staff' as const }) }
      );
    },
    invitation: (id) => {
      const email = invitations.get(id);
      return email === undefined ? undefined : { label: email, href: `${app}/settings/staff` };
    },
    practice: (id) =>
      id === practiceId && practice ? { label: practice.name, href: `${app}/settings/practice` } : undefined,
    appointment: (id) => {
      const a = appointments.get(id);
      if (!a) return undefined;
      return {
        label: patientTarget(a.patientId)?.label ?? '',
        at: a.start.toISOString(),
        ...(a.status === 'cancelled' ? { state: 'cancelled' as const } : {}),
        href: calendarOn(a.start),
      };
    },
    appointment_type: (id) => {
      const t = types.get(id);
      return (
        t && {
          label: t.nameEn,
          labelFr: t.nameFr,
          ...(t.active ? {} : { state: 'inactive' as const }),
          href: `${app}/settings/calendar/appointment-types`,
        }
      );
    },
    chair: (id) => {
      const c = chairs.get(id);
      return (
        c && {
          label: c.name,
          ...(c.active ? {} : { state: 'inactive' as const }),
          href: `${app}/settings/calendar/chairs`,
        }
      );
    },
    provider: (id) => {
      const p = providers.get(id);
      return (
        p && {
          label: p.displayName,
          ...(p.active ? {} : { state: 'inactive' as const }),
          href: `${app}/settings/calendar/providers`,
        }
      );
    },
    closure: (id) => {
      const c = closures.get(id);
      return c && { label: c.reason, at: c.start.toISOString(), href: `${app}/settings/calendar/closures` };
    },
    block: (id) => {
      const b = blocks.get(id);
      return b && { label: blockLabel(b), at: b.start.toISOString(), href: calendarOn(b.start) };
    },
    holiday: (id) => {
      const h = holidays.get(id);
      return h && { label: h.nameEn, labelFr: h.nameFr, at: h.date, href: `${app}/settings/calendar/holidays` };
    },
    recall: (id) => patientTarget(recalls.get(id) ?? null),
    waitlist_entry: (id) => patientTarget(waitlist.get(id) ?? null),
    procedure: (id) => {
      const p = procedures.get(id);
      return (
        p && {
          label: `${p.code} · ${p.nameEn}`,
          labelFr: `${p.code} · ${p.nameFr}`,
          ...(p.active ? {} : { state: 'inactive' as const }),
          href: `${app}/settings/price-list`,
        }
      );
    },
    whatsapp_channel: (id) => {
      const number = channels.get(id);
      return number === undefined ? undefined : { label: number, href: `${app}/settings/whatsapp` };
    },
    whatsapp_conversation: (id) => {
      const c = conversations.get(id);
      return c && { label: patientTarget(c.patientId)?.label ?? c.profileName, href: `${app}/inbox/${id}` };
    },
  };

  const targets: Record<string, AuditTarget> = {};
  for (const [type, typeIds] of refs) {
    for (const id of typeIds) {
      const target = describe[type](id);
      if (target) targets[auditTargetKey(type, id)] = target;
    }
  }
  return targets;
}
