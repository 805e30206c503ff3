import { ERROR_CODES, FIELD_ERROR_CODES } from '@dentalpro/contracts';
import type { LightMyRequestResponse } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundWebhook } from '../src/modules/messaging/fake-graph.js';
import { SANDBOX_GRAPH_PREFIX } from '../src/modules/messaging/sandbox.js';
import { signWebhook } from '../src/modules/messaging/signature.js';
import { Client, TEST_ORIGIN, TEST_PASSWORD, type TestApp, createTestApp, loggedIn } from './harness.js';
import { makeSchedulingPractice, mu, nextMonday } from './scheduling-fixtures.js';
import { connectChannel, workers } from './whatsapp-fixtures.js';
import { WABA_ID, conversationOf, newWaId, patientWrites } from './whatsapp-helpers.js';

/**
 * Bad input at every write route, as an attacker or a buggy client would send it. The routes
 * come from the app's own OpenAPI document, so a new route is covered without anyone adding it
 * here. Path parameters are real ids of the logged-in owner's practice (and now and then another
 * practice's); bodies are generated with fast-check from a fixed seed: wrong types, missing and
 * unknown fields, 1 MB strings, NUL and lone surrogates, nested objects, overflowing numbers,
 * invalid and extreme dates, and bodies of the route's own shape (from its JSON schema) with one
 * field spoilt, so that they get past the first check; then every field of a complete, coherent
 * body is spoilt in turn. Whatever comes, nothing may answer 5xx, and every refusal is
 * problem+json with a known code. It prints how many requests it sent.
 *
 * The seed is fixed, so a failure reproduces; BAD_INPUT_SEED=n tries another run, and
 * BAD_INPUT_RUNS=n sends n generated bodies per route (45 by default).
 * The webhook is given correctly signed bodies (see below); the sandbox's stand-in for Meta's
 * Graph API is left out (it answers in Meta's shapes, not ours).
 */
const SEED = Number(process.env.BAD_INPUT_SEED ?? 20261125);
const RUNS = Number(process.env.BAD_INPUT_RUNS ?? 45);
/** Routes that end the session or take a password hash per request get fewer bodies. */
const SLOW_RUNS = Math.ceil(RUNS / 4);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json } | Raw;
/** A JSON token JSON.stringify cannot write (1e309, a 30-digit integer): spliced into the text. */
class Raw {
  constructor(readonly text: string) {}
}
type Body = { json: Json } | { text: string | Buffer; contentType?: string } | { none: true };

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: Json[];
  const?: Json;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  $ref?: string;
}

interface WriteRoute {
  method: string;
  /** OpenAPI path, e.g. /api/v1/practices/{practiceId}/chairs. */
  path: string;
  body: JsonSchema | undefined;
}

/** Real ids of one practice, by the names routes give their path parameters. */
type Fixture = Record<string, string>;

let t: TestApp;
let owner: Client;
let ownerLogin: { email: string; password: string };
let mine: Fixture;
let theirs: Fixture;
/** Real ids a body may name, by field name; any real id for other uuid fields. */
let idPool: Record<string, string[]>;
let openapi: { paths: Record<string, Record<string, OperationObject>>; components?: { schemas?: object } };
interface OperationObject {
  requestBody?: { content?: Record<string, { schema: JsonSchema }> };
}

