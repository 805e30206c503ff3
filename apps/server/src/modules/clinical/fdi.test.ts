import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FdiError,
  SURFACE_ORDER,
  type Surface,
  allTeeth,
  describeTooth,
  normaliseSurfaces,
  supersededBy,
  surfaceLabel,
  validateFinding,
} from './fdi.js';

const fdiCode = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof FdiError) return e.code;
    throw e;
  }
  return 'ok';
};

describe('tooth numbers', () => {
  it('knows the 32 permanent and 20 primary teeth and nothing else', () => {
    const permanent = allTeeth('permanent');
    const primary = allTeeth('primary');
    expect(permanent).toHaveLength(32);
    expect(primary).toHaveLength(20);
    const valid = new Set([...permanent, ...primary]);
    for (let n = 0; n < 100; n++) expect(describeTooth(n) !== undefined, String(n)).toBe(valid.has(n));
    expect(describeTooth(11.5)).toBeUndefined();
  });

  it('refuses 19, 56, 10, 49, 86 and 90', () => {
    for (const n of [19, 56, 10, 49, 86, 90, 0, 9])
      expect(
        fdiCode(() => normaliseSurfaces(n, 'M')),
        String(n),
      ).toBe('invalid_tooth');
  });

  it('classifies teeth', () => {
    expect(describeTooth(11)).toMatchObject({ dentition: 'permanent', arch: 'upper', type: 'incisor', anterior: true });
    expect(describeTooth(13)).toMatchObject({ type: 'canine', anterior: true });
    expect(describeTooth(24)).toMatchObject({ type: 'premolar', arch: 'upper', anterior: false });
    expect(describeTooth(36)).toMatchObject({ type: 'molar', arch: 'lower' });
    expect(describeTooth(48)).toMatchObject({ type: 'molar', arch: 'lower' });
    expect(describeTooth(54)).toMatchObject({ dentition: 'primary', type: 'molar', arch: 'upper' });
    expect(describeTooth(83)).toMatchObject({ dentition: 'primary', type: 'canine', arch: 'lower' });
  });
});

describe('surfaces', () => {
  it('normalises what people type into one ordered list', () => {
    expect(normaliseSurfaces(36, 'MO')).toEqual(['M', 'O']);
    expect(normaliseSurfaces(36, 'mo')).toEqual(['M', 'O']);
    expect(normaliseSurfaces(36, 'M,O')).toEqual(['M', 'O']);
    expect(normaliseSurfaces(36, 'OM')).toEqual(['M', 'O']);
    expect(normaliseSurfaces(36, 'DOB')).toEqual(['O', 'D', 'B']);
    expect(normaliseSurfaces(36, ['d', 'O', 'm'])).toEqual(['M', 'O', 'D']);
    expect(normaliseSurfaces(36, ' m o d ')).toEqual(['M', 'O', 'D']);
    expect(normaliseSurfaces(36, 'MOOM')).toEqual(['M', 'O']);
    expect(normaliseSurfaces(36, '')).toEqual([]);
    expect(normaliseSurfaces(36, undefined)).toEqual([]);
  });

  it('gives incisors and canines I, premolars and molars O', () => {
    expect(normaliseSurfaces(11, 'MI')).toEqual(['M', 'I']);
    expect(normaliseSurfaces(43, 'DI')).toEqual(['I', 'D']);
    expect(fdiCode(() => normaliseSurfaces(11, 'O'))).toBe('invalid_surface');
    expect(fdiCode(() => normaliseSurfaces(53, 'O'))).toBe('invalid_surface');
    expect(fdiCode(() => normaliseSurfaces(36, 'I'))).toBe('invalid_surface');
    expect(fdiCode(() => normaliseSurfaces(24, 'MI'))).toBe('invalid_surface');
  });

  it('takes F on anterior teeth only and P on upper teeth only, stored as B and L', () => {
    expect(normaliseSurfaces(21, 'F')).toEqual(['B']);
    expect(normaliseSurfaces(21, 'P')).toEqual(['L']);
    expect(normaliseSurfaces(16, 'MOP')).toEqual(['M', 'O', 'L']);
    expect(fdiCode(() => normaliseSurfaces(36, 'F'))).toBe('invalid_surface');
    expect(fdiCode(() => normaliseSurfaces(31, 'P'))).toBe('invalid_surface');
    expect(surfaceLabel(21, 'B')).toBe('F');
    expect(surfaceLabel(21, 'L')).toBe('P');
    expect(surfaceLabel(41, 'L')).toBe('L');
    expect(surfaceLabel(36, 'B')).toBe('B');
  });

  it('refuses letters that are not surfaces, naming them', () => {
    const err = (() => {
      try {
        normaliseSurfaces(36, 'MX');
      } catch (e) {
        return e as FdiError;
      }
    })();
    expect(err?.code).toBe('invalid_surface');
    expect(err?.message).toContain('"X"');
  });

  it('always returns a canonical, duplicate-free, ordered subset of the tooth surfaces (property)', () => {
    const teeth = [...allTeeth('permanent'), ...allTeeth('primary')];
    fc.assert(
      fc.property(
        fc.constantFrom(...teeth),
        fc.array(fc.constantFrom('M', 'O', 'I', 'D', 'B', 'F', 'L', 'P', 'm', 'o', ',', ' ')),
        (tooth, letters) => {
          let result: Surface[];
          try {
            result = normaliseSurfaces(tooth, letters.join(''));
          } catch (e) {
            expect((e as FdiError).code).toBe('invalid_surface');
            return;
          }
          expect(new Set(result).size).toBe(result.length);
          const order = result.map((s) => SURFACE_ORDER.indexOf(s));
          expect(order).toEqual([...order].sort((a, b) => a - b));
          expect(normaliseSurfaces(tooth, result)).toEqual(result);
        },
      ),
    );
  });
});

