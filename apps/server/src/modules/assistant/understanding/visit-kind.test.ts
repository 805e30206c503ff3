import { describe, expect, it } from 'vitest';
import { normalisedWords } from './normalise.js';
import { matchVisitType, readVisitKind } from './visit-kind.js';

const kindOf = (text: string) => readVisitKind(normalisedWords(text));

describe('readVisitKind', () => {
  it.each([
    ['I need a check-up', 'checkup'],
    ['un contrôle svp', 'checkup'],
    ['enn sek-ap', 'checkup'],
    ['scale and polish please', 'cleaning'],
    ['un détartrage', 'cleaning'],
    ['enn netwayaz', 'cleaning'],
    ['my filling fell out', 'filling'],
    ['enn plonbaz', 'filling'],
    ['une carie', 'filling'],
    ['tir enn dan', 'extraction'],
    ['arracher une dent de sagesse', 'extraction'],
    ['teeth whitening', 'whitening'],
    ['blanchiment des dents', 'whitening'],
    ['root canal', 'root_canal'],
    ['une dévitalisation', 'root_canal'],
    ['braces for my son', 'orthodontics'],
    ['appareil dentaire', 'orthodontics'],
    ['my dentures', 'denture'],
    ['so dantie', 'denture'],
    ['a new crown', 'crown'],
    ['ma couronne', 'crown'],
    ["c'est une urgence", 'emergency'],
    ['first visit', 'consultation'],
  ] as const)('%s → %s', (text, kind) => {
    expect(kindOf(text)).toBe(kind);
  });

  it('takes the first kind named, and none when none is', () => {
    expect(kindOf('un contrôle et un détartrage')).toBe('checkup');
    expect(kindOf('can I book for tomorrow?')).toBeNull();
  });
});

describe('matchVisitType', () => {
  const types = [
    { id: 'checkup', name: 'Check-up (30 min)' },
    { id: 'scale', name: 'Scale & polish' },
    { id: 'emergency', name: 'Emergency consultation' },
    { id: 'consult', name: 'Consultation' },
    { id: 'implant', name: 'Implant consultation' },
    { id: 'ortho', name: 'Orthodontic review' },
  ];
  const french = [
    { id: 'detartrage', name: 'Détartrage' },
    { id: 'controle', name: 'Contrôle' },
    { id: 'plombage', name: 'Plombage / soin de carie' },
  ];

  it("finds the practice's type by the kind's words in any language", () => {
    expect(matchVisitType('cleaning', 'un détartrage svp', types)).toBe('scale');
    expect(matchVisitType('cleaning', 'enn netwayaz', french)).toBe('detartrage');
    expect(matchVisitType('checkup', 'a check-up', types)).toBe('checkup');
    expect(matchVisitType('checkup', 'enn sek-ap', french)).toBe('controle');
    expect(matchVisitType('filling', 'a filling', french)).toBe('plombage');
    expect(matchVisitType('orthodontics', 'braces', types)).toBe('ortho');
  });

  it('prefers the type whose name is most about the kind', () => {
    expect(matchVisitType('consultation', 'a consultation', types)).toBe('consult');
    expect(matchVisitType('emergency', 'urgent', types)).toBe('emergency');
  });

  it('falls back to a type whose name words all appear in the text', () => {
    expect(matchVisitType(null, "I'd like an implant consultation", types)).toBe('implant');
    expect(matchVisitType(null, 'implant', types)).toBeNull();
  });

  it('gives null when nothing fits', () => {
    expect(matchVisitType('whitening', 'whitening', types)).toBeNull();
    expect(matchVisitType(null, 'hello', types)).toBeNull();
    expect(matchVisitType('cleaning', 'cleaning', [])).toBeNull();
  });
});
