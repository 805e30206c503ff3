import type { PatientInput, PatientLanguage } from '@dentalpro/contracts';
import { FAMILY_NAMES, GIVEN_NAMES } from './names.js';
import type { SeededRandom } from './random.js';

/**
 * Demo patients as families come to a practice: a parent with the household's mobile, sometimes a
 * partner, and children (under 18) whose guardian is that parent and who often share the parent's
 * number. Most numbers are on WhatsApp; about half the adults give an email (at reserved example
 * domains: no real person is ever written to); each household speaks English, French or Kreol.
 */
export interface DemoHousehold {
  adults: PatientInput[];
  /** Their guardian is the household's first adult. */
  children: PatientInput[];
}

const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];

export function demoHouseholds(random: SeededRandom, patients: number, today: string): DemoHousehold[] {
  const households: DemoHousehold[] = [];
  let made = 0;
  while (made < patients) {
    const familyName = random.pick(FAMILY_NAMES);
    const language = householdLanguage(random);
    const mobile = { number: mobileNumber(random), label: 'mobile' as const, isWhatsApp: random.chance(0.85) };
    const size = Math.min(random.int(1, 4), patients - made);
    const household: DemoHousehold = { adults: [], children: [] };
    for (let i = 0; i < size; i++) {
      const adult = i === 0 || (i === 1 && random.chance(0.5));
      const dateOfBirth = birthDate(random, adult ? random.int(1950, 2002) : random.int(2008, 2022));
      const person = { givenName: random.pick(GIVEN_NAMES), familyName, dateOfBirth, preferredLanguage: language };
      if (i === 0) {
        const landline = random.chance(0.2)
          ? [{ number: landlineNumber(random), label: 'home' as const, isWhatsApp: false }]
          : [];
        household.adults.push({ ...person, phones: [mobile, ...landline], email: maybeEmail(random, person, 0.55) });
      } else if (ageOn(dateOfBirth, today) >= 18) {
        // A partner, or a grown-up child, mostly with a phone of their own.
        const own = random.chance(0.75);
        const phones = own
          ? [{ number: mobileNumber(random), label: 'mobile' as const, isWhatsApp: random.chance(0.8) }]
          : [mobile];
        household.adults.push({ ...person, phones, email: maybeEmail(random, person, 0.5) });
      } else {
        household.children.push({
          ...person,
          phones: childPhones(random, ageOn(dateOfBirth, today), mobile),
          email: ageOn(dateOfBirth, today) >= 13 ? maybeEmail(random, person, 0.15) : '',
        });
      }
    }
    households.push(household);
    made += size;
  }
  return households;
}

/** Young children are reached on the parent's number (or through the guardian alone); teenagers often have their own. */
function childPhones(
  random: SeededRandom,
  age: number,
  parentsMobile: { number: string; label: 'mobile'; isWhatsApp: boolean },
) {
  if (age >= 13 && random.chance(0.5))
    return [{ number: mobileNumber(random), label: 'mobile' as const, isWhatsApp: random.chance(0.7) }];
  return random.chance(0.65) ? [parentsMobile] : [];
}

/** French a little more often than English, Kreol for a quarter of households. */
function householdLanguage(random: SeededRandom): PatientLanguage {
  const r = random.next();
  return r < 0.4 ? 'fr' : r < 0.75 ? 'en' : 'mfe';
}

function maybeEmail(
  random: SeededRandom,
  person: { givenName: string; familyName: string; dateOfBirth: string },
  chance: number,
): string {
  if (!random.chance(chance)) return '';
  const word = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[^A-Za-z]/g, '')
      .toLowerCase();
  return `${word(person.givenName)}.${word(person.familyName)}${person.dateOfBirth.slice(2, 4)}@${random.pick(EMAIL_DOMAINS)}`;
}

const mobileNumber = (random: SeededRandom) =>
  `+2305${random.int(2, 9)}${String(random.int(0, 999999)).padStart(6, '0')}`;
// Prefixes of Mauritian fixed lines (not every 2xx or 4xx is one).
const landlineNumber = (random: SeededRandom) =>
  `+230${random.pick(['20', '23', '26', '40', '43', '45', '60', '63', '66'])}${String(random.int(0, 99999)).padStart(5, '0')}`;
const birthDate = (random: SeededRandom, year: number) =>
  `${year}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;

/** Whole years on `today` ('YYYY-MM-DD'). */
export function ageOn(dateOfBirth: string, today: string): number {
  return Number(today.slice(0, 4)) - Number(dateOfBirth.slice(0, 4)) - (today.slice(5) < dateOfBirth.slice(5) ? 1 : 0);
}
