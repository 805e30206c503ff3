import { Readable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validatorCompiler } from '../src/platform/validation.js';
import { type Client, TEST_ORIGIN, type TestApp, createTestApp, loggedIn, makePractice } from './harness.js';
import { makeSchedulingPractice, mu, nextMonday } from './scheduling-fixtures.js';

/** The platform's gate for bad input (platform/validation.ts) and the date windows of the contracts. */

let t: TestApp;
let practice: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let owner: Client;
let base: string;

beforeAll(async () => {
  t = await createTestApp();
  practice = await makeSchedulingPractice(t.ctx);
  owner = await loggedIn(t.app, practice.owner);
  base = `/api/v1/practices/${practice.practiceId}`;
});
afterAll(() => t?.close());

function refused(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = res.json();
  expect(problem.code).toBe(code);
  return problem as { detail?: string; errors?: { path: string; code: string; params?: Record<string, unknown> }[] };
}
const fieldErrors = (res: LightMyRequestResponse) =>
  refused(res, 400, 'validation_failed').errors!.map(({ path, code }) => ({ path, code }));

describe('text PostgreSQL cannot store', () => {
  it('is refused in any string of any body, with the path of the field', async () => {
    expect(fieldErrors(await owner.patch('/api/v1/auth/me', { name: 'Dr\u0000X' }))).toEqual([
      { path: 'name', code: 'invalid_characters' },
    ]);
    expect(fieldErrors(await owner.post(`${base}/patients`, { givenName: 'A', familyName: 'B\u0000' }))).toEqual([
      { path: 'familyName', code: 'invalid_characters' },
    ]);
    expect(
      fieldErrors(
        await owner.post(`${base}/patients`, {
          givenName: 'A',
          familyName: 'B',
          phones: [{ number: '5712 3456' }, { number: '5712\ud8003457' }],
        }),
      ),
    ).toEqual([{ path: 'phones.1.number', code: 'invalid_characters' }]);
    expect(fieldErrors(await owner.post(`${base}/chairs`, { name: 'Chair \udc00' }))).toEqual([
      { path: 'name', code: 'invalid_characters' },
    ]);
    // An unpaired surrogate in an inbox message, before the conversation is even looked up.
    const conversation = '5f0c8b4e-3b1a-4c2d-9e8f-1a2b3c4d5e6f';
    const message = await owner.post(`${base}/inbox/conversations/${conversation}/messages`, {
      type: 'text',
      body: 'Hello \ud800',
    });
    expect(fieldErrors(message)).toEqual([{ path: 'body', code: 'invalid_characters' }]);
  });

  it('is refused in keys, in the query string and in the path', async () => {
    const conversation = '5f0c8b4e-3b1a-4c2d-9e8f-1a2b3c4d5e6f';
    const key = await owner.post(`${base}/inbox/conversations/${conversation}/messages`, {
      type: 'template',
      templateName: 'appointment_reminder',
      language: 'en',
      parameters: { 'na\u0000me': 'x' },
    });
    expect(fieldErrors(key)).toEqual([{ path: 'parameters.na\ufffdme', code: 'invalid_characters' }]);
    const query = await owner.get(`${base}/patients?q=Ravi%00`);
    expect(refused(query, 400, 'validation_failed')).toMatchObject({
      detail: 'The querystring is not valid',
      errors: [{ path: 'q', code: 'invalid_characters' }],
    });
    const path = await owner.get('/api/v1/invitations/abc%00def');
    expect(refused(path, 400, 'validation_failed').errors).toEqual([
      expect.objectContaining({ path: 'token', code: 'invalid_characters' }),
    ]);
  });

  it('takes text with characters outside the basic plane, and a surrogate pair is not unpaired', async () => {
    const res = await owner.post(`${base}/patients`, { givenName: 'Zoë 😀', familyName: '𝒜bc' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ givenName: 'Zoë 😀', familyName: '𝒜bc' });
  });

  it('is refused in the query string of every route that has one', async () => {
    const doc = t.app.swagger() as {
      paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
    };
    let tried = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      const get = operations.get;
      if (!get || path.endsWith('/events')) continue;
      const url = path
        .replace('{practiceId}', practice.practiceId)
        .replace(/\{(\w+)\}/g, '5f0c8b4e-3b1a-4c2d-9e8f-1a2b3c4d5e6f');
      for (const p of get.parameters?.filter((x) => x.in === 'query') ?? []) {
        const res = await owner.get(`${url}?${p.name}=a%00b`);
        expect([`GET ${path}?${p.name}`, res.statusCode, res.json().errors?.[0]?.code]).toEqual([
          `GET ${path}?${p.name}`,
          400,
          'invalid_characters',
        ]);
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(20);
  });

  it('is not looked for in raw bodies, which the webhook checks against their signature', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json' },
      payload: '{"object":"whatsapp_business_account","entry":[],"x":"\\u0000"}',
    });
    refused(res, 401, 'webhook_signature_invalid');
  });

  it('walks a body nested thousands deep without overflowing', async () => {
    const depth = 50_000;
    const res = await owner.request(
      'PATCH',
      '/api/v1/auth/me',
      `{"name":${'['.repeat(depth)}"\\u0000"${']'.repeat(depth)}}`,
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ code: 'invalid_characters' });
  });
});