async function furnish(
  practice: Awaited<ReturnType<typeof makeSchedulingPractice>>,
  client: Client,
  phoneNumberId: string,
) {
  const base = `/api/v1/practices/${practice.practiceId}`;
  const ok = async (res: LightMyRequestResponse | Promise<LightMyRequestResponse>) => {
    const r = await res;
    expect(r.statusCode, r.body).toBeLessThan(300);
    return r.json();
  };
  const monday = nextMonday();
  const patientId = practice.patients[0]!.id;
  const record = `${base}/patients/${patientId}`;
  const closure = await ok(
    client.post(`${base}/closures`, { start: mu('2027-12-24', '00:00'), end: mu('2027-12-27', '00:00') }),
  );
  const holiday = await ok(client.post(`${base}/holidays`, { date: '2027-07-07', nameEn: 'Feast', nameFr: 'Fête' }));
  const block = await ok(
    client.post(`${base}/blocks`, {
      start: mu(monday, '12:00').toISOString(),
      end: mu(monday, '13:00').toISOString(),
      kind: 'lunch',
    }),
  );
  const slot = { appointmentTypeId: practice.checkup, providerId: practice.dentistId, chairId: practice.chair1 };
  const appointment = await ok(
    client.post(`${base}/appointments`, { ...slot, patientId, start: mu(monday, '09:00').toISOString() }),
  );
  const hold = await ok(client.post(`${base}/holds`, { ...slot, start: mu(monday, '10:00').toISOString() }));
  const entry = await ok(client.post(`${base}/waitlist`, { patientId, appointmentTypeId: practice.checkup }));
  const recall = await ok(client.post(`${base}/recalls`, { patientId, dueDate: monday }));
  const finding = await ok(client.post(`${record}/chart/findings`, { tooth: 16, kind: 'caries', surfaces: 'O' }));
  const procedure = await ok(
    client.post(`${base}/price-list`, { code: 'EXAM1', nameEn: 'Exam', nameFr: 'Examen', feeMinor: 80000 }),
  );
  const plan = await ok(client.post(`${record}/treatment-plans`, { title: 'Plan' }));
  const withItem = await ok(
    client.post(`${record}/treatment-plans/${plan.id}/items`, { procedureId: procedure.id, tooth: 16 }),
  );
  const item = withItem.items[0];
  const note = await ok(client.post(`${record}/notes`, { body: 'Seen today.' }));
  const invitation = await ok(
    client.post(`${base}/invitations`, { email: `new-${phoneNumberId}@example.mu`, role: 'dentist' }),
  );
  const breach = await ok(
    client.post(`${base}/privacy/breaches`, {
      discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
      description: 'A list was sent to the wrong address',
      dataCategories: ['contact_details'],
      peopleAffected: 3,
      likelyConsequences: 'Names read by a stranger',
      measuresTaken: 'Asked the recipient to delete it',
    }),
  );
  const privacyRequest = await ok(
    client.post(`${base}/privacy/requests`, { patientId, type: 'access', source: 'staff', note: '' }),
  );
  const practiceExport = await ok(client.post(`${base}/privacy/practice-exports`, { password: TEST_PASSWORD }));
  // A morning closed for a power cut (a Monday far ahead), with one appointment on its list.
  const closureDay = '2027-11-15';
  await ok(client.post(`${base}/appointments`, { ...slot, patientId, start: mu(closureDay, '09:00').toISOString() }));
  const announcement = await ok(
    client.post(`${base}/closure-announcements`, {
      start: mu(closureDay, '08:00').toISOString(),
      end: mu(closureDay, '12:00').toISOString(),
      reason: 'power_cut',
    }),
  );
  expect(announcement.items).toHaveLength(1);
  const channel = await connectChannel(t.ctx, practice.practiceId, phoneNumberId);
  const waId = newWaId();
  await patientWrites(t, { phoneNumberId, from: waId });
  await workers(t).processWebhooks();
  const conversation = await conversationOf(t, channel.id, waId);
  return {
    practiceId: practice.practiceId,
    patientId,
    chairId: practice.chair1,
    userId: practice.dentistId,
    typeId: practice.checkup,
    closureId: closure.id,
    announcementId: announcement.id,
    announcementItemId: announcement.items[0].itemId,
    holidayId: holiday.id,
    blockId: block.id,
    appointmentId: appointment.id,
    holdId: hold.id,
    breachId: breach.id,
    requestId: privacyRequest.id,
    exportId: practiceExport.id,
    entryId: entry.id,
    recallId: recall.id,
    findingId: finding.id,
    procedureId: procedure.id,
    planId: plan.id,
    itemId: item.id,
    noteId: note.id,
    conversationId: conversation!.id,
    token: new URL(invitation.acceptUrl).pathname.split('/').pop()!,
    // For bodies: the practice's other patients, types and members.
    otherPatientId: practice.patients[1]!.id,
    cleaningTypeId: practice.cleaning,
    hygienistId: practice.hygienist.id,
    chair2Id: practice.chair2,
  } satisfies Fixture;
}

