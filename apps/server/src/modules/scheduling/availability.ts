/**
 * Availability: which (start, provider, chair) slots of an appointment type are free.
 * Pure: no I/O, no clock (the caller passes `now`). Instants are epoch milliseconds inside;
 * weekly hours and the slot grid are wall-clock times of the practice's zone, per local date.
 *
 * A local wall-clock interval of a date maps to the set of instants whose wall time on that
 * date falls inside it. Around a DST change that set may have a hole (a fall-back day
 * repeats an hour) or be shorter than it reads (spring-forward); a slot must fit in one
 * contiguous piece of it, and its duration is real elapsed time.
 */
import { tzOffset } from '@date-fns/tz';

export interface WeeklyInterval {
  /** ISO weekday: Monday = 1 … Sunday = 7. */
  weekday: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  /** 'HH:MM' local. */
  start: string;
  /** 'HH:MM' local, after start; '24:00' allowed. */
  end: string;
}

export interface ProviderAvailability {
  providerId: string;
  role: 'owner' | 'dentist' | 'hygienist' | 'receptionist';
  /**
   * Weekly working intervals; an interval may be tied to a chair (then only that chair), else any
   * chair. validFrom/validTo are inclusive local dates 'YYYY-MM-DD', optional.
   */
  hours: (WeeklyInterval & { chairId: string | null; validFrom?: string; validTo?: string })[];
}

/**
 * Provider only: blocks that provider. Chair only: blocks that chair. Both: blocks both.
 * Neither: blocks the whole practice. Appointments arrive already including their buffer-after.
 */
export interface BusyInterval {
  start: Date;
  end: Date;
  providerId: string | null;
  chairId: string | null;
}

export interface AvailabilityQuery {
  /** IANA zone of the practice. */
  timeZone: string;
  /** Search window: slots must start within [from, to). */
  from: Date;
  to: Date;
  now: Date;
  /** Slots start on multiples of this many minutes after local midnight (default 15). */
  slotStepMinutes?: number;
  appointmentType: {
    durationMinutes: number;
    bufferAfterMinutes: number;
    minNoticeMinutes: number;
    maxDaysAhead: number;
    allowedRoles: string[];
  };
  /** Outside them nothing is bookable. */
  openingHours: WeeklyInterval[];
  /** Local dates 'YYYY-MM-DD' closed all day. */
  closedDates: string[];
  /** Closed periods, e.g. an afternoon. */
  closures: { start: Date; end: Date }[];
  /** Active chairs, in preference order. */
  chairs: { id: string }[];
  providers: ProviderAvailability[];
  busy: BusyInterval[];
  providerId?: string;
  chairId?: string;
}

export interface Slot {
  start: Date;
  end: Date;
  providerId: string;
  chairId: string;
}

export const DEFAULT_SLOT_STEP_MINUTES = 15;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Zone offsets lie within UTC-12 … UTC+14; one more hour of margin. */
const OFFSET_MARGIN = 15 * HOUR;
/** Offsets are sampled this often; assumes a zone never changes offset twice within it. */
const OFFSET_SAMPLE = DAY;

// ---------------------------------------------------------------------------------------------
// Helpers a service reuses

/** Zones already accepted by Intl: building a formatter costs ~0.1 ms, too much per query. */
const knownTimeZones = new Set<string>();

