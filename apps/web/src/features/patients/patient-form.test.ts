import { type Patient, PatientInput, PatientPatch } from '@dentalpro/contracts';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import type { Translate } from '../../components/errors';
import en from '../../i18n/en.json';
import fr from '../../i18n/fr.json';
import {
  type PatientFormValues,
  ageOn,
  checkPatientForm,
  emptyPatientForm,
  formPathOf,
  formProblemText,
  localToday,
  newPhoneRow,
  patientFormFrom,
  sentPhoneRows,
  setWhatsApp,
  toPatientInput,
  toPatientPatch,
} from './patient-form';

const GUARDIAN_ID = '0198a3d4-5b6c-7d8e-9f00-112233445566';

const onFile: Patient = {
  id: '0198a3d4-0000-7000-8000-000000000001',
  givenName: 'Priya',
  familyName: 'Ramsamy',
  preferredName: '',
  phone: '+23057123456',
  dateOfBirth: '2015-03-09',
  sex: 'female',
  phones: [
    { e164: '+23057123456', label: 'mobile', isWhatsApp: true },
    { e164: '+2302101234', label: 'home', isWhatsApp: false },
  ],
  email: 'priya@example.mu',
  address: '',
  preferredLanguage: 'fr',
  guardianPatientId: null,
  guardianContact: { name: 'Asha Ramsamy', phone: '+23057000001', relationship: 'mother' },
  notes: '',
  status: 'active',
  mergedIntoId: null,
  hasAlerts: false,
  createdAt: '2026-11-25T10:00:00.000Z',
  updatedAt: '2026-11-25T10:00:00.000Z',
  version: 1,
  registeredVia: 'staff',
};

const filled = (change: Partial<PatientFormValues> = {}): PatientFormValues => ({
  ...emptyPatientForm('Jean Marc Li'),
  ...change,
});

describe('emptyPatientForm: starts from what was typed in the search box', () => {
  it('takes words as the name, the first as the given name', () => {
    const form = emptyPatientForm('  Jean Marc  Li Wan ');
    expect([form.givenName, form.familyName]).toEqual(['Jean', 'Marc Li Wan']);
    expect(form.phones).toEqual([{ key: 0, number: '', label: 'mobile', isWhatsApp: false }]);
  });
  it('takes a number as the first phone and a YYYY-MM-DD date as the birth date', () => {
    expect(emptyPatientForm('5712 3456')).toMatchObject({
      givenName: '',
      familyName: '',
      phones: [{ number: '5712 3456' }],
    });
    expect(emptyPatientForm('+230 5712-3456').phones[0]!.number).toBe('+230 5712-3456');
    expect(emptyPatientForm('2015-03-09')).toMatchObject({
      givenName: '',
      dateOfBirth: '2015-03-09',
      phones: [{ number: '' }],
    });
  });
  it('takes a DD/MM/YYYY date, as the search box does, as the birth date', () => {
    expect(emptyPatientForm('9/3/2015')).toMatchObject({
      givenName: '',
      dateOfBirth: '2015-03-09',
      phones: [{ number: '' }],
    });
    expect(emptyPatientForm('27.08.1988')).toMatchObject({
      givenName: '',
      dateOfBirth: '1988-08-27',
      phones: [{ number: '' }],
    });
    // 31 February is no date: the digits go to the phone, as before.
    expect(emptyPatientForm('31.02.2015')).toMatchObject({ dateOfBirth: '', phones: [{ number: '31.02.2015' }] });
  });
  it('is blank from nothing, an active patient in English with no guardian', () => {
    expect(emptyPatientForm()).toMatchObject({
      givenName: '',
      familyName: '',
      sex: 'unknown',
      preferredLanguage: 'en',
      guardianKind: 'none',
      status: 'active',
    });
  });
});

