import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/connection.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { inPractice } from '../../platform/tenancy.js';
import {
  type AvailabilityQuery,
  type BusyInterval,
  type ProviderAvailability,
  type Slot,
  type WeeklyInterval,
  findSlots,
} from './availability.js';
import { minutesToWallTime } from './weekly-hours.js';

const MAX_WINDOW_DAYS = 31;
const DAY_MS = 86_400_000;
/** Busy time is kept in stretches of a week (UTC, from the epoch), loaded when first asked for. */
const CHUNK_MS = 7 * DAY_MS;
/** Practices whose calendars one process keeps; the least recently searched goes first. */
const MAX_PRACTICES = 200;

export interface AvailabilityRequest {
  appointmentTypeId: string;
  from: Date;
  to: Date;
  providerId?: string;
  chairId?: string;
  /** Patients booking themselves see only types bookable on WhatsApp. */
  forPatient?: boolean;
  /**
   * The appointment being moved: its own time does not stand in its way (its provider and chair
   * are free then). Another practice's, a cancelled one's or a hold's id changes nothing.
   */
  movingAppointmentId?: string;
}

/**
 * Free slots: the practice's calendar (from memory when it is current, see CalendarCache) →
 * the pure engine. Expired holds are not busy; cancelled appointments and no-shows free their slot.
 * `calendarRevision`: the practice's revision when the caller has just read it (the HTTP layer
 * reads it with the session); otherwise it is read here.
 */
export async function findAvailability(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; request: AvailabilityRequest; now?: Date; calendarRevision?: string },
): Promise<Slot[]> {
  requirePermission(input.actor, 'calendar:read');
  const { request } = input;
  if (request.to <= request.from) throw new AppError('invalid_period', { detail: '`to` must be after `from`' });
  if (request.to.getTime() - request.from.getTime() > MAX_WINDOW_DAYS * DAY_MS)
    throw new AppError('invalid_period', { detail: `Ask for at most ${MAX_WINDOW_DAYS} days at a time` });
  return findSlots(
    await availabilityQuery(ctx, input.practiceId, request, input.now ?? new Date(), input.calendarRevision),
  );
}

/** What the engine is given for one request; exported for the benchmark, which times the engine alone. */
export async function availabilityQuery(
  ctx: AppContext,
  practiceId: string,
  request: AvailabilityRequest,
  now: Date,
  calendarRevision?: string,
): Promise<AvailabilityQuery> {
  // Busy time reaches a day beyond the window: an appointment starting just before `from` counts.
  const calendar = await cacheOf(ctx.db).calendar(
    practiceId,
    request.from.getTime() - DAY_MS,
    request.to.getTime() + DAY_MS,
    calendarRevision,
  );
  return calendar.query(request, now);
}

// ---------------------------------------------------------------------------------------------
// The calendar, kept per practice and revision

/**
 * What one practice's calendar was at one revision (calendar_revisions: moved on, in the writing
 * transaction, by every change to what availability reads). Settings come whole; busy time in
 * week-long chunks loaded on demand. A search first reads the revision (one indexed row, no
 * transaction), or is told it by the caller; while it is unchanged nothing else is read.
 */
class CalendarCache {
  private readonly practices = new Map<string, Calendar>();
  /** Reads from the database: of calendars, and of the revision alone (when the caller did not know it). */
  readonly reads = { calendars: 0, revisions: 0 };

  constructor(private readonly db: Db) {}

  async calendar(practiceId: string, from: number, to: number, knownRevision?: string): Promise<Calendar> {
    let revision = knownRevision;
    if (revision === undefined) {
      revision = await currentRevision(this.db, practiceId);
      this.reads.revisions++;
    }
    let calendar = this.practices.get(practiceId);
    // Any other revision, older ones included (one read before the kept calendar was loaded), means
    // reading the calendar again: the load sees the newest, and revisions are not ordered by commit.
    if (calendar?.revision !== revision) calendar = undefined;
    const first = Math.floor(from / CHUNK_MS);
    const last = Math.floor((to - 1) / CHUNK_MS);
    const missing = calendar ? calendar.missingChunks(first, last) : { first, last };
    if (missing) {
      const loaded = await loadCalendar(this.db, practiceId, missing.first * CHUNK_MS, (missing.last + 1) * CHUNK_MS);
      this.reads.calendars++;
      // Loaded at the revision the read saw, which may already be newer than the one just read.
      if (calendar?.revision !== loaded.revision) calendar = new Calendar(loaded);
      calendar.addChunks(missing.first, missing.last, loaded);
    }
    this.practices.delete(practiceId); // re-inserted last: the Map's order is least recently used first
    this.practices.set(practiceId, calendar!);
    if (this.practices.size > MAX_PRACTICES) this.practices.delete(this.practices.keys().next().value!);
    return calendar!;
  }
}

