/**
 * Which free times to offer: at most `count`, spread over the range asked for rather than the
 * first ones found. Each local day with free time gets its share (earlier days the extra ones),
 * and a day's share is spread over its hours. One start time is offered once, unless the day has
 * fewer start times than its share. `seed` (the conversation's) turns which of the providers free
 * at a time is offered, and moves the day's picks along their even spacing: patients writing at
 * once are offered different times with different providers, rather than all the same few
 * (provider, time) pairs to race for; one conversation is offered the same times each time it asks.
 * Without a seed, a day's picks include its first and last free times.
 */
export interface FreeSlot {
  start: Date;
  end: Date;
  providerId: string;
  chairId: string;
}

export function spreadTimes<T extends FreeSlot>(
  slots: readonly T[],
  opts: { count: number; timeZone: string; seed?: number },
): T[] {
  if (slots.length === 0 || opts.count <= 0) return [];
  // A week of ten providers is thousands of slots: each start is read once, and a local day is
  // worked out once per quarter hour, not once per slot.
  const sorted = slots
    .map((slot) => ({ slot, at: slot.start.getTime() }))
    .sort((a, b) => a.at - b.at || byId(a.slot.providerId, b.slot.providerId));
  const dayOf = localDays(opts.timeZone);
  // Distinct start times first (each with the provider the seed turns to); a second provider at the
  // same time only fills what is left. Sorted, a day's slots and a start's slots are runs.
  const seed = opts.seed ?? 0;
  const perDay: { distinct: T[]; repeats: T[] }[] = [];
  let day: { distinct: T[]; repeats: T[] } | undefined;
  let dayKey = '';
  let g = 0;
  for (let i = 0; i < sorted.length; ) {
    const at = sorted[i]!.at;
    let j = i + 1;
    while (j < sorted.length && sorted[j]!.at === at) j++;
    const key = dayOf(at);
    if (!day || key !== dayKey) {
      day = { distinct: [], repeats: [] };
      perDay.push(day);
      dayKey = key;
      g = 0;
    }
    const chosen = i + ((seed + g++) % (j - i));
    for (let k = i; k < j; k++) (k === chosen ? day.distinct : day.repeats).push(sorted[k]!.slot);
    i = j;
  }
  // Shares: round-robin over the days, a day taking one more while it has times left.
  const shares = perDay.map(() => 0);
  let left = Math.min(opts.count, sorted.length);
  while (left > 0) {
    let gave = false;
    for (let d = 0; d < perDay.length && left > 0; d++) {
      const available = perDay[d]!.distinct.length + perDay[d]!.repeats.length;
      if (shares[d]! < available) {
        shares[d]! += 1;
        left -= 1;
        gave = true;
      }
    }
    if (!gave) break;
  }
  const chosen: T[] = [];
  perDay.forEach(({ distinct, repeats }, d) => {
    const share = shares[d]!;
    chosen.push(...evenly(distinct, Math.min(share, distinct.length), seed));
    if (share > distinct.length) chosen.push(...repeats.slice(0, share - distinct.length));
  });
  return chosen.sort((a, b) => a.start.getTime() - b.start.getTime() || byId(a.providerId, b.providerId));
}

/**
 * The local day ('YYYY-MM-DD') of an instant in ms, remembered per quarter hour: every zone's
 * offset is a whole number of quarter hours (since 1980), so a local day starts on a quarter
 * hour and all instants of one quarter hour share their day. One formatter per zone (making one
 * costs more than a search).
 */
const QUARTER_HOUR = 15 * 60_000;
const dayFormats = new Map<string, Intl.DateTimeFormat>();
function localDays(timeZone: string): (at: number) => string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  const days = new Map<number, string>();
  return (at) => {
    const quarter = Math.floor(at / QUARTER_HOUR);
    let day = days.get(quarter);
    if (day === undefined) {
      day = format.format(quarter * QUARTER_HOUR);
      days.set(quarter, day);
    }
    return day;
  };
}

/** Ids in byte order (localeCompare is slow over the thousands of slots of a week). */
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `n` items spread evenly over the list: with seed 0 its first and last included; another seed
 * moves every pick along by the same part of the spacing (a fraction of it the seed turns to).
 */
function evenly<T>(list: readonly T[], n: number, seed: number): T[] {
  if (n >= list.length) return [...list];
  const picked: T[] = [];
  if (seed === 0) {
    if (n === 1) return [list[0]!];
    for (let i = 0; i < n; i++) picked.push(list[Math.round((i * (list.length - 1)) / (n - 1))]!);
    return picked;
  }
  const step = list.length / n;
  // The golden ratio's fraction turns consecutive seeds to well-separated phases.
  const phase = (seed * 0.6180339887) % 1;
  for (let i = 0; i < n; i++) picked.push(list[Math.floor((i + phase) * step)]!);
  return picked;
}