describe('bodies', () => {
  it('take only the fields the route names, at every level', async () => {
    expect(fieldErrors(await owner.post(`${base}/chairs`, { name: 'Chair 9', colur: '#000000' }))).toEqual([
      { path: 'colur', code: 'unrecognized_keys' },
    ]);
    expect(
      fieldErrors(
        await owner.post(`${base}/patients`, {
          givenName: 'A',
          familyName: 'B',
          phones: [{ number: '5712 3456', whatsapp: true }],
        }),
      ),
    ).toEqual([{ path: 'phones.0.whatsapp', code: 'unrecognized_keys' }]);
  });

  it('are closed in every request body of the OpenAPI document', () => {
    const doc = t.app.swagger() as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
    };
    const open: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (node === null || typeof node !== 'object') return;
      if (Array.isArray(node)) {
        for (const n of node) walk(n, at);
        return;
      }
      const s = node as Record<string, unknown>;
      if (s.properties && s.additionalProperties === undefined) open.push(at);
      for (const [k, v] of Object.entries(s)) walk(v, k === 'properties' ? at : `${at}/${k}`);
    };
    let bodies = 0;
    for (const [path, operations] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(operations))
        if (op.requestBody) {
          bodies++;
          walk(op.requestBody.content['application/json']?.schema, `${method.toUpperCase()} ${path}`);
        }
    expect(bodies).toBeGreaterThan(50);
    expect(open).toEqual([]);
  });

  it('of a route that declares an open one keep the server from starting', async () => {
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.post(
      '/x',
      { schema: { body: z.object({ a: z.object({ b: z.string() }).strict(), c: z.object({}) }) } },
      () => 'ok',
    );
    const failure = await app.ready().then(
      () => null,
      (err: Error) => err.message,
    );
    expect(failure).toMatch(/POST \/x: the body schema takes unknown keys at/);
    expect(failure).toContain('(root)');
    expect(failure).toMatch(/\bc\b/);
    expect(failure).not.toMatch(/\ba\b/);
    await app.close();
  });

  it('are refused on an API route that takes none, unless empty', async () => {
    const url = `${base}/price-list/import-defaults`;
    expect(fieldErrors(await owner.post(url, { everything: true }))).toEqual([
      { path: 'everything', code: 'unrecognized_keys' },
    ]);
    expect(fieldErrors(await owner.request('POST', url, '[1]'))).toEqual([{ path: '(root)', code: 'invalid_type' }]);
    expect((await owner.post(url, {})).statusCode).toBeLessThan(300);
    expect((await owner.request('POST', url, 'null')).statusCode).toBeLessThan(300);
    const none = await t.app.inject({ method: 'POST', url, headers: { origin: TEST_ORIGIN, cookie: owner.cookie! } });
    expect(none.statusCode).toBeLessThan(300);
  });
});