describe('phone rows', () => {
  it('get keys that stay unique as rows come and go', () => {
    const rows = [newPhoneRow([]), { ...newPhoneRow([]), key: 4 }];
    expect(newPhoneRow(rows).key).toBe(5);
  });
  it('keep at most one WhatsApp number: ticking one unticks the others, unticking leaves the rest', () => {
    const rows = [
      { key: 0, number: '1', label: 'mobile' as const, isWhatsApp: true },
      { key: 1, number: '2', label: 'home' as const, isWhatsApp: false },
    ];
    expect(setWhatsApp(rows, 1, true).map((r) => r.isWhatsApp)).toEqual([false, true]);
    expect(setWhatsApp(rows, 0, false).map((r) => r.isWhatsApp)).toEqual([false, false]);
  });
  it('left empty are not sent', () => {
    const rows = [
      { key: 0, number: ' ', label: 'mobile' as const, isWhatsApp: false },
      { key: 3, number: '5712 3456', label: 'work' as const, isWhatsApp: true },
    ];
    expect(sentPhoneRows(rows).map((r) => r.key)).toEqual([3]);
  });
});

describe('toPatientInput: the whole record for POST', () => {
  it('trims, drops empty numbers and sends a contact guardian', () => {
    const input = toPatientInput(
      filled({
        preferredName: ' JM ',
        dateOfBirth: '',
        phones: [
          { key: 0, number: ' 5712 3456 ', label: 'mobile', isWhatsApp: true },
          { key: 1, number: '', label: 'home', isWhatsApp: false },
          { key: 2, number: '210 1234', label: 'home', isWhatsApp: false },
        ],
        email: ' JM@Example.mu ',
        preferredLanguage: 'mfe',
        guardianKind: 'contact',
        guardianContact: { name: ' Asha ', phone: '5700 0001', relationship: ' aunt ' },
      }),
    );
    expect(input).toEqual({
      givenName: 'Jean',
      familyName: 'Marc Li',
      preferredName: 'JM',
      dateOfBirth: null,
      sex: 'unknown',
      phones: [
        { number: '5712 3456', label: 'mobile', isWhatsApp: true },
        { number: '210 1234', label: 'home', isWhatsApp: false },
      ],
      email: 'JM@Example.mu',
      address: '',
      preferredLanguage: 'mfe',
      guardianPatientId: null,
      guardianContact: { name: 'Asha', phone: '5700 0001', relationship: 'aunt' },
      notes: '',
      status: 'active',
    });
    // What the server will accept as a PatientInput (numbers are checked there).
    expect(PatientInput.safeParse(input).success).toBe(true);
  });
  it('sends a guardian patient by id, and no guardian when none is chosen (whatever was typed before)', () => {
    const guardian = { id: GUARDIAN_ID, givenName: 'Asha', familyName: 'Ramsamy', phone: '', dateOfBirth: null };
    expect(toPatientInput(filled({ guardianKind: 'patient', guardianPatient: guardian }))).toMatchObject({
      guardianPatientId: GUARDIAN_ID,
      guardianContact: null,
    });
    const none = toPatientInput(
      filled({
        guardianKind: 'none',
        guardianPatient: guardian,
        guardianContact: { name: 'X', phone: '1', relationship: '' },
      }),
    );
    expect(none).toMatchObject({ guardianPatientId: null, guardianContact: null });
  });
});

