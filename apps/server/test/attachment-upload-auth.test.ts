import { existsSync, readdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inPractice } from '../src/platform/tenancy.js';
import { type Client, createTestApp, loggedIn, makePractice, TEST_ORIGIN, type TestApp } from './harness.js';
import { makeSchedulingPractice } from './scheduling-fixtures.js';

/**
 * An upload body can be 15 MB: who may send one is decided from the request line and headers,
 * before a byte of the body is read, so a stranger or a receptionist cannot make the server
 * read, parse or store a file.
 */

let t: TestApp;
let p: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let dentist: Client;
let reception: Client;
let stranger: Client;
let origin: string;

const uploadUrl = () => `/api/v1/practices/${p.practiceId}/patients/${p.patients[0]!.id}/attachments`;
const filesDir = () => path.join(t.ctx.config.dataDir, 'files');
const storedFiles = () => (existsSync(filesDir()) ? readdirSync(filesDir(), { recursive: true }) : []);
const attachmentRows = () =>
  inPractice(t.db, p.practiceId, (tx) => tx.selectFrom('attachments').select('id').execute());

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(1000, 0x5a)]);

beforeAll(async () => {
  t = await createTestApp();
  p = await makeSchedulingPractice(t.ctx);
  const other = await makePractice(t.ctx);
  dentist = await loggedIn(t.app, p.dentist);
  reception = await loggedIn(t.app, p.receptionist);
  stranger = await loggedIn(t.app, other.owner);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(() => t?.close());

/**
 * Sends the headers of a large upload and only its first 64 KB, then waits for the answer. A
 * server that waited for the body before deciding would never answer (the test would time out).
 */
function partialUpload(
  cookie: string | undefined,
  declaredBytes = 14 * 1024 * 1024,
): Promise<{ status: number; body: { code?: string } }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${origin}${uploadUrl()}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(declaredBytes),
        origin: TEST_ORIGIN,
        ...(cookie ? { cookie } : {}),
      },
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error('No answer before the body was sent: the server is waiting to read it'));
    }, 10_000);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => {
        clearTimeout(timer);
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') });
      });
    });
    // The server may close the connection while we still hold unsent bytes: expected.
    request.on('error', () => undefined);
    const head = '{"kind":"xray","fileName":"big.png","mimeType":"image/png","contentBase64":"';
    request.write(head + 'A'.repeat(64 * 1024 - head.length));
  });
}

describe('attachment upload: refused before the body is read', () => {
  it('answers an unauthenticated caller 401 after 64 KB of a 14 MB body, and stores nothing', async () => {
    const res = await partialUpload(undefined);
    expect([res.status, res.body.code]).toEqual([401, 'unauthenticated']);
    expect(storedFiles()).toEqual([]);
  });

  it('answers a receptionist (no clinical:write) 403 and a member of another practice 404, body unread', async () => {
    const forbidden = await partialUpload(reception.cookie);
    expect([forbidden.status, forbidden.body.code]).toEqual([403, 'forbidden']);
    const notMember = await partialUpload(stranger.cookie);
    expect([notMember.status, notMember.body.code]).toEqual([404, 'practice_not_found']);
    expect(storedFiles()).toEqual([]);
    expect(await attachmentRows()).toEqual([]);
  });

  it('refuses a complete upload from a receptionist too, writing no file, row or audit event', async () => {
    const res = await reception.post(uploadUrl(), {
      kind: 'xray',
      fileName: 'bitewing.png',
      mimeType: 'image/png',
      contentBase64: PNG.toString('base64'),
    });
    expect([res.statusCode, res.json().code]).toEqual([403, 'forbidden']);
    expect(storedFiles()).toEqual([]);
    expect(await attachmentRows()).toEqual([]);
    const attached = await inPractice(t.db, p.practiceId, (tx) =>
      tx.selectFrom('auditEvents').select('id').where('action', '=', 'clinical.document_attached').execute(),
    );
    expect(attached).toEqual([]);
  });

  it('still takes a dentist’s upload over a real connection', async () => {
    const body = JSON.stringify({
      kind: 'xray',
      fileName: 'bitewing.png',
      mimeType: 'image/png',
      contentBase64: PNG.toString('base64'),
    });
    const res = await fetch(`${origin}${uploadUrl()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TEST_ORIGIN, cookie: dentist.cookie! },
      body,
    });
    expect(res.status).toBe(201);
    expect(storedFiles().length).toBeGreaterThan(0);
    expect(await attachmentRows()).toHaveLength(1);
  });
});
