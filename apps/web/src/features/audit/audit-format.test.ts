import { AUDIT_ACTIONS, type AuditTarget } from '@dentalpro/contracts';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../../i18n/en.json';
import fr from '../../i18n/fr.json';
import { actionsByArea, actionsParam, areaOf } from './audit-areas';
import { type AuditWords, describeChanges, describeTarget, piecesText } from './audit-format';

const PATIENT = '5ab6afc0-1111-4111-8111-111111111111';
const USER = '205ca208-2222-4222-8222-222222222222';
const APPOINTMENT = '7c1d0e2f-3333-4333-8333-333333333333';
const CHAIR = '9e8d7c6b-4444-4444-8444-444444444444';
const GONE = 'deadbeef-5555-4555-8555-555555555555';
const TYPE = 'beefbeef-6666-4666-8666-666666666666';

const TARGETS: Record<string, AuditTarget> = {
  [`patient:${PATIENT}`]: { label: 'Priya Ramsamy', href: `/app/p/patients/${PATIENT}` },
  [`user:${USER}`]: { label: 'Kavita Doorgah', href: '/app/p/settings/staff' },
  [`appointment:${APPOINTMENT}`]: {
    label: 'Priya Ramsamy',
    at: '2026-03-09T05:00:00.000Z',
    state: 'cancelled',
    href: '/app/p/calendar?date=2026-03-09',
  },
  [`chair:${CHAIR}`]: { label: 'Chair 1', href: '/app/p/settings/calendar/chairs' },
  [`appointment_type:${TYPE}`]: { label: 'Check-up', labelFr: 'Contrôle' },
};