beforeAll(async () => {
  t = await createTestApp();
  // The sandbox plays Meta's Graph API on the server's own address, as it does when running.
  t.ctx.graph.url = `${await t.app.listen({ port: 0, host: '127.0.0.1' })}${SANDBOX_GRAPH_PREFIX}`;
  const a = await makeSchedulingPractice(t.ctx);
  const b = await makeSchedulingPractice(t.ctx);
  ownerLogin = a.owner;
  owner = await loggedIn(t.app, a.owner);
  mine = await furnish(a, owner, '100000000000101');
  theirs = await furnish(b, await loggedIn(t.app, b.owner), '100000000000202');
  const both = (...keys: string[]) => keys.flatMap((k) => [mine[k]!, mine[k]!, mine[k]!, theirs[k]!]);
  idPool = {
    patientId: both('patientId', 'otherPatientId'),
    intoPatientId: both('otherPatientId', 'patientId'),
    guardianPatientId: both('otherPatientId'),
    appointmentTypeId: both('typeId', 'cleaningTypeId'),
    providerId: both('userId', 'hygienistId'),
    userId: both('userId', 'hygienistId'),
    assignedUserId: both('userId', 'hygienistId'),
    chairId: both('chairId', 'chair2Id'),
    procedureId: both('procedureId'),
    appointmentId: both('appointmentId'),
  };
  openapi = t.app.swagger() as typeof openapi;
}, 180_000);
afterAll(() => t?.close());

// ---------------------------------------------------------------------------------------------
// Bodies from a route's JSON schema

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Dates people would send for the field: births decades back, clinical history lately, the calendar ahead. */
const daysFromToday = (min: number, max: number) =>
  fc.integer({ min, max }).map((d) => isoDay(Date.now() + d * DAY_MS));
function plausibleDay(field: string) {
  if (/birth/i.test(field)) return daysFromToday(-30_000, -1);
  if (/observed|visit|asOf/i.test(field)) return daysFromToday(-365, 0);
  return daysFromToday(-3, 120);
}
function plausibleInstant(field: string) {
  return fc
    .tuple(plausibleDay(field), fc.integer({ min: 7, max: 18 }), fc.constantFrom('00', '15', '30', '45'))
    .map(([day, h, m]) => `${day}T${String(h).padStart(2, '0')}:${m}:00+04:00`);
}

function resolve(schema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split('/').pop()!;
  const target = (openapi.components?.schemas as Record<string, JsonSchema> | undefined)?.[name];
  return target ? resolve(target) : {};
}

/** Which optional fields a body has: some (any), all (full), or none (minimal). */
type Shape = 'any' | 'full' | 'minimal';
/** A value of the schema's shape, with real ids where a field names one. */
function validArb(raw: JsonSchema, field = '', depth = 0, shape: Shape = 'any'): fc.Arbitrary<Json> {
  const full = shape === 'full';
  const schema = resolve(raw);
  if (depth > 8) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return fc.oneof(...variants.map((v) => validArb(v, field, depth + 1, shape)));
  if (schema.allOf?.[0]) return validArb(schema.allOf[0], field, depth + 1, shape);
  const types = [schema.type ?? 'any'].flat();
  if (full && types.length > 1 && types.includes('null'))
    return validArb({ ...schema, type: types.filter((x) => x !== 'null') }, field, depth, shape);
  if (types.length > 1) return fc.oneof(...types.map((type) => validArb({ ...schema, type }, field, depth + 1, shape)));
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer': {
      const min = Math.max(schema.minimum ?? (schema.exclusiveMinimum ?? -1_000_001) + 1, -1_000_000);
      const max = Math.min(schema.maximum ?? (schema.exclusiveMaximum ?? 1_000_001) - 1, 1_000_000);
      return fc.integer({ min, max: Math.max(min, max) });
    }
    case 'number': {
      const min = Math.max(schema.minimum ?? -1e6, -1e6);
      const max = Math.min(schema.maximum ?? 1e6, 1e6);
      return fc.double({ min, max: Math.max(min, max), noNaN: true, noDefaultInfinity: true });
    }
    case 'string':
      return stringArb(schema, field, shape);
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.min(schema.maxItems ?? minLength + 3, minLength + 3);
      return fc.array(schema.items ? validArb(schema.items, field, depth + 1, shape) : fc.string(), {
        minLength: full ? Math.max(minLength, 1) : minLength,
        maxLength: Math.max(maxLength, full ? 1 : 0),
      });
    }
    case 'object': {
      const properties = schema.properties ?? {};
      const keys = Object.keys(properties);
      if (keys.length === 0 && typeof schema.additionalProperties === 'object') {
        const keyArb = schema.propertyNames
          ? stringArb(resolve(schema.propertyNames), '')
          : fc.string({ maxLength: 8 });
        return fc.dictionary(keyArb, validArb(schema.additionalProperties, field, depth + 1, shape), {
          minKeys: full ? 1 : 0,
          maxKeys: 3,
        });
      }
      const required = (schema.required ?? []).filter((k) => keys.includes(k));
      const record: Record<string, fc.Arbitrary<Json>> = {};
      for (const key of shape === 'minimal' ? required : keys)
        record[key] = validArb(properties[key]!, key, depth + 1, shape);
      return fc.record(record, { requiredKeys: shape === 'any' ? required : Object.keys(record) });
    }
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean());
  }
}