describe('body size', () => {
  const conversation = '5f0c8b4e-3b1a-4c2d-9e8f-1a2b3c4d5e6f';
  const overOneMiB = 'x'.repeat(1024 * 1024 + 10);

  it('holds every body without a file to 1 MiB, the inbox message route too', async () => {
    const url = `${base}/inbox/conversations/${conversation}/messages`;
    refused(await owner.post(url, { type: 'text', body: overOneMiB }), 413, 'payload_too_large');
    refused(
      await owner.post(url, { type: 'template', templateName: overOneMiB, language: 'en' }),
      413,
      'payload_too_large',
    );
    // Sent in chunks, without a Content-Length, it is counted as it arrives.
    const chunked = await t.app.inject({
      method: 'POST',
      url,
      headers: { origin: TEST_ORIGIN, cookie: owner.cookie!, 'content-type': 'application/json' },
      payload: Readable.from([Buffer.from('{"type":"text","body":"'), Buffer.from(overOneMiB), Buffer.from('"}')]),
    });
    refused(chunked, 413, 'payload_too_large');
    refused(await owner.patch('/api/v1/auth/me', { name: overOneMiB }), 413, 'payload_too_large');
  });

  it('lets a file through up to its own route’s limit', async () => {
    const media = await owner.post(`${base}/inbox/conversations/${conversation}/messages`, {
      type: 'media',
      fileName: 'x-ray.pdf',
      mimeType: 'application/pdf',
      dataBase64: Buffer.alloc(2 * 1024 * 1024, 1).toString('base64'),
    });
    // Past the size check: the conversation is looked up (and is not there).
    refused(media, 404, 'conversation_not_found');
    const attachment = await owner.post(`${base}/patients/${practice.patients[0]!.id}/attachments`, {
      kind: 'document',
      fileName: 'letter.pdf',
      mimeType: 'application/pdf',
      contentBase64: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1024 * 1024, 32)]).toString('base64'),
    });
    expect(attachment.statusCode, attachment.body).toBe(201);
  });
});