async function wordsIn(language: 'en' | 'fr'): Promise<AuditWords> {
  const i18n = i18next.createInstance();
  await i18n.init({
    resources: { en: { translation: en }, fr: { translation: fr } },
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
  });
  const locale = language === 'fr' ? 'fr-FR' : 'en-GB';
  return {
    t: (key, options) => i18n.t(key, options),
    has: (key) => i18n.exists(key),
    language,
    dateTime: (iso) =>
      new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Indian/Mauritius' }).format(
        new Date(iso),
      ),
    date: (day) =>
      new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`)),
    currency: 'MUR',
    targets: TARGETS,
  };
}

const event = (
  action: string,
  changes: Record<string, unknown>,
  targetType: string | null = null,
  targetId: string | null = null,
) => ({ action, changes, targetType, targetId });
/** Each line as "Label: value". */
const read = (w: AuditWords, e: ReturnType<typeof event>) =>
  describeChanges(e, w).map((line) => `${line.label}: ${piecesText(line.value)}`.replace(/[\u00a0\u202f]/g, ' '));

describe('the changes of an audit event, in words', () => {
  it('names changed fields with the patient form labels, in English and French', async () => {
    const e = event('patient.updated', { fields: ['phones', 'status', 'givenName'] }, 'patient', PATIENT);
    expect(read(await wordsIn('en'), e)).toEqual(['Changed: Phone numbers, Status, Given name']);
    expect(read(await wordsIn('fr'), e)).toEqual(['Modifié: Numéros de téléphone, Statut, Prénom']);
    // The guardian is one field on the form, two in the record.
    expect(
      read(await wordsIn('en'), event('patient.updated', { fields: ['guardianPatientId', 'guardianContact'] })),
    ).toEqual(['Changed: Guardian']);
  });

  it('says booleans as yes or no and codes in words', async () => {
    const w = await wordsIn('en');
    expect(read(w, event('auth.login', { mfa: false }))).toEqual(['Two-step verification: no']);
    expect(read(w, event('auth.login', { mfa: true, recoveryCode: true }))).toEqual([
      'Two-step verification: yes',
      'With a recovery code: yes',
    ]);
    expect(read(w, event('auth.login_failed', { reason: 'wrong_password' }))).toEqual(['Reason: Wrong password']);
    expect(read(w, event('staff.role_changed', { from: 'dentist', to: 'owner' }, 'user', USER))).toEqual([
      'Role: Dentist → Owner',
    ]);
    expect(
      read(w, event('appointment.status_changed', { from: 'booked', to: 'cancelled' }, 'appointment', APPOINTMENT)),
    ).toEqual(['Status: Booked → Cancelled']);
    const frWords = await wordsIn('fr');
    expect(read(frWords, event('auth.login', { mfa: false }))).toEqual(['Vérification en deux étapes: non']);
    expect(read(frWords, event('staff.role_changed', { from: 'dentist', to: 'owner' }))).toEqual([
      'Rôle: Dentiste → Titulaire',
    ]);
  });

  it('shows times in the practice time zone and calendar dates as they are', async () => {
    const w = await wordsIn('en');
    expect(
      read(w, event('closure.created', { start: '2026-12-24T08:00:00.000Z', end: '2026-12-26T20:00:00.000Z' })),
    ).toEqual(['Start: 24 Dec 2026, 12:00', 'End: 27 Dec 2026, 00:00']);
    expect(
      read(w, event('holiday.updated', { fields: ['date'], date: '2026-12-25', previousDate: '2026-12-24' })),
    ).toEqual(['Changed: Date', 'Date: 25 Dec 2026', 'Previous date: 24 Dec 2026']);
  });

  it('names the ids it refers to, as links, and says when one is not found', async () => {
    const w = await wordsIn('en');
    const lines = describeChanges(
      event(
        'appointment.booked',
        { patientId: PATIENT, chairId: CHAIR, providerId: GONE, source: 'phone' },
        'appointment',
        APPOINTMENT,
      ),
      w,
    );
    expect(lines.map((l) => `${l.label}: ${piecesText(l.value)}`)).toEqual([
      'Patient: Priya Ramsamy',
      'Chair: Chair 1',
      'Provider: not found (deadbeef…)',
      'Booked by: Phone',
    ]);
    expect(lines[0]!.value).toEqual([{ text: 'Priya Ramsamy', href: `/app/p/patients/${PATIENT}` }]);
    // A move: where it was and where it went, each on one line.
    expect(
      read(
        w,
        event('appointment.moved', {
          from: { start: '2026-03-09T05:00:00.000Z', chairId: CHAIR },
          to: { start: '2026-03-09T06:00:00.000Z', chairId: CHAIR },
        }),
      ),
    ).toEqual(['From: 9 Mar 2026, 09:00 · Chair 1', 'To: 9 Mar 2026, 10:00 · Chair 1']);
    // WhatsApp changes are [before, after] pairs.
    expect(
      read(w, event('whatsapp.conversation_updated', { assignedUserId: [null, USER], needsHuman: [true, false] })),
    ).toEqual(['Assigned to: — → Kavita Doorgah', 'Needs a person: yes → no']);
    // Handed back to the booking assistant: who answers, and why a person had been needed.
    expect(
      read(
        w,
        event('whatsapp.conversation_updated', { owner: ['staff', 'assistant'], handoverReason: ['urgent', null] }),
      ),
    ).toEqual(['Answered by: Staff → Assistant', 'Why a person is needed: Urgent → —']);
  });

  it('never shows clinical content: on a patient, only the section, fields and status steps', async () => {
    const w = await wordsIn('en');
    const finding = event(
      'clinical.finding_recorded',
      { findingId: GONE, tooth: 36, surfaces: ['O'], kind: 'caries', material: null },
      'patient',
      PATIENT,
    );
    expect(describeChanges(finding, w)).toEqual([]);
    expect(read(w, event('clinical.record_opened', { section: 'treatment_plan' }, 'patient', PATIENT))).toEqual([
      'Part of the record: Treatment plan',
    ]);
    expect(
      read(w, event('clinical.alerts_updated', { allergies: 2, conditions: 0, medications: 1 }, 'patient', PATIENT)),
    ).toEqual([]);
    expect(
      read(
        w,
        event(
          'clinical.plan_item_completed',
          {
            planId: GONE,
            itemId: GONE,
            from: 'accepted',
            to: 'completed',
            planStatus: { from: 'accepted', to: 'completed' },
          },
          'patient',
          PATIENT,
        ),
      ),
    ).toEqual(['Status: Accepted → Completed', 'Treatment plan: Accepted → Completed']);
    // The price list is the practice's, not a patient's: its codes and fees show.
    expect(
      read(w, event('clinical.procedure_updated', { feeMinor: { from: 150000, to: 200000 } }, 'procedure', GONE)),
    ).toEqual(['Fee: MUR 1,500.00 → MUR 2,000.00']);
  });

  it('falls back to a compact key: value list for shapes it does not know', async () => {
    const w = await wordsIn('en');
    expect(
      read(w, event('demo.clinical_seeded', { someCount: 3, nested: { innerFlag: true }, weekdays: [1, 7] })),
    ).toEqual(['Some count: 3', 'Nested: Inner flag: yes', 'Days: Monday, Sunday']);
  });

  it("says the demo seed's counts in words, its notes being clinical notes, in English and French", async () => {
    const seeded = event('demo.clinical_seeded', {
      patients: 32,
      alerts: 9,
      notes: 40,
      signedNotes: 38,
      draftNotes: 2,
    });
    expect(read(await wordsIn('en'), seeded)).toEqual([
      'Patients: 32',
      'Medical alerts: 9',
      'Clinical notes: 40',
      'Signed notes: 38',
      'Draft notes: 2',
    ]);
    expect(read(await wordsIn('fr'), seeded)).toEqual([
      'Patients: 32',
      'Alertes médicales: 9',
      'Notes cliniques: 40',
      'Notes signées: 38',
      'Notes en brouillon: 2',
    ]);
  });
});

describe('the target of an audit event', () => {
  it('is named with its kind, a link, when it happens and its state', async () => {
    const w = await wordsIn('en');
    const target = describeTarget(event('appointment.cancelled', {}, 'appointment', APPOINTMENT), w)!;
    expect(target.kind).toBe('Appointment');
    expect(target.piece).toEqual({
      text: 'Priya Ramsamy · 9 Mar 2026, 09:00 (cancelled)',
      href: '/app/p/calendar?date=2026-03-09',
    });
    expect(describeTarget(event('staff.invited', {}, 'user', GONE), w)).toEqual({
      kind: 'Staff member',
      piece: { text: 'not found (deadbeef…)' },
    });
    const fr = await wordsIn('fr');
    expect(describeTarget(event('appointment_type.updated', {}, 'appointment_type', TYPE), fr)).toEqual({
      kind: 'Type de rendez-vous',
      piece: { text: 'Contrôle' },
    });
    expect(describeTarget(event('auth.login', {}), w)).toBeNull();
  });
});

describe('the action filter', () => {
  it('puts every action the server records in an area', () => {
    expect(AUDIT_ACTIONS.filter((action) => areaOf(action) === 'other')).toEqual([]);
    expect(
      actionsByArea()
        .flatMap((g) => g.actions)
        .sort(),
    ).toEqual([...AUDIT_ACTIONS].sort());
    expect(actionsByArea().map((g) => g.area)).toEqual([
      'account',
      'practice',
      'staff',
      'patients',
      'clinical',
      'calendar',
      'whatsapp',
      'privacy',
      'demo',
    ]);
  });

  it('asks for one action, or every action of an area', () => {
    expect(actionsParam('')).toBeUndefined();
    expect(actionsParam('auth.login')).toBe('auth.login');
    expect(actionsParam('area:staff')?.split(',')).toEqual(AUDIT_ACTIONS.filter((a) => a.startsWith('staff.')));
  });
});