/** The owner's first id of each kind; a free hour next Monday (a day's span for a range). */
function coherent(format: string, field: string): string {
  if (format === 'uuid') return idPool[field]?.[0] ?? mine[field] ?? mine.patientId!;
  const monday = nextMonday();
  if (format === 'date') {
    if (/birth/i.test(field)) return '1980-05-17';
    if (/observed|visit|asOf/i.test(field)) return isoDay(Date.now() - DAY_MS);
    return monday;
  }
  if (/observed/i.test(field)) return new Date(Date.now() - DAY_MS).toISOString();
  if (field === 'end') return mu(monday, '11:30').toISOString();
  if (field === 'to') return mu(monday, '18:00').toISOString();
  return mu(monday, '11:00').toISOString();
}

function stringArb(schema: JsonSchema, field: string, shape: Shape = 'any'): fc.Arbitrary<string> {
  // The bodies a sweep spoils are coherent (the ids go together, the time is bookable), so that
  // each spoilt field is the only thing wrong and the request goes as deep as it can.
  if (shape !== 'any' && (schema.format === 'uuid' || schema.format === 'date' || schema.format === 'date-time'))
    return fc.constant(coherent(schema.format, field));
  if (schema.format === 'uuid') {
    const pool = idPool[field] ?? Object.values(mine);
    return fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: fc.uuid() });
  }
  if (schema.format === 'date') return plausibleDay(field);
  if (schema.format === 'date-time') return plausibleInstant(field);
  if (schema.format === 'email')
    return fc.constantFrom('someone@example.mu', ownerLogin.email, 'Mixed.Case@Example.MU', 'a@b.co');
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern), { maxLength: schema.maxLength ?? 40 });
    } catch {
      // Fall through to plain text: some patterns are beyond fast-check's grammar.
    }
  }
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? minLength + 30, minLength + 30);
  return fc.string({ minLength: Math.max(minLength, 1), maxLength: Math.max(maxLength, 1) });
}

// ---------------------------------------------------------------------------------------------
// Spoiling a body

const ONE_MB = 'x'.repeat(1_000_000);
const badText = fc.constantFrom(
  'A\u0000B',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  `${'é'.repeat(10)}\u0000`,
  '',
  '   ',
  ONE_MB,
  `${ONE_MB.slice(1)}\u0000`,
  '\u202egnp.exe',
  "'; DROP TABLE patients; --",
  '%00',
  '\\u0000',
  '😀'.repeat(300),
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
);
const badNumber = fc.constantFrom<Json>(
  new Raw('1e309'),
  new Raw('-1e309'),
  new Raw('123456789012345678901234567890'),
  new Raw('-0'),
  new Raw('1e-400'),
  2 ** 53 + 1,
  2 ** 63,
  -(2 ** 63),
  1e300,
  -1,
  0,
  1.5,
  Number.MIN_VALUE,
  2147483648,
);
const badDate = fc.constantFrom(
  '9999-12-31T23:59:59Z',
  '9999-12-31T23:59:59+14:00',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00-12:00',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '1899-12-31T23:59:59Z',
  '1970-01-01T00:00:00Z',
  '2100-12-31T23:00:00-04:00',
  '2024-02-30T10:00:00Z',
  '2026-13-01T10:00:00Z',
  '2026-01-01T25:00:00Z',
  '2026-01-01T10:00:00',
  '9999-12-31',
  '0000-01-01',
  '1899-12-31',
  '2101-01-01',
  '2024-02-30',
  '10000-01-01',
  'yesterday',
);
/** Nested deep enough to hurt a recursive walker; written as text, so building it costs nothing. */
const deeplyNested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const badValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: badText },
  { weight: 3, arbitrary: badNumber },
  { weight: 3, arbitrary: badDate },
  {
    weight: 3,
    arbitrary: fc.constantFrom<Json>(null, true, false, [], {}, [null], { a: { b: { c: [1, { d: '\u0000' }] } } }),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.array(fc.constant('x'), { minLength: 1000, maxLength: 1000 }) },
);