/** How often this process has read calendars, and revisions alone, from the database. */
export function calendarReads(ctx: AppContext): { calendars: number; revisions: number } {
  return { ...cacheOf(ctx.db).reads };
}

const caches = new WeakMap<Db, CalendarCache>();
function cacheOf(db: Db): CalendarCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new CalendarCache(db);
    caches.set(db, cache);
  }
  return cache;
}

/**
 * The practice's calendar revision. Read by the owning connection outside any practice-bound
 * transaction: it is one number per practice, not practice data, and the caller is a member.
 */
async function currentRevision(db: Db, practiceId: string): Promise<string> {
  const row = await db
    .selectFrom('calendarRevisions')
    .select('revision')
    .where('practiceId', '=', practiceId)
    .executeTakeFirst();
  // bigint: a string from node-postgres, unless a type parser made it a number; compared as text.
  return String(row?.revision ?? 0);
}

/**
 * Busy time as the engine takes it, built once and shared by every search; holds keep their
 * expiry, appointments their id (a move's search leaves its own out).
 */
interface Busy extends BusyInterval {
  startMs: number;
  endMs: number;
  holdExpiresAt: number | null;
  appointmentId: string | null;
}
interface Chunk {
  busy: Busy[];
  closures: { start: Date; end: Date }[];
  holidays: string[];
}

interface LoadedCalendar {
  revision: string;
  practice: [timeZone: string, slotStepMinutes: number];
  types: [
    id: string,
    active: boolean,
    whatsappBookable: boolean,
    durationMinutes: number,
    bufferAfterMinutes: number,
    minNoticeMinutes: number,
    maxDaysAhead: number,
    allowedRoles: string[],
  ][];
  opening: [weekday: number, startMinute: number, endMinute: number][];
  chairs: string[];
  providers: [userId: string, role: string][];
  hours: [
    providerId: string,
    weekday: number,
    startMinute: number,
    endMinute: number,
    chairId: string | null,
    validFrom: string | null,
    validTo: string | null,
  ][];
  holidays: string[];
  closures: [start: number, end: number][];
  blocks: [providerId: string | null, chairId: string | null, start: number, end: number][];
  appointments: [
    providerId: string,
    chairId: string,
    overbooked: boolean,
    start: number,
    end: number,
    holdExpiresAt: number | null,
    /** Null for holds, which are never moved. */
    appointmentId: string | null,
  ][];
}

/** Settings and busy time over [from, to), with their revision, in one round trip (availability_calendar). */
async function loadCalendar(db: Db, practiceId: string, from: number, to: number): Promise<LoadedCalendar> {
  const { rows } = await inPractice(db, practiceId, (tx) =>
    sql<{
      calendar: LoadedCalendar;
    }>`SELECT availability_calendar(${practiceId}, ${new Date(from)}, ${new Date(to)}) AS calendar`.execute(tx),
  );
  const calendar = rows[0]!.calendar;
  calendar.revision = String(calendar.revision);
  return calendar;
}

const toWeekly = (weekday: number, startMinute: number, endMinute: number) => ({
  weekday: weekday as WeeklyInterval['weekday'],
  start: minutesToWallTime(startMinute),
  end: minutesToWallTime(endMinute),
});

class Calendar {
  readonly revision: string;
  private readonly timeZone: string;
  private readonly slotStepMinutes: number;
  private readonly types: Map<string, LoadedCalendar['types'][number]>;
  private readonly openingHours: WeeklyInterval[];
  private readonly chairs: { id: string }[];
  private readonly providers: ProviderAvailability[];
  private readonly chunks = new Map<number, Chunk>();

  constructor(loaded: LoadedCalendar) {
    this.revision = loaded.revision;
    [this.timeZone, this.slotStepMinutes] = loaded.practice;
    this.types = new Map(loaded.types.map((t) => [t[0], t]));
    this.openingHours = loaded.opening.map(([weekday, start, end]) => toWeekly(weekday, start, end));
    this.chairs = loaded.chairs.map((id) => ({ id }));
    this.providers = loaded.providers.map(([userId, role]) => ({
      providerId: userId,
      role: role as ProviderAvailability['role'],
      hours: loaded.hours
        .filter((h) => h[0] === userId)
        .map(([, weekday, start, end, chairId, validFrom, validTo]) => ({
          ...toWeekly(weekday, start, end),
          chairId,
          validFrom: validFrom ?? undefined,
          validTo: validTo ?? undefined,
        })),
    }));
  }

