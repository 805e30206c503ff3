import type { AppointmentType, Provider } from '@dentalpro/contracts';
import { parseClock, weekdayOf } from './zoned-time';

interface Where {
  day: string;
  minutes: number;
  /** The chair clicked (day view), or null. */
  chairId: string | null;
  /** The provider clicked (week view), or null. */
  providerId: string | null;
}

/** The chair a provider's weekly hours give at this time: a chair id, 'any' (hours on no set chair), or null (not working). */
export function chairOfProviderAt(provider: Provider, day: string, minutes: number): string | 'any' | null {
  const weekday = weekdayOf(day);
  let found: string | 'any' | null = null;
  for (const h of provider.hours) {
    if (h.weekday !== weekday) continue;
    if ((h.validFrom && day < h.validFrom) || (h.validTo && day > h.validTo)) continue;
    if (minutes < parseClock(h.start) || minutes >= parseClock(h.end)) continue;
    if (h.chairId) return h.chairId;
    found = 'any';
  }
  return found;
}

/**
 * What the booking dialog starts with for a click on the calendar: the provider who works on that
 * chair at that time (one set on the chair before one who works on any chair), the chair a clicked
 * provider works on then, and the first visit type that provider may perform. A click nobody works
 * at leaves the choice to the dialog (empty provider).
 */
export function bookingDefaults(
  where: Where,
  providers: Provider[],
  types: AppointmentType[],
): { providerId: string; chairId: string | null; typeId: string } {
  let provider: Provider | undefined;
  let chairId = where.chairId;
  if (where.providerId) {
    provider = providers.find((p) => p.userId === where.providerId);
    const chair = provider ? chairOfProviderAt(provider, where.day, where.minutes) : null;
    if (chair && chair !== 'any') chairId = chair;
  } else if (where.chairId) {
    const onChair = (p: Provider) => chairOfProviderAt(p, where.day, where.minutes);
    provider = providers.find((p) => onChair(p) === where.chairId) ?? providers.find((p) => onChair(p) === 'any');
  }
  const type = (provider && types.find((x) => x.allowedRoles.includes(provider.role as never))) ?? types[0];
  return { providerId: provider?.userId ?? '', chairId, typeId: type?.id ?? '' };
}

/** The free times nearest to a wanted one (closest first, earlier before later on a tie), for "not free, try these". */
export function nearestTimes(free: number[], wanted: number, count = 3): number[] {
  return [...free]
    .sort((a, b) => Math.abs(a - wanted) - Math.abs(b - wanted) || a - b)
    .slice(0, count)
    .sort((a, b) => a - b);
}