describe('findings', () => {
  it('needs surfaces for caries and restorations, a material for restorations', () => {
    expect(validateFinding({ tooth: 36, surfaces: 'mo', kind: 'caries' })).toEqual({
      tooth: 36,
      surfaces: ['M', 'O'],
      kind: 'caries',
      material: null,
      bridgeRole: null,
    });
    expect(fdiCode(() => validateFinding({ tooth: 36, kind: 'caries' }))).toBe('invalid_finding');
    expect(fdiCode(() => validateFinding({ tooth: 36, surfaces: 'O', kind: 'restoration' }))).toBe('invalid_finding');
    expect(validateFinding({ tooth: 36, surfaces: 'O', kind: 'restoration', material: 'amalgam' }).material).toBe(
      'amalgam',
    );
    expect(fdiCode(() => validateFinding({ tooth: 36, surfaces: 'O', kind: 'caries', material: 'gold' }))).toBe(
      'invalid_finding',
    );
  });

  it('keeps whole-tooth findings whole', () => {
    for (const kind of ['missing', 'extracted', 'implant', 'crown', 'root_canal_treated'] as const) {
      expect(validateFinding({ tooth: 46, kind }).surfaces).toEqual([]);
      expect(
        fdiCode(() => validateFinding({ tooth: 46, surfaces: 'O', kind })),
        kind,
      ).toBe('invalid_finding');
    }
    expect(validateFinding({ tooth: 46, kind: 'fractured' }).surfaces).toEqual([]);
    expect(validateFinding({ tooth: 46, kind: 'watch', surfaces: 'B' }).surfaces).toEqual(['B']);
  });

  it('needs the bridge role for bridges only', () => {
    expect(validateFinding({ tooth: 45, kind: 'bridge', bridgeRole: 'pontic' }).bridgeRole).toBe('pontic');
    expect(fdiCode(() => validateFinding({ tooth: 45, kind: 'bridge' }))).toBe('invalid_finding');
    expect(fdiCode(() => validateFinding({ tooth: 45, kind: 'crown', bridgeRole: 'abutment' }))).toBe(
      'invalid_finding',
    );
  });

  it('checks surfaces against the tooth before the vocabulary', () => {
    expect(fdiCode(() => validateFinding({ tooth: 36, surfaces: 'I', kind: 'caries' }))).toBe('invalid_surface');
    expect(fdiCode(() => validateFinding({ tooth: 19, surfaces: 'O', kind: 'caries' }))).toBe('invalid_tooth');
  });
});

describe('what a completed treatment replaces', () => {
  it('treats caries on the restored surfaces and keeps the rest', () => {
    const restoration = validateFinding({ tooth: 36, surfaces: 'MO', kind: 'restoration', material: 'composite' });
    expect(
      supersededBy(restoration, [
        { id: 'a', kind: 'caries', surfaces: ['M', 'O'] },
        { id: 'b', kind: 'caries', surfaces: ['O', 'D'] },
        { id: 'c', kind: 'caries', surfaces: ['B'] },
        { id: 'd', kind: 'restoration', surfaces: ['O'] },
        { id: 'e', kind: 'root_canal_treated', surfaces: [] },
      ]),
    ).toEqual([
      { id: 'a', remaining: [] },
      { id: 'b', remaining: ['D'] },
      { id: 'd', remaining: [] },
    ]);
  });

  it('ends everything on an extracted tooth', () => {
    const extracted = validateFinding({ tooth: 36, kind: 'extracted' });
    expect(
      supersededBy(extracted, [
        { id: 'a', kind: 'caries', surfaces: ['M'] },
        { id: 'b', kind: 'crown', surfaces: [] },
      ]).map((s) => s.id),
    ).toEqual(['a', 'b']);
  });
});
