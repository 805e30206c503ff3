import type { Patient } from '@dentalpro/contracts';
import { describe, expect, it } from 'vitest';
import { rebaseEdit } from './concurrent-edit';
import { patientFormFrom, toPatientPatch } from './patient-form';

const v1: Patient = {
  id: '0198a3d4-0000-7000-8000-000000000009',
  givenName: 'Anil',
  familyName: 'Doorgah',
  preferredName: '',
  phone: '+23057123456',
  dateOfBirth: '1980-04-02',
  sex: 'male',
  phones: [{ e164: '+23057123456', label: 'mobile', isWhatsApp: true }],
  email: '',
  address: 'Quatre Bornes',
  preferredLanguage: 'en',
  guardianPatientId: null,
  guardianContact: null,
  notes: '',
  status: 'active',
  mergedIntoId: null,
  hasAlerts: false,
  createdAt: '2026-11-25T10:00:00.000Z',
  updatedAt: '2026-11-25T10:00:00.000Z',
  version: 1,
  registeredVia: 'staff',
};

const form = (patient: Patient) => patientFormFrom(patient, null);

describe('an edit refused because the record changed meanwhile', () => {
  it("keeps the user's changes and takes the other person's for the fields the user left alone", () => {
    // The other desk changed the address and added a home number; this user changed the email.
    const v2: Patient = {
      ...v1,
      address: 'Rose-Hill',
      phones: [...v1.phones, { e164: '+2302101234', label: 'home', isWhatsApp: false }],
      version: 2,
    };
    const mine = { ...form(v1), email: 'anil@example.mu' };
    const rebased = rebaseEdit(mine, form(v1), form(v2));
    expect(rebased.theirs).toEqual(['phones', 'address']);
    expect(rebased.both).toEqual([]);
    expect(rebased.values).toMatchObject({ email: 'anil@example.mu', address: 'Rose-Hill' });
    expect(rebased.values.phones.map((r) => r.number)).toEqual(['+23057123456', '+2302101234']);
    // Saved against the new version, only the user's own change is sent: nothing of theirs is undone.
    expect(toPatientPatch(rebased.values, v2)).toEqual({ email: 'anil@example.mu' });
  });

  it('names the fields both changed differently, keeping the value the user typed', () => {
    const v2: Patient = { ...v1, familyName: 'Doorgah-Ramen', notes: 'Same note', version: 2 };
    const mine = { ...form(v1), familyName: 'Dorgah', notes: 'Same note' };
    const rebased = rebaseEdit(mine, form(v1), form(v2));
    expect(rebased.theirs).toEqual(['familyName', 'notes']);
    expect(rebased.both).toEqual(['familyName']);
    expect(rebased.values.familyName).toBe('Dorgah');
    expect(toPatientPatch(rebased.values, v2)).toEqual({ familyName: 'Dorgah' });
  });

  it('treats the guardian as one field, and ignores spaces and empty phone rows', () => {
    const v2: Patient = {
      ...v1,
      guardianContact: { name: 'Meera Doorgah', phone: '+23057000002', relationship: 'sister' },
      version: 2,
    };
    const mine = {
      ...form(v1),
      givenName: 'Anil ',
      phones: [...form(v1).phones, { key: 5, number: ' ', label: 'home' as const, isWhatsApp: false }],
    };
    const rebased = rebaseEdit(mine, form(v1), form(v2));
    expect(rebased.theirs).toEqual(['guardian']);
    expect(rebased.both).toEqual([]);
    expect(rebased.values).toMatchObject({ guardianKind: 'contact', guardianContact: { name: 'Meera Doorgah' } });
    expect(toPatientPatch(rebased.values, v2)).toEqual({});
  });

  it('changes nothing when the other save left the form as it was', () => {
    const mine = { ...form(v1), status: 'archived' as const };
    const rebased = rebaseEdit(mine, form(v1), form({ ...v1, version: 2 }));
    expect(rebased).toEqual({ values: mine, theirs: [], both: [] });
  });
});