type Path = (string | number)[];
function pathsOf(value: Json, at: Path = []): Path[] {
  const paths: Path[] = [at];
  if (Array.isArray(value)) for (const [i, v] of value.entries()) paths.push(...pathsOf(v, [...at, i]));
  else if (value !== null && typeof value === 'object' && !(value instanceof Raw))
    for (const [k, v] of Object.entries(value)) paths.push(...pathsOf(v, [...at, k]));
  return paths;
}

function withAt(value: Json, path: Path, change: (parent: Json, key: string | number) => void): Json {
  const copy = structuredCopy(value);
  if (path.length === 0) return copy;
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  change(parent as Json, path[path.length - 1]!);
  return copy;
}
const structuredCopy = (v: Json): Json =>
  v instanceof Raw
    ? v
    : Array.isArray(v)
      ? v.map(structuredCopy)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, structuredCopy(x)]))
        : v;

/** A valid body with one thing wrong: a field replaced, a field dropped, or a field added. */
function nearValidArb(schema: JsonSchema): fc.Arbitrary<Json> {
  return validArb(schema).chain((valid) => {
    const paths = pathsOf(valid);
    return fc
      .tuple(fc.constantFrom(...paths), badValue, fc.constantFrom('replace', 'replace', 'drop', 'add'))
      .map(([path, bad, how]) => {
        if (path.length === 0) return how === 'replace' ? bad : valid;
        return withAt(valid, path, (parent, key) => {
          const p = parent as Record<string | number, Json>;
          if (how === 'drop' && !Array.isArray(parent)) delete p[key];
          else if (how === 'add' && !Array.isArray(parent)) p[`${key}Extra`] = bad;
          else p[key] = bad;
        });
      });
  });
}

/**
 * Every field of a full body spoilt in turn, each in every way that has hurt before: text that
 * PostgreSQL cannot store, dates past year 9999, numbers past a double, the wrong kind, a field
 * dropped and one added. Deterministic, so each route's every field is tried whatever the seed.
 */
const SPOILERS: Json[] = [
  'A\u0000B',
  'x\ud800',
  '9999-12-31T23:59:59Z',
  '0001-01-01',
  new Raw('1e309'),
  2 ** 63,
  { a: [1] },
  null,
  ONE_MB,
];
function sweep(schema: JsonSchema, seed: number): Json[] {
  // The least a body can be, and the most: a rule between optional fields stops the second early.
  return (['minimal', 'full'] as const).flatMap((shape) =>
    spoilEachField(fc.sample(validArb(schema, '', 0, shape), { seed, numRuns: 1 })[0]!),
  );
}
function spoilEachField(body: Json): Json[] {
  const bodies: Json[] = [];
  for (const path of pathsOf(body)) {
    if (path.length === 0) continue;
    for (const bad of SPOILERS)
      bodies.push(withAt(body, path, (parent, key) => ((parent as Record<string | number, Json>)[key] = bad)));
    bodies.push(
      withAt(body, path, (parent, key) => {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete (parent as Record<string, Json>)[key];
      }),
    );
  }
  for (const path of pathsOf(body)) {
    const parent = path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, body);
    if (parent !== null && typeof parent === 'object' && !Array.isArray(parent) && !(parent instanceof Raw))
      bodies.push(withAt(body, [...path, 'unexpected'], (p) => ((p as Record<string, Json>).unexpected = 'x')));
  }
  return bodies;
}

