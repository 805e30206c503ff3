import type { Tx } from '../../platform/tenancy.js';

/**
 * Public holidays of Mauritius, 2026 and 2027: fifteen a year. Holidays that follow a lunar
 * calendar are provisional: the government confirms their dates in the Government Gazette,
 * and the owner can correct a date in the calendar settings.
 */
export interface MauritiusHoliday {
  date: string;
  nameEn: string;
  nameFr: string;
  provisional: boolean;
}

const fixed = (date: string, nameEn: string, nameFr: string): MauritiusHoliday => ({
  date,
  nameEn,
  nameFr,
  provisional: false,
});
const floating = (date: string, nameEn: string, nameFr: string): MauritiusHoliday => ({
  date,
  nameEn,
  nameFr,
  provisional: true,
});

export const MAURITIUS_HOLIDAYS: readonly MauritiusHoliday[] = [
  // 2026 (Assumption in even years)
  fixed('2026-01-01', 'New Year', 'Nouvel An'),
  fixed('2026-01-02', 'New Year', 'Nouvel An'),
  fixed('2026-02-01', 'Abolition of Slavery', "Abolition de l'esclavage"),
  floating('2026-02-01', 'Thaipoosam Cavadee', 'Thaipoosam Cavadee'),
  floating('2026-02-15', 'Maha Shivaratree', 'Maha Shivaratree'),
  floating('2026-02-17', 'Chinese Spring Festival', 'Fête du Printemps chinois'),
  fixed('2026-03-12', 'Independence and Republic Day', "Fête de l'Indépendance et de la République"),
  floating('2026-03-19', 'Ougadi', 'Ougadi'),
  floating('2026-03-21', 'Eid-ul-Fitr', 'Aïd-el-Fitr'),
  fixed('2026-05-01', 'Labour Day', 'Fête du Travail'),
  fixed('2026-08-15', 'Assumption', 'Assomption'),
  floating('2026-09-15', 'Ganesh Chaturthi', 'Ganesh Chaturthi'),
  fixed('2026-11-02', 'Arrival of Indentured Labourers', 'Arrivée des travailleurs engagés'),
  floating('2026-11-08', 'Divali', 'Divali'),
  fixed('2026-12-25', 'Christmas', 'Noël'),
  // 2027 (All Saints in odd years)
  fixed('2027-01-01', 'New Year', 'Nouvel An'),
  fixed('2027-01-02', 'New Year', 'Nouvel An'),
  floating('2027-01-22', 'Thaipoosam Cavadee', 'Thaipoosam Cavadee'),
  fixed('2027-02-01', 'Abolition of Slavery', "Abolition de l'esclavage"),
  floating('2027-02-06', 'Chinese Spring Festival', 'Fête du Printemps chinois'),
  floating('2027-03-06', 'Maha Shivaratree', 'Maha Shivaratree'),
  floating('2027-03-10', 'Eid-ul-Fitr', 'Aïd-el-Fitr'),
  fixed('2027-03-12', 'Independence and Republic Day', "Fête de l'Indépendance et de la République"),
  floating('2027-04-07', 'Ougadi', 'Ougadi'),
  fixed('2027-05-01', 'Labour Day', 'Fête du Travail'),
  floating('2027-09-05', 'Ganesh Chaturthi', 'Ganesh Chaturthi'),
  floating('2027-10-29', 'Divali', 'Divali'),
  fixed('2027-11-01', 'All Saints', 'Toussaint'),
  fixed('2027-11-02', 'Arrival of Indentured Labourers', 'Arrivée des travailleurs engagés'),
  fixed('2027-12-25', 'Christmas', 'Noël'),
];

/**
 * One row per date, as the table keeps them: holidays falling on the same day share a row
 * named 'A / B' (provisional when any of them is).
 */
export function mauritiusHolidayRows(): MauritiusHoliday[] {
  const byDate = new Map<string, MauritiusHoliday>();
  for (const h of MAURITIUS_HOLIDAYS) {
    const same = byDate.get(h.date);
    byDate.set(
      h.date,
      same
        ? {
            date: h.date,
            nameEn: `${same.nameEn} / ${h.nameEn}`,
            nameFr: `${same.nameFr} / ${h.nameFr}`,
            provisional: same.provisional || h.provisional,
          }
        : { ...h },
    );
  }
  return [...byDate.values()];
}

/**
 * Adds the shipped holidays to a practice, keeping any date it already has (an owner's
 * correction wins). `tx` must be bound to the practice (inPractice / bindPractice).
 * Returns how many were added.
 */
export async function seedPublicHolidays(tx: Tx, practiceId: string): Promise<number> {
  const added = await tx
    .insertInto('publicHolidays')
    .values(
      mauritiusHolidayRows().map((h) => ({
        practiceId,
        date: h.date,
        nameEn: h.nameEn,
        nameFr: h.nameFr,
        provisional: h.provisional,
      })),
    )
    .onConflict((oc) => oc.columns(['practiceId', 'date']).doNothing())
    .returning('id')
    .execute();
  return added.length;
}