  /** The smallest run of chunks first…last that covers those not loaded yet, or null. */
  missingChunks(first: number, last: number): { first: number; last: number } | null {
    let lo = first;
    let hi = last;
    while (lo <= hi && this.chunks.has(lo)) lo++;
    while (hi >= lo && this.chunks.has(hi)) hi--;
    return lo > hi ? null : { first: lo, last: hi };
  }

  /** Spreads what was loaded for chunks first…last over them: each item goes to every chunk it overlaps. */
  addChunks(first: number, last: number, loaded: LoadedCalendar): void {
    const chunks = new Map<number, Chunk>();
    for (let c = first; c <= last; c++) chunks.set(c, { busy: [], closures: [], holidays: [] });
    const spread = (start: number, end: number, add: (chunk: Chunk) => void) => {
      const a = Math.max(first, Math.floor(start / CHUNK_MS));
      const b = Math.min(last, Math.floor(Math.max(start, end - 1) / CHUNK_MS));
      for (let c = a; c <= b; c++) add(chunks.get(c)!);
    };
    for (const [providerId, chairId, overbooked, start, end, holdExpiresAt, appointmentId] of loaded.appointments) {
      // An overbooked appointment still takes its chair, but not its provider.
      const busy = {
        start: new Date(start),
        end: new Date(end),
        startMs: start,
        endMs: end,
        providerId: overbooked ? null : providerId,
        chairId,
        holdExpiresAt,
        appointmentId,
      };
      spread(start, end, (chunk) => chunk.busy.push(busy));
    }
    for (const [providerId, chairId, start, end] of loaded.blocks) {
      const busy = {
        start: new Date(start),
        end: new Date(end),
        startMs: start,
        endMs: end,
        providerId,
        chairId,
        holdExpiresAt: null,
        appointmentId: null,
      };
      spread(start, end, (chunk) => chunk.busy.push(busy));
    }
    for (const [start, end] of loaded.closures) {
      const closure = { start: new Date(start), end: new Date(end) };
      spread(start, end, (chunk) => chunk.closures.push(closure));
    }
    // Holidays are local dates: each chunk keeps the dates from a day before it to a day after.
    for (const date of loaded.holidays) {
      const day = Date.parse(`${date}T00:00:00Z`);
      spread(day - DAY_MS, day + 2 * DAY_MS, (chunk) => chunk.holidays.push(date));
    }
    for (const [c, chunk] of chunks) this.chunks.set(c, chunk);
  }

  /** The engine's input for one request; holds lapsed by `now` and the appointment being moved are left out. */
  query(request: AvailabilityRequest, now: Date): AvailabilityQuery {
    const type = this.types.get(request.appointmentTypeId);
    if (!type?.[1] || (request.forPatient && !type[2])) throw new AppError('appointment_type_not_found');
    const [, , , durationMinutes, bufferAfterMinutes, minNoticeMinutes, maxDaysAhead, allowedRoles] = type;
    const from = request.from.getTime() - DAY_MS;
    const to = request.to.getTime() + DAY_MS;
    const nowMs = now.getTime();
    const moving = request.movingAppointmentId;
    const busy: BusyInterval[] = [];
    const closures: { start: Date; end: Date }[] = [];
    const closedDates = new Set<string>();
    for (let c = Math.floor(from / CHUNK_MS); c <= Math.floor((to - 1) / CHUNK_MS); c++) {
      const chunk = this.chunks.get(c)!;
      // An item spanning chunks is listed in each: the engine merges overlapping busy time.
      for (const b of chunk.busy) {
        if (b.endMs <= from || b.startMs >= to || (b.holdExpiresAt !== null && b.holdExpiresAt <= nowMs)) continue;
        if (moving !== undefined && b.appointmentId === moving) continue;
        busy.push(b);
      }
      closures.push(...chunk.closures);
      for (const date of chunk.holidays) closedDates.add(date);
    }
    return {
      timeZone: this.timeZone,
      from: request.from,
      to: request.to,
      now,
      slotStepMinutes: this.slotStepMinutes as AvailabilityQuery['slotStepMinutes'],
      appointmentType: {
        durationMinutes,
        bufferAfterMinutes,
        // Staff may book at short notice; the notice and horizon are for patients booking themselves.
        minNoticeMinutes: request.forPatient ? minNoticeMinutes : 0,
        maxDaysAhead: request.forPatient ? maxDaysAhead : 730,
        allowedRoles: allowedRoles as AvailabilityQuery['appointmentType']['allowedRoles'],
      },
      openingHours: this.openingHours,
      closedDates: [...closedDates],
      closures,
      chairs: this.chairs,
      providers: this.providers,
      busy,
      providerId: request.providerId,
      chairId: request.chairId,
    };
  }
}