describe('toPatientPatch: only what changed, for PATCH', () => {
  it('is empty when the form is as loaded', () => {
    expect(toPatientPatch(patientFormFrom(onFile, null), onFile)).toEqual({});
  });
  it('sends a changed field alone, the date of birth cleared as null', () => {
    const form = patientFormFrom(onFile, null);
    expect(toPatientPatch({ ...form, address: 'Royal Road, Curepipe', dateOfBirth: '' }, onFile)).toEqual({
      address: 'Royal Road, Curepipe',
      dateOfBirth: null,
    });
    expect(toPatientPatch({ ...form, status: 'archived' }, onFile)).toEqual({ status: 'archived' });
  });
  it('sends the whole phone list when one number, kind, WhatsApp tick or the order changes', () => {
    const form = patientFormFrom(onFile, null);
    const changed = { ...form, phones: form.phones.map((r) => (r.key === 1 ? { ...r, number: '5999 0000' } : r)) };
    expect(toPatientPatch(changed, onFile)).toEqual({
      phones: [
        { number: '+23057123456', label: 'mobile', isWhatsApp: true },
        { number: '5999 0000', label: 'home', isWhatsApp: false },
      ],
    });
    expect(toPatientPatch({ ...form, phones: setWhatsApp(form.phones, 1, true) }, onFile)).toHaveProperty('phones');
    expect(toPatientPatch({ ...form, phones: [...form.phones].reverse() }, onFile)).toHaveProperty('phones');
    expect(toPatientPatch({ ...form, phones: [form.phones[0]!] }, onFile)).toEqual({
      phones: [{ number: '+23057123456', label: 'mobile', isWhatsApp: true }],
    });
  });
  it('switches the guardian from a contact to a patient, or clears it', () => {
    const form = patientFormFrom(onFile, null);
    const guardian = { id: GUARDIAN_ID, givenName: 'Asha', familyName: 'Ramsamy', phone: '', dateOfBirth: null };
    expect(toPatientPatch({ ...form, guardianKind: 'patient', guardianPatient: guardian }, onFile)).toEqual({
      guardianPatientId: GUARDIAN_ID,
      guardianContact: null,
    });
    expect(toPatientPatch({ ...form, guardianKind: 'none' }, onFile)).toEqual({
      guardianPatientId: null,
      guardianContact: null,
    });
    expect(
      toPatientPatch({ ...form, guardianContact: { ...form.guardianContact, relationship: 'aunt' } }, onFile),
    ).toEqual({
      guardianPatientId: null,
      guardianContact: { name: 'Asha Ramsamy', phone: '+23057000001', relationship: 'aunt' },
    });
  });
  it('leaves an unchanged guardian patient out', () => {
    const withGuardian: Patient = { ...onFile, guardianPatientId: GUARDIAN_ID, guardianContact: null };
    const guardian = { id: GUARDIAN_ID, givenName: 'Asha', familyName: 'Ramsamy', phone: '', dateOfBirth: null };
    const form = patientFormFrom(withGuardian, guardian);
    expect(form.guardianKind).toBe('patient');
    expect(toPatientPatch({ ...form, notes: 'Anxious: book long slots' }, withGuardian)).toEqual({
      notes: 'Anxious: book long slots',
    });
  });
  it('is what the server accepts as a PatientPatch', () => {
    const form = patientFormFrom(onFile, null);
    const patch = toPatientPatch(
      { ...form, givenName: 'Pri', email: '', guardianKind: 'none', sex: 'unknown' },
      onFile,
    );
    expect(PatientPatch.safeParse(patch).success).toBe(true);
  });
  it('loads a patient without numbers with one empty row to type into', () => {
    const form = patientFormFrom({ ...onFile, phones: [], phone: '' }, null);
    expect(form.phones).toEqual([{ key: 0, number: '', label: 'mobile', isWhatsApp: false }]);
    expect(toPatientPatch(form, { ...onFile, phones: [], phone: '' })).toEqual({});
  });
});

describe('checkPatientForm: what can be told before sending', () => {
  const today = '2026-11-25';
  it('finds nothing wrong in a plain new patient', () => {
    expect(checkPatientForm(filled(), today)).toEqual({});
  });
  it('asks for both names', () => {
    expect(checkPatientForm(filled({ givenName: ' ', familyName: '' }), today)).toEqual({
      givenName: 'required',
      familyName: 'required',
    });
  });
  it('refuses a birth date after today, an email without a domain, and letters for a number', () => {
    const rows = [{ key: 7, number: 'call the office', label: 'mobile' as const, isWhatsApp: false }];
    expect(checkPatientForm(filled({ dateOfBirth: '2026-11-26', email: 'jm@', phones: rows }), today)).toEqual({
      dateOfBirth: 'birth_date_in_future',
      email: 'email_invalid',
      'phones.7.number': 'phone_invalid',
    });
  });
  it('leaves the validity of a number-like number to the server', () => {
    const rows = [{ key: 0, number: '123', label: 'mobile' as const, isWhatsApp: false }];
    expect(checkPatientForm(filled({ phones: rows }), today)).toEqual({});
  });
  it('wants the chosen kind of guardian filled in', () => {
    expect(checkPatientForm(filled({ guardianKind: 'patient' }), today)).toEqual({
      guardianPatientId: 'guardian_patient_required',
    });
    expect(checkPatientForm(filled({ guardianKind: 'contact' }), today)).toEqual({
      'guardianContact.name': 'required',
      'guardianContact.phone': 'required',
    });
  });
  it('refuses two WhatsApp numbers (the form prevents it, an edit of old data might not)', () => {
    const rows = [
      { key: 0, number: '5712 3456', label: 'mobile' as const, isWhatsApp: true },
      { key: 1, number: '5712 3457', label: 'mobile' as const, isWhatsApp: true },
    ];
    expect(checkPatientForm(filled({ phones: rows }), today)).toEqual({ phones: 'one_whatsapp_number' });
  });
});