const wildBody: fc.Arbitrary<Body> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((json) => ({ json: json as Json })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Body>(
      { none: true },
      { text: '' },
      { text: '{' },
      { text: '{"a":1,}' },
      { text: 'null' },
      { text: deeplyNested(10_000) },
      { text: '{"__proto__":{"polluted":true}}' },
      { text: '{"constructor":{"prototype":{"polluted":true}}}' },
      { text: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0x80, 0x22, 0x7d]) },
      { text: '{"a":"\\ud800"}' },
      { text: '{"\\u0000":1}' },
      { text: JSON.stringify({ a: ONE_MB, b: ONE_MB }) },
      { text: '{"a":1}', contentType: 'application/json; charset=utf-16' },
      { text: '<a/>', contentType: 'application/xml' },
      { text: 'a=1', contentType: 'application/x-www-form-urlencoded' },
      {
        text: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
        contentType: 'multipart/form-data; boundary=x',
      },
    ),
  },
);

function bodyArb(route: WriteRoute): fc.Arbitrary<Body> {
  if (!route.body) return fc.oneof(fc.constant<Body>({ none: true }), fc.constant<Body>({ json: {} }), wildBody);
  return fc.oneof(
    { weight: 6, arbitrary: nearValidArb(route.body).map((json) => ({ json })) },
    { weight: 2, arbitrary: validArb(route.body).map((json) => ({ json })) },
    { weight: 2, arbitrary: wildBody },
  );
}

function jsonText(value: Json): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Raw) {
      raws.push(v.text);
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    return v;
  });
  return text.replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i: string) => raws[Number(i)]!);
}

// ---------------------------------------------------------------------------------------------
// Sending and judging

/** Most of the time the owner's own ids; now and then another practice's, or an unknown one. */
const paramsArb = fc.constantFrom<'mine' | 'theirs' | 'unknown'>(...Array(8).fill('mine'), 'theirs', 'unknown');

function urlOf(route: WriteRoute, whose: 'mine' | 'theirs' | 'unknown') {
  return route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (name === 'practiceId') return mine.practiceId!;
    if (whose === 'unknown') return '5f0c8b4e-3b1a-4c2d-9e8f-1a2b3c4d5e6f';
    const id = (whose === 'theirs' ? theirs : mine)[name];
    if (!id) throw new Error(`No fixture for {${name}} in ${route.path}: add one to furnish()`);
    return encodeURIComponent(id);
  });
}

let sent = 0;
const statuses = new Map<number, number>();
/** Wrong answers by route and status, each with the first body that got one. */
const failures = new Map<string, { count: number; example: string }>();

/** Sends as the owner; `route` names the route in the report of wrong answers. */
async function send(route: string, method: string, url: string, body: Body, headers: Record<string, string> = {}) {
  const payload = 'json' in body ? jsonText(body.json) : 'text' in body ? body.text : undefined;
  const contentType =
    'json' in body ? 'application/json' : 'text' in body ? (body.contentType ?? 'application/json') : undefined;
  const res = await t.app.inject({
    method: method as 'POST',
    url,
    remoteAddress: '203.0.113.10',
    headers: {
      origin: TEST_ORIGIN,
      ...(owner.cookie ? { cookie: owner.cookie } : {}),
      ...(contentType ? { 'content-type': contentType } : {}),
      ...headers,
    },
    ...(payload !== undefined ? { payload } : {}),
  });
  sent++;
  statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
  const fault = judge(res);
  if (fault) {
    const shown =
      typeof payload === 'string' ? payload.slice(0, 300) : payload ? `<${payload.length} bytes>` : '<none>';
    const key = `${method} ${route} → ${res.statusCode} ${fault}`;
    const seen = failures.get(key);
    if (seen) seen.count++;
    else failures.set(key, { count: 1, example: `${url} ${shown}\n    ${res.body.slice(0, 300)}` });
  }
  // A body that logged the owner out (logout, a password change) does not end the walk.
  const code = res.statusCode === 401 ? (res.json() as { code?: string }).code : undefined;
  if (
    code === 'unauthenticated' ||
    code === 'session_expired' ||
    res.cookies.some((c) => c.name === 'dp_session' && !c.value)
  )
    await logInAgain();
  return res;
}

