import type { Slot } from './availability.js';

/**
 * The availability answer `{"slots":[{"start","end","providerId","chairId"}]}` written straight
 * into one Buffer. An answer holds up to a thousand slots (170 KB); built as strings, formatting
 * the instants (Date#toISOString), joining them and encoding the text when the socket is written
 * cost more than finding the slots. Every value is ASCII (ISO instants and uuids) and needs no
 * escaping, so each slot takes a fixed number of bytes copied from small tables:
 * - an instant is its UTC day ("2026-11-25T", kept per day) and its time of day ("08:15:00.000Z",
 *   a table of the day's 1,440 minutes); one off the minute falls back to toISOString;
 * - a provider's or chair's id is encoded once per answer.
 */

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** "YYYY-MM-DDT" + "HH:MM:SS.sssZ". */
const INSTANT_BYTES = 24;
const UUID_BYTES = 36;

const OPEN = Buffer.from('{"slots":[');
const CLOSE = Buffer.from(']}');
const START = Buffer.from('{"start":"');
const END = Buffer.from('","end":"');
const PROVIDER = Buffer.from('","providerId":"');
const CHAIR = Buffer.from('","chairId":"');
const SLOT_CLOSE = Buffer.from('"}');
/** A slot's bytes, the comma before it included. */
const SLOT_BYTES =
  1 +
  START.length +
  INSTANT_BYTES +
  END.length +
  INSTANT_BYTES +
  PROVIDER.length +
  UUID_BYTES +
  CHAIR.length +
  UUID_BYTES +
  SLOT_CLOSE.length;

/** "HH:MM:00.000Z" of every minute of a day. */
const MINUTES = Buffer.from(
  Array.from(
    { length: 1440 },
    (_, m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00.000Z`,
  ).join(''),
  'latin1',
);
const TIME_BYTES = 13;

/** "YYYY-MM-DDT" of UTC days, as asked for (a search spans a few weeks; the table is capped). */
const dayPrefixes = new Map<number, Buffer>();
const MAX_DAYS_KEPT = 4096;

function dayPrefix(day: number): Buffer {
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    if (dayPrefixes.size >= MAX_DAYS_KEPT) dayPrefixes.clear();
    prefix = Buffer.from(new Date(day * DAY_MS).toISOString().slice(0, 11), 'latin1');
    dayPrefixes.set(day, prefix);
  }
  return prefix;
}

/** Years 1000–9999: the ISO form is exactly 24 bytes (others have a sign and more digits). */
const FIRST_MS = Date.UTC(1000, 0, 1);
const LAST_MS = Date.UTC(10000, 0, 1);

function writeInstant(target: Buffer, offset: number, ms: number): void {
  if (ms % MINUTE_MS === 0 && ms >= FIRST_MS && ms < LAST_MS) {
    const day = Math.floor(ms / DAY_MS);
    dayPrefix(day).copy(target, offset);
    const minute = (ms - day * DAY_MS) / MINUTE_MS;
    MINUTES.copy(target, offset + 11, minute * TIME_BYTES, (minute + 1) * TIME_BYTES);
  } else {
    const text = new Date(ms).toISOString();
    if (text.length !== INSTANT_BYTES) throw new RangeError(`instant out of range: ${text}`);
    target.write(text, offset, 'latin1');
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The JSON body of an availability answer, byte for byte what JSON.stringify would give. */
export function availabilityBody(slots: readonly Slot[]): Buffer {
  const ids = new Map<string, Buffer>();
  const idBytes = (id: string) => {
    let bytes = ids.get(id);
    if (bytes === undefined) {
      // Ids come from the database; one that is not a lower-case uuid would need escaping or change the length.
      if (!UUID.test(id)) throw new TypeError(`not a uuid: ${JSON.stringify(id)}`);
      bytes = Buffer.from(id, 'latin1');
      ids.set(id, bytes);
    }
    return bytes;
  };
  const body = Buffer.allocUnsafe(OPEN.length + slots.length * SLOT_BYTES - (slots.length > 0 ? 1 : 0) + CLOSE.length);
  let o = OPEN.copy(body, 0);
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    if (i > 0) body[o++] = 0x2c; // ,
    o += START.copy(body, o);
    writeInstant(body, o, slot.start.getTime());
    o += INSTANT_BYTES;
    o += END.copy(body, o);
    writeInstant(body, o, slot.end.getTime());
    o += INSTANT_BYTES;
    o += PROVIDER.copy(body, o);
    o += idBytes(slot.providerId).copy(body, o);
    o += CHAIR.copy(body, o);
    o += idBytes(slot.chairId).copy(body, o);
    o += SLOT_CLOSE.copy(body, o);
  }
  CLOSE.copy(body, o);
  return body;
}
