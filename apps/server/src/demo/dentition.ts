import type { FindingKind, Material } from '../modules/clinical/fdi.js';
import type { SeededRandom } from './random.js';

/**
 * What the demo charts, plans and writes for a patient, by age: adults (history of fillings,
 * crowns, extractions, an implant; caries found at the last visit), teenagers (sealants, a few
 * caries) and young children (primary teeth 51–85). Pure: the seeded random decides, the
 * clinical services (demo/clinical.ts) write it.
 */

type Random = SeededRandom;

export interface FindingSpec {
  tooth: number;
  kind: FindingKind;
  surfaces?: string;
  material?: Material | null;
  note?: string;
  daysAgo: number;
}
export interface ItemSpec {
  code: string;
  tooth?: number;
  surfaces?: string;
  phase: number;
  notes?: string;
  /** Left declined whatever the plan's progress (a crown the patient put off, say). */
  declined?: boolean;
}
export interface PlanSpec {
  title: string;
  items: ItemSpec[];
  /** How far it has gone; unset, plans take turns (demo/clinical.ts). */
  progress?: 'proposed' | 'accepted' | 'in_progress' | 'done';
}

const POSTERIOR = [14, 15, 16, 17, 24, 25, 26, 27, 34, 35, 36, 37, 44, 45, 46, 47];
const ANTERIOR = [11, 12, 13, 21, 22, 23, 31, 32, 33, 41, 42, 43];
const MOLARS = [16, 17, 26, 27, 36, 37, 46, 47];
const PRIMARY_MOLARS = [54, 55, 64, 65, 74, 75, 84, 85];

export const ADULT_ALERTS = [
  { allergies: ['Penicillin (rash)'] },
  { allergies: ['Penicillin (anaphylaxis)'], conditions: ['Asthma'], medications: ['Salbutamol inhaler as needed'] },
  { conditions: ['Type 2 diabetes'], medications: ['Metformin 500 mg twice daily'] },
  { conditions: ['Type 2 diabetes', 'Hypertension'], medications: ['Metformin 850 mg', 'Amlodipine 5 mg'] },
  { conditions: ['Atrial fibrillation'], medications: ['Warfarin (anticoagulant): check INR before extractions'] },
  { conditions: ['Previous stroke'], medications: ['Apixaban (anticoagulant)', 'Atorvastatin 20 mg'] },
  { allergies: ['Latex'] },
  { allergies: ['Ibuprofen and other NSAIDs'], conditions: ['Asthma'] },
  { conditions: ['Hypertension'], medications: ['Losartan 50 mg'] },
  {
    conditions: ['Osteoporosis'],
    medications: ['Alendronate (bisphosphonate): risk of jaw osteonecrosis after extractions'],
  },
  { allergies: ['Chlorhexidine'] },
];
export const CHILD_ALERTS = [
  { allergies: ['Peanuts'] },
  { conditions: ['Asthma'], medications: ['Salbutamol inhaler'] },
  { allergies: ['Penicillin (rash)'] },
  { conditions: ['Type 1 diabetes'], medications: ['Insulin pump'] },
];

export interface Mouth {
  findings: FindingSpec[];
  plans: PlanSpec[];
  /** Teeth the visit notes mention: one being filled, one with pain or a root canal treatment. */
  focusTooth?: number;
  endoTooth?: number;
}

/** Takes a free tooth from a list: each tooth once per mouth, so findings do not pile up on one. */
function teethPicker(random: Random) {
  const used = new Set<number>();
  return (from: readonly number[]) => {
    const free = from.filter((t) => !used.has(t));
    if (free.length === 0) return undefined;
    const tooth = random.pick(free);
    used.add(tooth);
    return tooth;
  };
}