describe("formPathOf: where a server's field error is shown", () => {
  const rows = [
    { key: 0, number: '', label: 'mobile' as const, isWhatsApp: false },
    { key: 4, number: '5712 3456', label: 'mobile' as const, isWhatsApp: false },
    { key: 9, number: '123', label: 'home' as const, isWhatsApp: false },
  ];
  it('finds the row of phones.N, counting only the numbers sent', () => {
    expect(formPathOf('phones.1.number', rows)).toBe('phones.9.number');
    expect(formPathOf('phones.0', rows)).toBe('phones.4.number');
    expect(formPathOf('phones.0.label', rows)).toBe('phones.4.label');
    expect(formPathOf('phone', rows)).toBe('phones.4.number');
  });
  it('falls back to the list, and leaves other paths alone', () => {
    expect(formPathOf('phones.5.number', rows)).toBe('phones');
    expect(formPathOf('phones', rows)).toBe('phones');
    expect(formPathOf('guardianContact.phone', rows)).toBe('guardianContact.phone');
  });
});

describe('formProblemText', () => {
  const translator = async (lng: string): Promise<Translate> => {
    const i18n = i18next.createInstance();
    await i18n.init({
      resources: { en: { translation: en }, fr: { translation: fr } },
      lng,
      fallbackLng: 'en',
      interpolation: { escapeValue: false },
    });
    return (key, options) => i18n.t(key, options);
  };
  const server = (code: string | undefined, message: string, params?: Record<string, number>) => ({
    path: 'x',
    code,
    message,
    params,
  });

  it("says the server's refusals by code, in the interface language, whatever the English message", async () => {
    const t = await translator('fr');
    expect(formProblemText(server('phone_invalid', 'Enter a valid phone number, e.g. +230 5712 3456'), t)).toBe(
      'Saisissez un numéro valide, p. ex. +230 5712 3456 ou 5712 3456.',
    );
    expect(formProblemText(server('one_whatsapp_number', 'reworded by a newer server'), t)).toBe(
      'Un seul numéro peut être le numéro WhatsApp.',
    );
    expect(formProblemText(server('guardian_not_found', 'No such patient in this practice'), t)).toBe(
      "Ce patient n'est plus enregistré : choisissez un autre responsable.",
    );
    expect(
      formProblemText(server('too_long', 'Too big: expected string to have <=100 characters', { maximum: 100 }), t),
    ).toBe('Trop long : au plus 100 caractères.');
  });
  it("uses the form's own wording for the problem only it finds", async () => {
    const t = await translator('en');
    expect(formProblemText({ path: 'guardianPatientId', code: 'guardian_patient_required', message: '' }, t)).toBe(
      'Find and choose the guardian, or choose another option above.',
    );
    expect(formProblemText(server('required', 'Invalid input: expected string, received undefined'), t)).toBe(
      'This is required.',
    );
  });
  it("falls back to the server's message for a code it does not know, or none", async () => {
    const t = await translator('fr');
    expect(formProblemText(server('brand_new_rule', 'A rule this build has not heard of'), t)).toBe(
      'A rule this build has not heard of',
    );
    expect(formProblemText(server(undefined, 'From an older server'), t)).toBe('From an older server');
  });
});

describe('ageOn', () => {
  it('counts whole years, the birthday itself included', () => {
    expect(ageOn('2015-03-09', '2026-03-08')).toBe(10);
    expect(ageOn('2015-03-09', '2026-03-09')).toBe(11);
    expect(ageOn('2016-02-29', '2026-02-28')).toBe(9);
    expect(ageOn('2016-02-29', '2026-03-01')).toBe(10);
  });
  it('is undefined without a date, or for a date after today', () => {
    expect(ageOn(null, '2026-01-01')).toBeUndefined();
    expect(ageOn('2027-01-01', '2026-01-01')).toBeUndefined();
  });
});

describe('localToday', () => {
  it('is the calendar day on this device', () => {
    expect(localToday(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});