export function isValidTimeZone(timeZone: string): boolean {
  if (knownTimeZones.has(timeZone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return false;
  }
  knownTimeZones.add(timeZone);
  return true;
}

/** The local calendar date 'YYYY-MM-DD' of an instant in a zone. */
export function localDateOf(instant: Date, timeZone: string): string {
  assertTimeZone(timeZone);
  return formatDayNumber(localDayOf(timeZone, instantMs(instant, 'instant')));
}

/**
 * The instant a local date and wall time 'HH:MM' denote, or null when that wall time does not
 * exist (skipped by a spring-forward). A wall time repeated by a fall-back gives the earlier.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date | null {
  assertTimeZone(timeZone);
  const wall = parseLocalDate(date, 'date') * DAY + parseWallMinutes(time, 'time') * MINUTE;
  const offsets = new Set([offsetAt(timeZone, wall - DAY), offsetAt(timeZone, wall + DAY)]);
  const instants = [...offsets].map((offset) => wall - offset).filter((t) => offsetAt(timeZone, t) === wall - t);
  return instants.length === 0 ? null : new Date(Math.min(...instants));
}

/**
 * Whether [start, end) lies inside one stretch of weekly intervals (minutes after local midnight)
 * on the local date of its start, read exactly as findSlots reads them: intervals that touch or
 * overlap make one stretch (08:00–10:00 and 10:00–17:00 take a 09:45–10:15 visit), and around a
 * daylight-saving change a stretch is the instants whose wall time falls in it. The booking rules
 * ask this, so that every slot findSlots offers can be booked.
 */
export function fitsOneStretch(
  start: Date,
  end: Date,
  timeZone: string,
  intervals: { weekday: number; startMinute: number; endMinute: number }[],
): boolean {
  assertTimeZone(timeZone);
  const s = instantMs(start, 'start');
  const e = instantMs(end, 'end');
  if (e < s) return false;
  const day = localDayOf(timeZone, s);
  const weekday = (((day % 7) + 10) % 7) + 1; // day 0 (1970-01-01) was a Thursday
  const wall = intervals
    .filter((h) => h.weekday === weekday && h.startMinute < h.endMinute)
    .map((h) => ({
      start: h.startMinute,
      end: h.endMinute,
      chair: ANY_CHAIR,
      validFrom: -Infinity,
      validTo: Infinity,
    }));
  if (wall.length === 0) return false;
  const pieces = offsetPieces(timeZone, day * DAY - OFFSET_MARGIN, (day + 1) * DAY + OFFSET_MARGIN);
  return wallToInstants(wall, day, pieces).some((w) => w.start <= s && e <= w.end);
}

// ---------------------------------------------------------------------------------------------
// The engine

/** Free slots, sorted by start then by provider in the order given; one per (start, provider). */
export function findSlots(q: AvailabilityQuery): Slot[] {
  const search = prepareSearch(q);
  if (search.lower >= search.upper || search.providers.length === 0 || search.anyChairs.length === 0) return [];
  const firstDay = localDayOf(q.timeZone, search.lower);
  const lastDay = localDayOf(q.timeZone, search.upper - 1);
  const pieces = offsetPieces(q.timeZone, firstDay * DAY - OFFSET_MARGIN, (lastDay + 1) * DAY + OFFSET_MARGIN);
  const slots: Slot[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    if (search.closedDays.has(day)) continue;
    const dayPieces = pieces.filter(
      (p) => p.to > day * DAY - OFFSET_MARGIN && p.from < (day + 1) * DAY + OFFSET_MARGIN,
    );
    collectSlotsOfDay(search, day, dayPieces, slots);
  }
  return slots;
}

/** The query validated, parsed to minutes and milliseconds, and indexed. */
interface Search {
  durationMs: number;
  occupancyMs: number;
  stepMs: number;
  /** Slots start in [lower, upper): window, notice and max days ahead together. */
  lower: number;
  upper: number;
  chairIds: string[];
  /** Chairs an any-chair interval may use, in preference order (after the chair filter). */
  anyChairs: number[];
  openingByWeekday: WallInterval[][];
  providers: { id: string; byWeekday: WallInterval[][] }[];
  closedDays: Set<number>;
  blocked: ReturnType<typeof blockedTimes>;
}

function prepareSearch(q: AvailabilityQuery): Search {
  const type = q.appointmentType;
  assertTimeZone(q.timeZone);
  const stepMinutes = q.slotStepMinutes ?? DEFAULT_SLOT_STEP_MINUTES;
  assertMinutes(type.durationMinutes, 'appointmentType.durationMinutes', { positive: true });
  assertMinutes(stepMinutes, 'slotStepMinutes', { positive: true });
  assertMinutes(type.bufferAfterMinutes, 'appointmentType.bufferAfterMinutes', { positive: false });
  assertMinutes(type.minNoticeMinutes, 'appointmentType.minNoticeMinutes', { positive: false });
  assertMinutes(type.maxDaysAhead, 'appointmentType.maxDaysAhead', { positive: false });
  const from = instantMs(q.from, 'from');
  const to = instantMs(q.to, 'to');
  const now = instantMs(q.now, 'now');
  if (to < from) throw new RangeError('Invalid search window: `to` is before `from`');

  const chairIndex = new Map<string, number>();
  q.chairs.forEach((chair, i) => {
    if (!chairIndex.has(chair.id)) chairIndex.set(chair.id, i);
  });
  const filterChair = q.chairId === undefined ? undefined : (chairIndex.get(q.chairId) ?? -1);
  const usableChair = (c: number | undefined): c is number =>
    c !== undefined && c >= 0 && (filterChair === undefined || c === filterChair);
  const chairOf = (h: { chairId: string | null }) => {
    if (h.chairId === null) return ANY_CHAIR;
    const c = chairIndex.get(h.chairId);
    return usableChair(c) ? c : UNUSABLE_CHAIR;
  };
  // Every provider's hours are validated, also those the role or provider filter leaves out.
  const providers = q.providers
    .map((p) => ({
      id: p.providerId,
      role: p.role,
      byWeekday: weeklyMinutes<ProviderAvailability['hours'][number]>(
        p.hours,
        `hours of provider ${p.providerId}`,
        chairOf,
      ),
    }))
    .filter((p) => type.allowedRoles.includes(p.role) && (q.providerId === undefined || p.id === q.providerId));

  const durationMs = type.durationMinutes * MINUTE;
  const occupancyMs = durationMs + type.bufferAfterMinutes * MINUTE;
  const lower = Math.max(from, now + type.minNoticeMinutes * MINUTE);
  const upper = Math.min(to, now + type.maxDaysAhead * DAY);
  return {
    durationMs,
    occupancyMs,
    stepMs: stepMinutes * MINUTE,
    lower,
    upper,
    chairIds: q.chairs.map((chair) => chair.id),
    anyChairs: q.chairs.map((_, c) => c).filter((c) => chairIndex.get(q.chairs[c]!.id) === c && usableChair(c)),
    openingByWeekday: weeklyMinutes(q.openingHours, 'openingHours', () => ANY_CHAIR),
    providers,
    closedDays: new Set(q.closedDates.map((d) => parseLocalDate(d, 'closedDates'))),
    blocked: blockedTimes(
      q,
      lower,
      upper + occupancyMs,
      providers.map((p) => p.id),
      chairIndex,
    ),
  };
}

/** Appends the slots starting on local `day` (days since 1970-01-01), in order. */
function collectSlotsOfDay(search: Search, day: number, pieces: OffsetPiece[], slots: Slot[]): void {
  const { durationMs, occupancyMs, stepMs, providers, blocked } = search;
  const weekday = (((day % 7) + 10) % 7) + 1; // day 0 (1970-01-01) was a Thursday
  const opening = wallToInstants(search.openingByWeekday[weekday]!, day, pieces);
  if (opening.length === 0) return;
  const windows = providers.map((p) => wallToInstants(validOn(p.byWeekday[weekday]!, day), day, pieces));
  if (windows.every((w) => w.length === 0)) return;
  const tiedChairs = new Array<number>(search.chairIds.length);

  for (const chunk of opening) {
    for (const piece of pieces) {
      // Candidates: local midnight + k·step, read with this piece's offset, inside the chunk and
      // the bounds. A wall time in a spring-forward gap lies in no piece; one repeated by a
      // fall-back lies in two.
      const lo = Math.max(chunk.start, piece.from, search.lower);
      const hi = Math.min(chunk.end - durationMs, piece.to - 1, search.upper - 1);
      if (lo > hi) continue;
      const base = day * DAY - piece.offset;
      const kFirst = Math.max(0, Math.ceil((lo - base) / stepMs));
      const kLast = Math.min(Math.floor((hi - base) / stepMs), Math.ceil(DAY / stepMs) - 1);
      for (let k = kFirst; k <= kLast; k++) {
        const start = base + k * stepMs;
        const end = start + durationMs;
        const occupiedUntil = start + occupancyMs;
        if (!blocked.practice.isFree(start, occupiedUntil)) continue;
        for (let p = 0; p < providers.length; p++) {
          const providerWindows = windows[p]!;
          let anyChair = false;
          let tiedCount = 0;
          for (let i = 0; i < providerWindows.length; i++) {
            const w = providerWindows[i]!;
            if (w.start > start || w.end < end) continue;
            if (w.chair === ANY_CHAIR) anyChair = true;
            else tiedChairs[tiedCount++] = w.chair;
          }
          if (!anyChair && tiedCount === 0) continue;
          if (!blocked.providers[p]!.isFree(start, occupiedUntil)) continue;
          const chair = firstFreeChair(
            tiedChairs,
            tiedCount,
            anyChair ? search.anyChairs : [],
            blocked.chairs,
            start,
            occupiedUntil,
          );
          if (chair === undefined) continue;
          slots.push({
            start: new Date(start),
            end: new Date(end),
            providerId: providers[p]!.id,
            chairId: search.chairIds[chair]!,
          });
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Busy time: merged, sorted intervals, read by a cursor that only moves forward in time

class BlockedTimeline {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private cursor = 0;

  constructor(intervals: [number, number][]) {
    intervals.sort((a, b) => a[0] - b[0]);
    for (const [start, end] of intervals) {
      const last = this.ends.length - 1;
      if (last >= 0 && start <= this.ends[last]!) this.ends[last] = Math.max(this.ends[last]!, end);
      else {
        this.starts.push(start);
        this.ends.push(end);
      }
    }
  }

  /** Whether [start, end) is free. Calls must come with non-decreasing `start`. */
  isFree(start: number, end: number): boolean {
    while (this.cursor < this.ends.length && this.ends[this.cursor]! <= start) this.cursor++;
    return this.cursor === this.starts.length || this.starts[this.cursor]! >= end;
  }
}

function blockedTimes(
  q: AvailabilityQuery,
  from: number,
  to: number,
  providerIds: string[],
  chairIndex: Map<string, number>,
) {
  const practice: [number, number][] = [];
  const byProvider = providerIds.map((): [number, number][] => []);
  const byChair = q.chairs.map((): [number, number][] => []);
  const providerIndex = new Map(providerIds.map((id, i) => [id, i]));
  for (let i = 0; i < q.closures.length; i++) {
    const closure = q.closures[i]!;
    const start = intervalStart(closure, 'closures', i);
    const end = closure.end.getTime();
    if (end > from && start < to && end > start) practice.push([start, end]);
  }
  for (let i = 0; i < q.busy.length; i++) {
    const busy = q.busy[i]!;
    const start = intervalStart(busy, 'busy', i);
    const end = busy.end.getTime();
    if (end <= from || start >= to || end === start) continue;
    if (busy.providerId === null && busy.chairId === null) practice.push([start, end]);
    if (busy.providerId !== null) byProvider[providerIndex.get(busy.providerId) ?? -1]?.push([start, end]);
    if (busy.chairId !== null) byChair[chairIndex.get(busy.chairId) ?? -1]?.push([start, end]);
  }
  return {
    practice: new BlockedTimeline(practice),
    providers: byProvider.map((list) => new BlockedTimeline(list)),
    chairs: byChair.map((list) => new BlockedTimeline(list)),
  };
}

/** The first free chair among `tied[0..tiedCount)` (lowest preference index first), else among `any`. */
function firstFreeChair(
  tied: number[],
  tiedCount: number,
  any: number[],
  chairs: BlockedTimeline[],
  start: number,
  end: number,
): number | undefined {
  let best = Infinity;
  for (let i = 0; i < tiedCount; i++) {
    const c = tied[i]!;
    if (c < best && chairs[c]!.isFree(start, end)) best = c;
  }
  if (best !== Infinity) return best;
  for (let i = 0; i < any.length; i++) if (chairs[any[i]!]!.isFree(start, end)) return any[i];
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Weekly hours as minutes after local midnight

const ANY_CHAIR = -1;
const UNUSABLE_CHAIR = -2;

interface WallInterval {
  start: number;
  end: number;
  chair: number;
  validFrom: number;
  validTo: number;
}

function weeklyMinutes<T extends WeeklyInterval & { validFrom?: string; validTo?: string }>(
  intervals: T[],
  label: string,
  chairOf: (interval: T) => number,
): WallInterval[][] {
  const byWeekday: WallInterval[][] = [[], [], [], [], [], [], [], []];
  intervals.forEach((h, i) => {
    const where = `${label}[${i}]`;
    if (!Number.isInteger(h.weekday) || h.weekday < 1 || h.weekday > 7)
      throw new RangeError(`Invalid weekday in ${where}: ${String(h.weekday)} (expected 1 = Monday … 7 = Sunday)`);
    const start = parseWallMinutes(h.start, `${where}.start`);
    const end = parseWallMinutes(h.end, `${where}.end`);
    if (end <= start) throw new RangeError(`Invalid interval ${where}: end ${h.end} is not after start ${h.start}`);
    const validFrom = h.validFrom === undefined ? -Infinity : parseLocalDate(h.validFrom, `${where}.validFrom`);
    const validTo = h.validTo === undefined ? Infinity : parseLocalDate(h.validTo, `${where}.validTo`);
    const chair = chairOf(h);
    if (chair !== UNUSABLE_CHAIR) byWeekday[h.weekday]!.push({ start, end, chair, validFrom, validTo });
  });
  return byWeekday;
}

function validOn(intervals: WallInterval[], day: number): WallInterval[] {
  return intervals.filter((h) => h.validFrom <= day && day <= h.validTo);
}

// ---------------------------------------------------------------------------------------------
// Wall clock ↔ instants

/** A stretch of time [from, to) over which the zone keeps one offset (ms). */
interface OffsetPiece {
  from: number;
  to: number;
  offset: number;
}

interface Window {
  start: number;
  end: number;
  chair: number;
}

/**
 * The instants of `day` whose wall time lies in the intervals, as sorted contiguous windows,
 * one list per chair binding merged separately (a slot must fit in one window).
 */
function wallToInstants(intervals: WallInterval[], day: number, pieces: OffsetPiece[]): Window[] {
  const windows: Window[] = [];
  const midnight = day * DAY;
  for (const h of intervals) {
    for (const piece of pieces) {
      const start = Math.max(midnight + h.start * MINUTE - piece.offset, piece.from);
      const end = Math.min(midnight + h.end * MINUTE - piece.offset, piece.to);
      if (start < end) windows.push({ start, end, chair: h.chair });
    }
  }
  windows.sort((a, b) => a.chair - b.chair || a.start - b.start);
  const merged: Window[] = [];
  for (const w of windows) {
    const last = merged[merged.length - 1];
    if (last && last.chair === w.chair && w.start <= last.end) last.end = Math.max(last.end, w.end);
    else merged.push({ ...w });
  }
  return merged.sort((a, b) => a.start - b.start);
}

/** The zone's offsets over [from, to], found by sampling and bisecting each change to the ms. */
function offsetPieces(timeZone: string, from: number, to: number): OffsetPiece[] {
  const pieces: OffsetPiece[] = [];
  let pieceStart = -Infinity;
  let before = from;
  let offset = offsetAt(timeZone, before);
  while (before < to) {
    const after = Math.min(before + OFFSET_SAMPLE, to);
    const next = offsetAt(timeZone, after);
    if (next !== offset) {
      let lo = before; // offset at lo is `offset`, at hi is not
      let hi = after;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(timeZone, mid) === offset) lo = mid;
        else hi = mid;
      }
      pieces.push({ from: pieceStart, to: hi, offset });
      pieceStart = hi;
      offset = next;
    }
    before = after;
  }
  pieces.push({ from: pieceStart, to: Infinity, offset });
  return pieces;
}

/** The local date of instant `t`, as days since 1970-01-01. */
function localDayOf(timeZone: string, t: number): number {
  return Math.floor((t + offsetAt(timeZone, t)) / DAY);
}

function offsetAt(timeZone: string, t: number): number {
  return Math.round(tzOffset(timeZone, new Date(t)) * MINUTE);
}

// ---------------------------------------------------------------------------------------------
// Validation and parsing

function assertTimeZone(timeZone: string): void {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`Unknown time zone: ${JSON.stringify(timeZone)}`);
}

/** A whole number of minutes (or days): positive, or at least zero. */
function assertMinutes(value: number, name: string, { positive }: { positive: boolean }): void {
  if (!Number.isSafeInteger(value) || (positive ? value <= 0 : value < 0)) {
    throw new RangeError(
      `Invalid ${name}: ${String(value)} (expected a ${positive ? 'positive' : 'non-negative'} whole number)`,
    );
  }
}

function instantMs(value: Date, name: string): number {
  const t = value instanceof Date ? value.getTime() : NaN;
  if (!Number.isFinite(t)) throw new RangeError(`Invalid ${name}: not a valid Date`);
  return t;
}

/** The start of `list[index]` in ms, after checking both ends are valid and in order. */
function intervalStart(value: { start: Date; end: Date }, list: string, index: number): number {
  const start = value.start instanceof Date ? value.start.getTime() : NaN;
  const end = value.end instanceof Date ? value.end.getTime() : NaN;
  if (!Number.isFinite(start) || !Number.isFinite(end))
    throw new RangeError(`Invalid ${list}[${index}]: start and end must be valid Dates`);
  if (end < start) throw new RangeError(`Invalid ${list}[${index}]: end is before start`);
  return start;
}

const WALL_TIME = /^(\d{2}):(\d{2})$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'HH:MM' → minutes after midnight; '24:00' is the end of the day. */
function parseWallMinutes(value: string, name: string): number {
  const match = WALL_TIME.exec(value);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || hours > 24 || minutes > 59 || (hours === 24 && minutes !== 0)) {
    throw new RangeError(`Invalid ${name}: ${JSON.stringify(value)} (expected 'HH:MM' between 00:00 and 24:00)`);
  }
  return hours * 60 + minutes;
}

/** 'YYYY-MM-DD' → days since 1970-01-01. */
function parseLocalDate(value: string, name: string): number {
  const match = LOCAL_DATE.exec(value);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || formatDayNumber(ms / DAY) !== value)
    throw new RangeError(`Invalid ${name}: ${JSON.stringify(value)} (expected a date 'YYYY-MM-DD')`);
  return ms / DAY;
}

function formatDayNumber(day: number): string {
  return Number.isFinite(day) ? new Date(day * DAY).toISOString().slice(0, 10) : '';
}