export function adultMouth(random: Random, recentDays: number, showcase: boolean): Mouth {
  const take = teethPicker(random);
  const maybe = (p: number) => showcase || random.chance(p);
  const findings: FindingSpec[] = [];
  const chart = (tooth: number | undefined, spec: Omit<FindingSpec, 'tooth'>) =>
    tooth !== undefined && findings.push({ tooth, ...spec });

  // History, charted at earlier visits.
  if (maybe(0.4))
    for (let i = random.int(1, 2); i > 0; i--)
      chart(take([18, 28, 38, 48]), { kind: 'missing', daysAgo: random.int(900, 2500) });
  if (maybe(0.25)) chart(take([36, 46, 16, 26, 35, 45]), { kind: 'extracted', daysAgo: random.int(700, 2000) });
  if (maybe(0.15))
    chart(take([36, 46, 26]), {
      kind: 'implant',
      daysAgo: random.int(300, 900),
      note: 'Implant with a screw-retained crown; osseointegration confirmed on x-ray',
    });
  for (let i = random.int(showcase ? 1 : 0, 2); i > 0; i--) {
    chart(take(POSTERIOR), {
      kind: 'restoration',
      surfaces: random.pick(['O', 'MO', 'DO', 'MOD', 'OB']),
      material: random.pick(['amalgam', 'amalgam', 'composite', 'composite', 'glass_ionomer'] as const),
      daysAgo: random.int(200, 2500),
    });
  }
  if (maybe(0.2))
    chart(take(MOLARS), {
      kind: 'crown',
      material: random.pick(['ceramic', 'gold', null] as const),
      daysAgo: random.int(500, 1500),
    });
  if (maybe(0.2)) {
    const tooth = take([16, 26, 36, 46, 15, 25]);
    chart(tooth, { kind: 'root_canal_treated', daysAgo: 640 });
    chart(tooth, { kind: 'crown', material: 'ceramic', daysAgo: 600 });
  }

  // Found at the latest visit: what the plan treats.
  const caries: { tooth: number; surfaces: string }[] = [];
  for (let i = showcase ? 2 : random.pick([0, 1, 1, 2, 2, 3]); i > 0; i--) {
    const anterior = random.chance(0.2);
    const tooth = take(anterior ? ANTERIOR : POSTERIOR);
    if (tooth === undefined) continue;
    const surfaces = anterior ? random.pick(['M', 'D', 'B']) : random.pick(['O', 'MO', 'DO', 'B', 'MOD']);
    caries.push({ tooth, surfaces });
    chart(tooth, {
      kind: 'caries',
      surfaces,
      daysAgo: recentDays,
      note: surfaces.length === 3 ? 'Deep lesion close to the pulp' : undefined,
    });
  }
  const fractured = maybe(0.15) ? take(MOLARS) : undefined;
  chart(fractured, {
    kind: 'fractured',
    surfaces: 'B',
    daysAgo: recentDays,
    note: 'Buccal cusp fractured; sensitive when biting',
  });
  if (random.chance(0.15))
    chart(take(POSTERIOR), {
      kind: 'watch',
      surfaces: 'O',
      daysAgo: recentDays,
      note: 'Stained fissure: re-check at the next visit',
    });

  const plans: PlanSpec[] = [];
  if (random.chance(0.15)) {
    plans.push({
      title: 'Check-up and hygiene',
      progress: 'done',
      items: [
        { code: 'EXAM', phase: 1 },
        { code: 'SCALE', phase: 1 },
      ],
    });
  }
  const items: ItemSpec[] = [];
  if (random.chance(0.3)) items.push({ code: 'SCALE', phase: 1 });
  for (const c of caries) {
    if (c.surfaces.length === 3 && random.chance(0.3)) {
      items.push({
        code: 'EXT',
        tooth: c.tooth,
        phase: 1,
        notes: 'Not restorable; the patient prefers an extraction to root canal treatment',
      });
    } else {
      const code = c.surfaces.length === 1 ? 'COMP-1' : random.chance(0.2) ? 'AMAL' : 'COMP-2';
      items.push({ code, tooth: c.tooth, surfaces: c.surfaces, phase: 1 });
    }
  }
  if (fractured !== undefined) {
    items.push({ code: 'XR-PA', tooth: fractured, phase: 1 });
    items.push({ code: 'RCT-MOL', tooth: fractured, phase: 2 });
    items.push({
      code: 'CROWN-PFM',
      tooth: fractured,
      phase: 3,
      declined: random.chance(0.4),
      notes: 'Crown once the root canal treatment has settled',
    });
  }
  if (items.length > 0)
    plans.push({ title: fractured !== undefined ? 'Root canal treatment and crown' : 'Restorative treatment', items });
  return {
    findings,
    plans,
    focusTooth: caries[0]?.tooth,
    endoTooth: fractured ?? caries.find((c) => c.surfaces.length === 3)?.tooth,
  };
}

export function teenMouth(random: Random, recentDays: number): Mouth {
  const take = teethPicker(random);
  const findings: FindingSpec[] = [];
  const sealed = [16, 26, 36, 46].filter(() => random.chance(0.5));
  for (const tooth of sealed) {
    take([tooth]);
    findings.push({ tooth, kind: 'sealant', surfaces: 'O', daysAgo: random.int(400, 1500) });
  }
  const caries: { tooth: number; surfaces: string }[] = [];
  for (let i = random.int(0, 2); i > 0; i--) {
    const tooth = take(POSTERIOR);
    if (tooth === undefined) continue;
    const surfaces = random.pick(['O', 'MO', 'DO']);
    caries.push({ tooth, surfaces });
    findings.push({ tooth, kind: 'caries', surfaces, daysAgo: recentDays });
  }
  const items: ItemSpec[] = caries.map((c) => ({
    code: c.surfaces.length === 1 ? 'COMP-1' : 'COMP-2',
    tooth: c.tooth,
    surfaces: c.surfaces,
    phase: 1,
  }));
  const plans: PlanSpec[] = items.length > 0 ? [{ title: 'Fillings', items }] : [];
  return { findings, plans, focusTooth: caries[0]?.tooth };
}