describe('dates', () => {
  const slot = () => ({
    appointmentTypeId: practice.checkup,
    providerId: practice.dentistId,
    chairId: practice.chair1,
  });
  const fiveYearsAhead = () => {
    const d = new Date();
    d.setUTCFullYear(d.getUTCFullYear() + 5);
    return d.toISOString().slice(0, 10);
  };

  it('of the calendar are within 2000 and five years from today', async () => {
    for (const res of [
      await owner.post(`${base}/holds`, { ...slot(), start: '9999-12-31T23:59:59Z' }),
      await owner.post(`${base}/appointments`, {
        ...slot(),
        patientId: practice.patients[0]!.id,
        start: '9999-12-31T23:59:59Z',
      }),
    ]) {
      const [error] = refused(res, 400, 'validation_failed').errors!;
      expect(error).toEqual({
        path: 'start',
        code: 'date_out_of_range',
        message: expect.any(String),
        params: { minimum: '2000-01-01', maximum: fiveYearsAhead() },
      });
    }
    const booked = await owner.post(`${base}/appointments`, {
      ...slot(),
      patientId: practice.patients[0]!.id,
      start: mu(nextMonday(), '09:00').toISOString(),
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const move = await owner.post(`${base}/appointments/${booked.json().id}/move`, { start: '9999-12-31T23:59:59Z' });
    expect(fieldErrors(move)).toEqual([{ path: 'start', code: 'date_out_of_range' }]);
    expect(
      fieldErrors(await owner.post(`${base}/closures`, { start: '1999-12-24T00:00:00Z', end: '1999-12-27T00:00:00Z' })),
    ).toEqual([
      { path: 'start', code: 'date_out_of_range' },
      { path: 'end', code: 'date_out_of_range' },
    ]);
    expect(fieldErrors(await owner.post(`${base}/holidays`, { date: '2999-01-01', nameEn: 'X', nameFr: 'X' }))).toEqual(
      [{ path: 'date', code: 'date_out_of_range' }],
    );
    const availability = await owner.get(
      `${base}/availability?appointmentTypeId=${practice.checkup}&from=9999-12-30T00:00:00Z&to=9999-12-31T00:00:00Z`,
    );
    expect(fieldErrors(availability)).toEqual([
      { path: 'from', code: 'date_out_of_range' },
      { path: 'to', code: 'date_out_of_range' },
    ]);
    // The last day of the window is in it.
    const lastDay = await owner.post(`${base}/closures`, {
      start: `${fiveYearsAhead()}T00:00:00Z`,
      end: `${fiveYearsAhead()}T12:00:00Z`,
    });
    expect(lastDay.statusCode, lastDay.body).toBe(201);
  });

  it('of birth are from 1900 to today', async () => {
    expect(
      refused(
        await owner.post(`${base}/patients`, { givenName: 'A', familyName: 'B', dateOfBirth: '1899-12-31' }),
        400,
        'validation_failed',
      ).errors,
    ).toEqual([
      {
        path: 'dateOfBirth',
        code: 'date_out_of_range',
        message: expect.any(String),
        params: { minimum: '1900-01-01', maximum: expect.any(String) },
      },
    ]);
    expect(
      fieldErrors(await owner.post(`${base}/patients`, { givenName: 'A', familyName: 'B', dateOfBirth: '2999-01-01' })),
    ).toEqual([{ path: 'dateOfBirth', code: 'birth_date_in_future' }]);
    const oldest = await owner.post(`${base}/patients`, { givenName: 'A', familyName: 'B', dateOfBirth: '1900-01-01' });
    expect(oldest.statusCode, oldest.body).toBe(201);
  });

  it('of anything else are from 1900 to 2100', async () => {
    const res = await owner.get(`${base}/audit-events?from=0001-01-01T00:00:00Z`);
    expect(fieldErrors(res)).toEqual([{ path: 'from', code: 'date_out_of_range' }]);
  });
});

describe('an update with nothing to change', () => {
  let recallId: string;
  beforeAll(async () => {
    const res = await owner.post(`${base}/recalls`, { patientId: practice.patients[0]!.id, dueDate: nextMonday() });
    expect(res.statusCode, res.body).toBe(201);
    recallId = res.json().id;
  });
  const recallAudits = async () =>
    (await owner.get(`${base}/audit-events?actions=recall.updated`)).json().items.length as number;

  it('answers the recall as it is, and writes nothing', async () => {
    const before = await recallAudits();
    const res = await owner.patch(`${base}/recalls/${recallId}`, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: recallId, status: 'due', dueDate: nextMonday() });
    const same = await owner.patch(`${base}/recalls/${recallId}`, { status: 'due', dueDate: nextMonday() });
    expect(same.statusCode, same.body).toBe(200);
    expect(await recallAudits()).toBe(before);
  });

  it('looks the recall up first: another practice’s is not found', async () => {
    const other = await makePractice(t.ctx);
    const stranger = await loggedIn(t.app, other.owner);
    refused(await stranger.patch(`/api/v1/practices/${other.practiceId}/recalls/${recallId}`, {}), 404, 'not_found');
  });

  it('answers a patient as it is when only the version is sent', async () => {
    const patientUrl = `${base}/patients/${practice.patients[2]!.id}`;
    const { version } = (await owner.get(patientUrl)).json();
    const before = (await owner.get(`${base}/audit-events?limit=1`)).json().items[0].id;
    const res = await owner.patch(patientUrl, { expectedVersion: version });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().version).toBe(version);
    expect((await owner.get(`${base}/audit-events?limit=1`)).json().items[0].id).toBe(before);
  });

  it('refuses a field a recall update does not take', async () => {
    expect(fieldErrors(await owner.patch(`${base}/recalls/${recallId}`, { notes: 'x' }))).toEqual([
      { path: 'notes', code: 'unrecognized_keys' },
    ]);
  });

  it('still changes what is sent, and a recall made due again replaces the open one of its kind', async () => {
    const done = await owner.patch(`${base}/recalls/${recallId}`, { status: 'done' });
    expect(done.json()).toMatchObject({ status: 'done' });
    const next = await owner.post(`${base}/recalls`, { patientId: practice.patients[0]!.id, dueDate: nextMonday() });
    const reopened = await owner.patch(`${base}/recalls/${recallId}`, { status: 'due' });
    expect(reopened.statusCode, reopened.body).toBe(200);
    const open = (await owner.get(`${base}/recalls?dueBefore=2100-01-01`)).json().items;
    expect(open.map((r: { id: string }) => r.id)).toContain(recallId);
    expect(open.map((r: { id: string }) => r.id)).not.toContain(next.json().id);
  });
});
