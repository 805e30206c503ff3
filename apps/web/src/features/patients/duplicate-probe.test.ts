import { describe, expect, it } from 'vitest';
import { duplicateProbe } from './duplicate-probe';

const draft = { givenName: '', familyName: '', phones: [] as string[], dateOfBirth: '' };

describe('duplicateProbe: when a new patient is worth checking against the file', () => {
  it('not while nothing could match: a name alone, or numbers too short to be one', () => {
    expect(duplicateProbe({ ...draft, givenName: 'Marie', familyName: 'Lebon' })).toBeNull();
    expect(duplicateProbe({ ...draft, givenName: 'Marie', phones: ['5712', ''] })).toBeNull();
    expect(duplicateProbe({ ...draft, dateOfBirth: '1980-04-02' })).toBeNull();
  });
  it('with every number long enough, as typed', () => {
    expect(duplicateProbe({ ...draft, givenName: ' Marie ', phones: ['5712 3456', '21', ' +230 210 1234 '] })).toEqual({
      givenName: 'Marie',
      familyName: '',
      dateOfBirth: null,
      phones: ['5712 3456', '+230 210 1234'],
    });
  });
  it('with a name and a full birth date, the preferred name too', () => {
    expect(duplicateProbe({ ...draft, familyName: 'Lebon', preferredName: 'Mimi', dateOfBirth: '1980-04-02' })).toEqual(
      {
        givenName: '',
        familyName: 'Lebon',
        preferredName: 'Mimi',
        dateOfBirth: '1980-04-02',
        phones: [],
      },
    );
  });
});