/** What is wrong with an answer, or null: no 5xx, and every refusal problem+json with a known code. */
function judge(res: LightMyRequestResponse): string | null {
  if (res.statusCode >= 500) return 'server error';
  if (res.statusCode < 400) return null;
  if (!/^application\/problem\+json/.test(String(res.headers['content-type'])))
    return `content-type ${res.headers['content-type']}`;
  let problem: { code?: unknown; status?: unknown; errors?: { code?: unknown }[] };
  try {
    problem = res.json();
  } catch {
    return 'body is not JSON';
  }
  if (!(ERROR_CODES as unknown[]).includes(problem.code)) return `unknown code ${String(problem.code)}`;
  if (problem.status !== res.statusCode) return `status ${String(problem.status)} in the body`;
  const unknownField = problem.errors?.find((e) => !(FIELD_ERROR_CODES as readonly unknown[]).includes(e.code));
  if (unknownField) return `unknown field error code ${String(unknownField.code)}`;
  return null;
}

async function logInAgain() {
  // From another address: the walk's own failed logins must not throttle the owner's.
  const fresh = new Client(t.app, '198.51.100.7');
  await fresh.login(ownerLogin.email, ownerLogin.password);
  owner.cookie = fresh.cookie;
}

/**
 * Every POST, PUT and PATCH of the API, as the OpenAPI document lists them. Routes that change
 * what others stand on go after them: the calendar is booked before its settings are spoilt, the
 * patient is charted before being merged away, and the session ends last.
 */
