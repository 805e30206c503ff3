import { describe, expect, it } from 'vitest';
import { type FileMatch, type ImportedPerson, findDuplicates, trigramSimilarity } from './import-duplicates.js';
import { searchNameOf, sortNameOf } from './search.js';

let nextRow = 2;
function person(
  givenName: string,
  familyName: string,
  dateOfBirth: string | null,
  phones: string[] = [],
): ImportedPerson {
  return {
    row: nextRow++,
    displayName: `${givenName} ${familyName}`,
    sortName: sortNameOf({ givenName, familyName }),
    searchName: searchNameOf({ givenName, familyName }),
    dateOfBirth,
    phones,
  };
}

function onFile(
  row: number,
  givenName: string,
  familyName: string,
  dateOfBirth: string | null,
  sharesPhone: boolean,
): FileMatch {
  return {
    row,
    patient: {
      id: `00000000-0000-4000-8000-${String(row).padStart(12, '0')}`,
      givenName,
      familyName,
      phone: '',
      dateOfBirth,
    },
    sortName: sortNameOf({ givenName, familyName }),
    searchName: searchNameOf({ givenName, familyName }),
    sharesPhone,
  };
}

describe('trigram similarity', () => {
  it('agrees with pg_trgm on known values', () => {
    // SELECT similarity('anjali ramdin', 'anjali ramdin'), similarity('word', 'two words'), similarity('abc', 'xyz')
    expect(trigramSimilarity('anjali ramdin', 'anjali ramdin')).toBe(1);
    expect(trigramSimilarity('word', 'two words')).toBeCloseTo(0.363636, 5);
    expect(trigramSimilarity('abc', 'xyz')).toBe(0);
  });
});

describe('duplicates in an import', () => {
  it('rejects the same person twice in the file, naming the first row', () => {
    const a = person('Hélène', 'Lebon', '1980-04-02', ['+23057123456']);
    const b = person('Helene', 'LEBON', '1980-04-02');
    const found = findDuplicates([a, b], []);
    expect(found.same.get(b.row)).toMatchObject({ code: 'duplicate_in_file', sameAsRow: a.row });
    expect(found.same.has(a.row)).toBe(false);
  });

  it('without birth dates, the same name on the same phone is the same person', () => {
    const a = person('Jean', 'Li', null, ['+23057000001']);
    const b = person('Jean', 'Li', null, ['+23057000001']);
    const c = person('Jean', 'Li', null, ['+23057000002']);
    const found = findDuplicates([a, b, c], []);
    expect([...found.same.keys()]).toEqual([b.row]);
  });

  it('warns of similar names born the same day (twins are imported), ignores a family sharing a phone', () => {
    const anjali = person('Anjali', 'Ramdin', '2010-03-14', ['+23057330011']);
    const anjaliTypo = person('Anjalie', 'Ramdin', '2010-03-14');
    const brother = person('Arvind', 'Ramdin', '2012-06-01', ['+23057330011']);
    const mother = person('Reshma', 'Bhugun', '1985-01-01', ['+23057330011']);
    const found = findDuplicates([anjali, anjaliTypo, brother, mother], []);
    expect(found.same.size).toBe(0);
    expect(found.likely).toEqual([
      { row: anjaliTypo.row, name: 'Anjalie Ramdin', reason: 'same_birth_date', sameAsRow: anjali.row, patient: null },
    ]);
  });

  it('rejects a row already on file, warns of a similar one, and lets a name-alike with another birth date pass', () => {
    const known = person('Marie', 'Lebon', '1980-04-02');
    const similar = person('Marie-Claire', 'Lebon', '1975-05-05', ['+23057009911']);
    const namesake = person('Marie', 'Lebon', '1999-09-09');
    const matches = [
      onFile(known.row, 'Marie', 'Lebon', '1980-04-02', false),
      onFile(similar.row, 'Marie', 'Lebon', '1980-04-02', true),
    ];
    const found = findDuplicates([known, similar, namesake], matches);
    expect(found.same.get(known.row)).toMatchObject({
      code: 'duplicate_on_file',
      patient: { givenName: 'Marie', familyName: 'Lebon' },
    });
    expect(found.likely).toMatchObject([{ row: similar.row, reason: 'same_phone', patient: { familyName: 'Lebon' } }]);
    expect(found.same.has(namesake.row)).toBe(false);
  });
});
