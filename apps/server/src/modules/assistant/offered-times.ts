/**
 * Which free times to offer: at most `count`, spread over the range asked for rather than the
 * first ones found. Each local day with free time gets its share (earlier days the extra ones),
 * and a day's share is spread over its hours. One start time is offered once, with the first
 * provider free then, unless the day has fewer start times than its share.
 */
export interface FreeSlot {
  start: Date;
  end: Date;
  providerId: string;
  chairId: string;
}

export function spreadTimes<T extends FreeSlot>(slots: readonly T[], opts: { count: number; timeZone: string }): T[] {
  if (slots.length === 0 || opts.count <= 0) return [];
  const sorted = [...slots].sort(
    (a, b) => a.start.getTime() - b.start.getTime() || a.providerId.localeCompare(b.providerId),
  );
  const dayOf = new Intl.DateTimeFormat('en-CA', {
    timeZone: opts.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const days = new Map<string, T[]>();
  for (const slot of sorted) {
    const day = dayOf.format(slot.start);
    const list = days.get(day) ?? [];
    list.push(slot);
    days.set(day, list);
  }
  // Distinct start times first; a second provider at the same time only fills what is left.
  const perDay = [...days.values()].map((list) => {
    const seen = new Set<number>();
    const distinct: T[] = [];
    const repeats: T[] = [];
    for (const slot of list) {
      const t = slot.start.getTime();
      (seen.has(t) ? repeats : distinct).push(slot);
      seen.add(t);
    }
    return { distinct, repeats };
  });
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
    chosen.push(...evenly(distinct, Math.min(share, distinct.length)));
    if (share > distinct.length) chosen.push(...repeats.slice(0, share - distinct.length));
  });
  return chosen.sort((a, b) => a.start.getTime() - b.start.getTime() || a.providerId.localeCompare(b.providerId));
}

/** `n` items spread evenly over the list, its first and last included. */
function evenly<T>(list: readonly T[], n: number): T[] {
  if (n >= list.length) return [...list];
  if (n === 1) return [list[0]!];
  const picked: T[] = [];
  for (let i = 0; i < n; i++) picked.push(list[Math.round((i * (list.length - 1)) / (n - 1))]!);
  return picked;
}