function writeRoutes(): WriteRoute[] {
  const routes: WriteRoute[] = [];
  for (const [path, operations] of Object.entries(openapi.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!['post', 'put', 'patch'].includes(method)) continue;
      routes.push({
        method: method.toUpperCase(),
        path,
        body: operation.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  const order = [
    /\/(appointments|holds)/,
    /\/(waitlist|recalls)/,
    /\/patients\/\{patientId\}\/(chart|treatment-plans|notes|attachments|alerts)/,
    /\/(inbox|whatsapp|sandbox)\//,
    /\/patients(?!.*\/merge$)/,
    /\/merge$/,
    /\/practices\/\{practiceId\}\/[a-z-]+/,
    /\/practices\/\{practiceId\}$|\/invitations|\/setup|\/practices$/,
    /\/auth\/(login|me|password-reset)/,
    /./,
  ];
  const rank = (r: WriteRoute) => order.findIndex((pattern) => pattern.test(r.path));
  return routes.sort((a, b) => rank(a) - rank(b));
}

/** Routes that check a password with argon2 or end the session: fewer bodies, same variety. */
const slow = (path: string) => /login|logout|password|mfa|invitations\/\{token\}\/accept|\/setup$/.test(path);

/** A stable seed per route: adding a route does not change what the others are sent. */
function seedOf(route: WriteRoute) {
  let h = SEED;
  for (const c of `${route.method} ${route.path}`) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}

/** The newest event of the owner's practice's audit trail. */
async function lastAuditEvent() {
  const page = await owner.get(`/api/v1/practices/${mine.practiceId}/audit-events?limit=1`);
  return JSON.stringify(page.json().items[0] ?? null);
}

describe('every PATCH route, given nothing to change', () => {
  it('answers the record as it is, or says what is required; and another practice’s id is not found', async () => {
    const patches = writeRoutes().filter((r) => r.method === 'PATCH');
    expect(patches.length).toBeGreaterThan(15);
    const outcomes: string[] = [];
    for (const route of patches) {
      const required = resolve(route.body ?? {}).required ?? [];
      const auditBefore = await lastAuditEvent();
      const own = await send(route.path, 'PATCH', urlOf(route, 'mine'), { json: {} });
      if ((await lastAuditEvent()) !== auditBefore) outcomes.push(`${route.path}: audited (expected nothing written)`);
      const expected = required.length > 0 ? '400 required' : '200';
      const got =
        own.statusCode === 400
          ? `400 ${[...new Set(own.json().errors.map((e: { code: string }) => e.code))].join()}`
          : String(own.statusCode);
      outcomes.push(
        `${route.path}: ${got}${got === expected ? '' : ` (expected ${expected}) ${own.body.slice(0, 200)}`}`,
      );
      if (!route.path.includes('{', route.path.indexOf('{practiceId}') + 1)) continue;
      // Another practice's record, named under our practice: not found, before the empty body matters.
      if (required.length === 0) {
        const theirs = await send(route.path, 'PATCH', urlOf(route, 'theirs'), { json: {} });
        outcomes.push(
          `${route.path} (theirs): ${theirs.statusCode}${theirs.statusCode === 404 ? '' : ' (expected 404)'}`,
        );
      }
    }
    expect(outcomes.filter((o) => o.includes('expected'))).toEqual([]);
  });
});

describe('every write route, given bad input', () => {
  it('never answers 5xx, and refuses with problem+json and a known code', async () => {
    const routes = writeRoutes();
    expect(routes.length).toBeGreaterThan(60);
    for (const route of routes) {
      const runs = slow(route.path) ? SLOW_RUNS : RUNS;
      const cases = fc.sample(fc.tuple(bodyArb(route), paramsArb), { seed: seedOf(route), numRuns: runs });
      const to = (whose: 'mine' | 'theirs' | 'unknown', body: Body) =>
        send(route.path, route.method, urlOf(route, whose), body);
      for (const [body, whose] of cases) await to(whose, body);
      if (route.body) for (const json of sweep(route.body, seedOf(route))) await to('mine', { json });
      // Nothing to change, with an id that is ours and with one that is not.
      await to('mine', { json: {} });
      await to('theirs', { json: {} });
    }

    // The webhook takes Meta's bytes, signed: here signed correctly, so they get past the signature.
    const webhookBodies = fc.sample(
      fc.oneof(
        nearValidArb(webhookSchema()).map((json) => ({ json })),
        wildBody,
      ),
      { seed: SEED, numRuns: RUNS },
    );
    for (const body of webhookBodies) {
      const raw = 'json' in body ? jsonText(body.json) : 'text' in body ? body.text : '';
      const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
      await send(
        '/webhooks/whatsapp',
        'POST',
        '/webhooks/whatsapp',
        { text: bytes },
        {
          'x-hub-signature-256': signWebhook(bytes, t.ctx.config.whatsapp.appSecret),
        },
      );
    }
    // What was stored is processed without failing the run.
    await workers(t).processWebhooks();

    const summary = [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    console.log(
      `bad input: ${sent} requests to ${routes.length} write routes and the webhook (seed ${SEED}, ${RUNS} generated per route): ${[...failures.values()].reduce((n, f) => n + f.count, 0)} wrong answers; ${summary}`,
    );
    const report = [...failures].map(([key, f]) => `${f.count}× ${key}\n  e.g. ${f.example}`);
    expect(report.join('\n\n')).toBe('');
  }, 600_000);

  it('leaves out only write routes that are not the API', () => {
    // Hidden from the OpenAPI document: the webhook (walked above, with signed bodies) and the
    // sandbox's stand-in for Meta's Graph API, which answers in Meta's shapes, not ours.
    const documented = new Set(writeRoutes().map((r) => `${r.method} ${r.path.replace(/\{(\w+)\}/g, ':$1')}`));
    const hidden = t.app.routeCatalog
      .filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method))
      .map((r) => `${r.method} ${r.url}`)
      .filter((r) => !documented.has(r));
    expect(hidden.sort()).toEqual(['POST /sandbox/graph/:version/:phoneNumberId/messages', 'POST /webhooks/whatsapp']);
  });
});

/** Meta's envelope as a JSON schema of the example, for near-valid webhook bodies. */
function webhookSchema(): JsonSchema {
  const example = inboundWebhook({
    wabaId: WABA_ID,
    phoneNumberId: '100000000000101',
    from: '23057000001',
    profileName: 'Patient',
    message: { type: 'text', text: { body: 'Hello' } },
  });
  const schemaOf = (v: unknown): JsonSchema => {
    if (Array.isArray(v)) return { type: 'array', items: schemaOf(v[0]), minItems: 1, maxItems: 2 };
    if (v !== null && typeof v === 'object') {
      const properties = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, schemaOf(x)]));
      return { type: 'object', properties, required: Object.keys(properties) };
    }
    return { const: v as Json };
  };
  return schemaOf(example);
}