/** Primary teeth (51–85); the first permanent molars from about six. */
export function childMouth(random: Random, age: number, recentDays: number): Mouth {
  const take = teethPicker(random);
  const findings: FindingSpec[] = [];
  if (age >= 7 && random.chance(0.6))
    findings.push({
      tooth: take([71, 81])!,
      kind: 'missing',
      daysAgo: random.int(60, 400),
      note: 'Exfoliated; permanent incisor erupting',
    });
  if (random.chance(0.4))
    findings.push({
      tooth: take(PRIMARY_MOLARS)!,
      kind: 'restoration',
      surfaces: random.pick(['O', 'MO', 'DO']),
      material: 'glass_ionomer',
      daysAgo: random.int(200, 700),
    });
  if (random.chance(0.2))
    findings.push({
      tooth: take(PRIMARY_MOLARS)!,
      kind: 'extracted',
      daysAgo: random.int(100, 600),
      note: 'Abscessed; extracted under local anaesthetic',
    });
  const caries: { tooth: number; surfaces: string }[] = [];
  for (let i = random.int(1, 3); i > 0; i--) {
    const tooth = take(PRIMARY_MOLARS);
    if (tooth === undefined) continue;
    const surfaces = random.pick(['O', 'MO', 'DO']);
    caries.push({ tooth, surfaces });
    findings.push({ tooth, kind: 'caries', surfaces, daysAgo: recentDays });
  }
  const items: ItemSpec[] = caries.map((c, i) =>
    i === 0 && c.surfaces.length > 1 && random.chance(0.25)
      ? { code: 'EXT', tooth: c.tooth, phase: 1, notes: 'Close to exfoliation: extraction rather than a filling' }
      : { code: 'GIC', tooth: c.tooth, surfaces: c.surfaces, phase: 1 },
  );
  if (age >= 7) {
    for (const tooth of [36, 46]) items.push({ code: 'SEAL', tooth, surfaces: 'O', phase: 2 });
  }
  const plans: PlanSpec[] = random.chance(0.6)
    ? [{ title: age >= 7 ? 'Fillings and sealants' : 'Fillings', items }]
    : [];
  return { findings, plans, focusTooth: caries[0]?.tooth };
}

// ---------------------------------------------------------------------------------------------
// Notes

export function noteBody(type: string, mouth: Mouth, child: boolean): string {
  const endodontic = type === 'Root canal treatment' || type === 'Emergency visit';
  const tooth = endodontic ? (mouth.endoTooth ?? mouth.focusTooth) : mouth.focusTooth;
  const at = tooth ? ` on ${tooth}` : '';
  if (child && type === 'Root canal treatment') {
    return `Pulpotomy${at} (primary molar) under local anaesthetic, with the parent present. Ferric sulphate, zinc oxide eugenol base, glass ionomer restoration. Tolerated well.`;
  }
  if (child && type === 'Filling') {
    return `Glass ionomer restoration${at} (primary molar); local anaesthetic not needed. Tolerated well; diet and brushing advice given to the parent.`;
  }
  switch (type) {
    case 'Scale and polish':
      return 'Scale and polish. Moderate calculus on the lower anteriors, light staining. Localised bleeding on probing. Oral hygiene instruction: brushing technique and interdental brushes. Recall in 6 months.';
    case 'Filling':
      return `Restoration${at} under local anaesthetic (lidocaine 2% with adrenaline, 1 cartridge). Isolation, caries removed, bonded composite placed in layers, occlusion checked. Post-operative advice given.`;
    case 'Extraction':
      return `Medical history reviewed. Extraction${at} under local anaesthetic (articaine 4%). Tooth removed whole, socket checked, haemostasis with gauze pressure. Written post-extraction instructions given.`;
    case 'Root canal treatment':
      return `Root canal treatment${at}, first visit: access, working length with the apex locator, canals shaped and irrigated with sodium hypochlorite, calcium hydroxide dressing, temporary filling. Review in 2 weeks.`;
    case 'Emergency visit':
      return `Emergency: pain for three days, worse with cold. Deep caries${at}, tender to percussion. Dressing placed; paracetamol advised. Booked for definitive treatment.`;
    default:
      return `Check-up. No complaints. Medical history reviewed. Soft tissues normal; mild gingival inflammation on the lower anteriors.${tooth ? ` Caries noted${at}; treatment plan discussed.` : ' No new caries.'} Recall in 6 months.`;
  }
}
