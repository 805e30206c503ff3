/**
 * FDI / ISO 3950 tooth numbering, surfaces and the findings vocabulary. Pure: no database, no
 * HTTP. Permanent teeth 11–18, 21–28, 31–38, 41–48; primary 51–55, 61–65, 71–75, 81–85.
 *
 * Surfaces are stored in one canonical form: F (facial) is stored as B and P (palatal) as L,
 * since they name the same surface; a chart labels B as F on anterior teeth and L as P on upper
 * teeth. Order is M, O, I, D, B, L (so "OM" and "m,o" are both [M, O]).
 */

export type FdiErrorCode = 'invalid_tooth' | 'invalid_surface' | 'invalid_finding';

/** A rule of the vocabulary was broken; the service turns it into a 400 with this code. */
export class FdiError extends Error {
  constructor(
    readonly code: FdiErrorCode,
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export type Surface = 'M' | 'O' | 'I' | 'D' | 'B' | 'L';
export const SURFACE_ORDER: readonly Surface[] = ['M', 'O', 'I', 'D', 'B', 'L'];

export type Dentition = 'permanent' | 'primary';
export type ToothType = 'incisor' | 'canine' | 'premolar' | 'molar';

export interface Tooth {
  fdi: number;
  dentition: Dentition;
  quadrant: number;
  position: number;
  arch: 'upper' | 'lower';
  type: ToothType;
  /** Incisors and canines: they have an incisal edge (I) and a facial surface, no occlusal. */
  anterior: boolean;
}

/** The tooth for an FDI code, or undefined when no such tooth exists (19, 56, 90, 11.5 ...). */
export function describeTooth(fdi: number): Tooth | undefined {
  if (!Number.isInteger(fdi)) return undefined;
  const quadrant = Math.floor(fdi / 10);
  const position = fdi % 10;
  const permanent = quadrant >= 1 && quadrant <= 4 && position >= 1 && position <= 8;
  const primary = quadrant >= 5 && quadrant <= 8 && position >= 1 && position <= 5;
  if (!permanent && !primary) return undefined;
  const arch = [1, 2, 5, 6].includes(quadrant) ? 'upper' : 'lower';
  let type: ToothType;
  if (position <= 2) type = 'incisor';
  else if (position === 3) type = 'canine';
  // Primary 4 and 5 are molars; permanent 4 and 5 premolars.
  else if (primary) type = 'molar';
  else type = position <= 5 ? 'premolar' : 'molar';
  return {
    fdi,
    dentition: permanent ? 'permanent' : 'primary',
    quadrant,
    position,
    arch,
    type,
    anterior: position <= 3,
  };
}

export function isValidTooth(fdi: number): boolean {
  return describeTooth(fdi) !== undefined;
}

/** Every tooth of a dentition, in chart order (quadrant 1 → 4, or 5 → 8). */
export function allTeeth(dentition: Dentition): number[] {
  const quadrants = dentition === 'permanent' ? [1, 2, 3, 4] : [5, 6, 7, 8];
  const count = dentition === 'permanent' ? 8 : 5;
  return quadrants.flatMap((q) => Array.from({ length: count }, (_, i) => q * 10 + i + 1));
}

export function requireTooth(fdi: number, path = 'tooth'): Tooth {
  const tooth = describeTooth(fdi);
  if (!tooth) {
    throw new FdiError(
      'invalid_tooth',
      `${fdi} is not an FDI tooth number: permanent teeth are 11–18, 21–28, 31–38, 41–48; primary teeth 51–55, 61–65, 71–75, 81–85`,
      path,
    );
  }
  return tooth;
}

/** Surfaces that exist on a tooth, in the letters people may type (F and P included). */
export function surfacesOf(tooth: Tooth): string[] {
  const letters = ['M', tooth.anterior ? 'I' : 'O', 'D', 'B', 'L'];
  if (tooth.anterior) letters.push('F');
  if (tooth.arch === 'upper') letters.push('P');
  return letters;
}

const KNOWN_LETTERS = new Set(['M', 'O', 'I', 'D', 'B', 'F', 'L', 'P']);

/**
 * Parses what people type or send ("MO", "mo", "M,O", "D O B", ["M", "o"]) into the canonical
 * ordered list for this tooth, refusing letters that are not surfaces or not on this tooth.
 */
export function normaliseSurfaces(
  fdi: number,
  input: string | readonly string[] | undefined | null,
  path = 'surfaces',
): Surface[] {
  const tooth = requireTooth(fdi, 'tooth');
  const raw = (Array.isArray(input) ? input.join(',') : (input ?? '')) as string;
  const letters = raw
    .toUpperCase()
    .replace(/[\s,;/+-]/g, '')
    .split('')
    .filter(Boolean);
  const seen = new Set<Surface>();
  for (const letter of letters) {
    if (!KNOWN_LETTERS.has(letter)) {
      throw new FdiError('invalid_surface', `"${letter}" is not a tooth surface; use M, O, I, D, B (F), L (P)`, path);
    }
    if (letter === 'O' && tooth.anterior)
      throw new FdiError(
        'invalid_surface',
        `Tooth ${fdi} is an ${tooth.type}: it has an incisal edge (I), not an occlusal surface (O)`,
        path,
      );
    if (letter === 'I' && !tooth.anterior)
      throw new FdiError(
        'invalid_surface',
        `Tooth ${fdi} is a ${tooth.type}: it has an occlusal surface (O), not an incisal edge (I)`,
        path,
      );
    if (letter === 'F' && !tooth.anterior)
      throw new FdiError(
        'invalid_surface',
        `F (facial) is for incisors and canines; tooth ${fdi} has a buccal surface (B)`,
        path,
      );
    if (letter === 'P' && tooth.arch !== 'upper')
      throw new FdiError(
        'invalid_surface',
        `P (palatal) is for upper teeth; tooth ${fdi} has a lingual surface (L)`,
        path,
      );
    seen.add(letter === 'F' ? 'B' : letter === 'P' ? 'L' : (letter as Surface));
  }
  return SURFACE_ORDER.filter((s) => seen.has(s));
}

/** The label a chart shows for a stored surface on a tooth: B reads F on anterior teeth, L reads P on upper teeth. */
export function surfaceLabel(fdi: number, surface: Surface): string {
  const tooth = describeTooth(fdi);
  if (surface === 'B' && tooth?.anterior) return 'F';
  if (surface === 'L' && tooth?.arch === 'upper') return 'P';
  return surface;
}

// Findings

export const FINDING_KINDS = [
  'caries',
  'restoration',
  'crown',
  'bridge',
  'missing',
  'extracted',
  'implant',
  'root_canal_treated',
  'fractured',
  'sealant',
  'watch',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const MATERIALS = ['composite', 'amalgam', 'glass_ionomer', 'ceramic', 'gold', 'temporary'] as const;
export type Material = (typeof MATERIALS)[number];

export const BRIDGE_ROLES = ['abutment', 'pontic'] as const;
export type BridgeRole = (typeof BRIDGE_ROLES)[number];

/**
 * How each finding sits on a tooth. required: at least one surface; optional: surfaces or the
 * whole tooth; none: whole tooth only. Material: required, optional or not applicable.
 */
export const FINDING_RULES: Record<
  FindingKind,
  { surfaces: 'required' | 'optional' | 'none'; material: 'required' | 'optional' | 'none' }
> = {
  caries: { surfaces: 'required', material: 'none' },
  restoration: { surfaces: 'required', material: 'required' },
  sealant: { surfaces: 'required', material: 'none' },
  fractured: { surfaces: 'optional', material: 'none' },
  watch: { surfaces: 'optional', material: 'none' },
  crown: { surfaces: 'none', material: 'optional' },
  bridge: { surfaces: 'none', material: 'optional' },
  missing: { surfaces: 'none', material: 'none' },
  extracted: { surfaces: 'none', material: 'none' },
  implant: { surfaces: 'none', material: 'none' },
  root_canal_treated: { surfaces: 'none', material: 'none' },
};

export interface FindingInput {
  tooth: number;
  surfaces?: string | readonly string[] | null;
  kind: FindingKind;
  material?: Material | null;
  bridgeRole?: BridgeRole | null;
}

export interface ValidFinding {
  tooth: number;
  surfaces: Surface[];
  kind: FindingKind;
  material: Material | null;
  bridgeRole: BridgeRole | null;
}

/** Checks a finding against the tooth and the vocabulary; returns it with canonical surfaces. */
export function validateFinding(input: FindingInput): ValidFinding {
  requireTooth(input.tooth);
  const rules = FINDING_RULES[input.kind];
  if (!rules)
    throw new FdiError(
      'invalid_finding',
      `"${String(input.kind)}" is not a finding; use one of ${FINDING_KINDS.join(', ')}`,
      'kind',
    );
  const surfaces = normaliseSurfaces(input.tooth, input.surfaces);
  if (rules.surfaces === 'required' && surfaces.length === 0) {
    throw new FdiError(
      'invalid_finding',
      `A ${input.kind.replaceAll('_', ' ')} finding needs at least one surface`,
      'surfaces',
    );
  }
  if (rules.surfaces === 'none' && surfaces.length > 0) {
    throw new FdiError(
      'invalid_finding',
      `A ${input.kind.replaceAll('_', ' ')} finding is for the whole tooth; leave surfaces empty`,
      'surfaces',
    );
  }
  const material = input.material ?? null;
  if (material !== null && !MATERIALS.includes(material))
    throw new FdiError(
      'invalid_finding',
      `"${material}" is not a material; use one of ${MATERIALS.join(', ')}`,
      'material',
    );
  if (rules.material === 'required' && material === null)
    throw new FdiError(
      'invalid_finding',
      `A ${input.kind} finding needs a material (${MATERIALS.join(', ')})`,
      'material',
    );
  if (rules.material === 'none' && material !== null)
    throw new FdiError('invalid_finding', `A ${input.kind.replaceAll('_', ' ')} finding has no material`, 'material');
  const bridgeRole = input.bridgeRole ?? null;
  if (input.kind === 'bridge' && (bridgeRole === null || !BRIDGE_ROLES.includes(bridgeRole))) {
    throw new FdiError(
      'invalid_finding',
      'A bridge finding says whether the tooth is an abutment or a pontic',
      'bridgeRole',
    );
  }
  if (input.kind !== 'bridge' && bridgeRole !== null)
    throw new FdiError('invalid_finding', 'Only a bridge finding has a bridge role', 'bridgeRole');
  return { tooth: input.tooth, surfaces, kind: input.kind, material, bridgeRole };
}

/**
 * What a new finding replaces on the same tooth when a treatment is completed: a restoration or
 * sealant treats the caries on its surfaces (the caries left on other surfaces stays), and
 * replaces older restorations it fully covers; a crown treats all caries of the tooth; an
 * extraction ends everything charted on the tooth.
 */
export interface OpenFinding {
  id: string;
  kind: FindingKind;
  surfaces: Surface[];
}
export interface Supersession {
  id: string;
  /** Surfaces of the old finding that remain (caries on surfaces the treatment did not touch). */
  remaining: Surface[];
}

export function supersededBy(result: ValidFinding, open: readonly OpenFinding[]): Supersession[] {
  const out: Supersession[] = [];
  const covered = new Set(result.surfaces);
  for (const f of open) {
    if (result.kind === 'extracted' || result.kind === 'missing' || result.kind === 'implant') {
      out.push({ id: f.id, remaining: [] });
    } else if (result.kind === 'crown') {
      if (f.kind === 'caries' || f.kind === 'restoration' || f.kind === 'crown') out.push({ id: f.id, remaining: [] });
    } else if (result.kind === 'restoration' || result.kind === 'sealant') {
      const overlaps = f.surfaces.some((s) => covered.has(s));
      if (f.kind === 'caries' && overlaps) out.push({ id: f.id, remaining: f.surfaces.filter((s) => !covered.has(s)) });
      else if (result.kind === 'restoration' && f.kind === 'restoration' && f.surfaces.every((s) => covered.has(s)))
        out.push({ id: f.id, remaining: [] });
    }
  }
  return out;
}
