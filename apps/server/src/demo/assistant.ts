import type { AppContext } from '../context.js';
import { systemActor } from '../platform/access.js';
import { getAssistantSettings, saveAssistantSettings } from '../modules/assistant/settings.service.js';
import { listPriceList } from '../modules/clinical/price-list.service.js';
import { listAppointmentTypes } from '../modules/scheduling/appointment-types.service.js';

const actor = systemActor('demo seed');

/** The demo calendar's hours (calendar.ts) and Mauritius's emergency numbers, in the words a patient reads on WhatsApp. */
const TEXTS = {
  openingHoursEn:
    'We are open Monday to Friday from 8:00 to 17:00 and on Saturday from 8:00 to 12:00. Closed on Sundays and public holidays.',
  openingHoursFr:
    'Nous sommes ouverts du lundi au vendredi de 8 h à 17 h et le samedi de 8 h à 12 h. Fermé le dimanche et les jours fériés.',
  emergencyEn:
    'If your face is swollen, you have a fever with tooth pain, or bleeding will not stop, call us now on +230 212 3456. When we are closed, call the SAMU on 114 or go to the nearest hospital emergency department.',
  emergencyFr:
    "Si votre visage est enflé, si vous avez de la fièvre avec une douleur dentaire ou un saignement qui ne s'arrête pas, appelez-nous tout de suite au +230 212 3456. Quand le cabinet est fermé, appelez le SAMU au 114 ou rendez-vous aux urgences de l'hôpital le plus proche.",
};

/** The prices the assistant may quote: the visits patients ask about most. */
const PUBLISHED_CODES = ['EXAM', 'SCALE', 'EMERG'];

/**
 * The booking assistant on, so that the sandbox phone can book at once: its opening-hours and
 * emergency texts, a few published prices. Which visits can be booked is the calendar's
 * (`whatsappBookable` on its types). Runs once: settings that were ever saved are the
 * practice's own, and a second run leaves them (and the audit trail) as they are.
 */
export async function seedDemoAssistant(ctx: AppContext, practiceId: string) {
  const call = { actor, practiceId };
  const bookable = (await listAppointmentTypes(ctx, call)).filter((t) => t.active && t.whatsappBookable);
  const bookableTypes = bookable.map((t) => t.nameEn);
  if ((await getAssistantSettings(ctx, call)).updatedAt !== null) return { seeded: false, bookableTypes };
  const prices = await listPriceList(ctx, call);
  const settings = await saveAssistantSettings(ctx, {
    ...call,
    patch: {
      enabled: true,
      ...TEXTS,
      publishedPriceItemIds: prices.filter((p) => PUBLISHED_CODES.includes(p.code)).map((p) => p.id),
    },
  });
  return { seeded: true, enabled: settings.enabled, bookableTypes };
}
