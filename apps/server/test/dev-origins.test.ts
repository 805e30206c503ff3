import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type TestApp, createTestApp, makePractice } from './harness.js';

/** Which origins may make cookie-authenticated changes (docs/security.md, cross-site requests). */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

function refused(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().code).toBe(code);
}

describe('origins in development', () => {
  it('accept both loopback spellings when PUBLIC_URL is not set', async () => {
    const dev = await createTestApp({
      config: { publicUrl: 'http://localhost:3000', publicUrlSet: false, port: 3000 },
    });
    try {
      const p = await makePractice(dev.ctx);
      for (const origin of ['http://localhost:3000', 'http://127.0.0.1:3000']) {
        const res = await new Client(dev.app).request(
          'POST',
          '/api/v1/auth/login',
          { email: p.owner.email, password: p.owner.password },
          { origin },
        );
        expect([origin, res.statusCode]).toEqual([origin, 200]);
      }
      const elsewhere = await new Client(dev.app).request(
        'POST',
        '/api/v1/auth/login',
        { email: p.owner.email, password: p.owner.password },
        { origin: 'http://127.0.0.1:3001' },
      );
      refused(elsewhere, 403, 'csrf_origin_mismatch');
    } finally {
      await dev.close();
    }
  });

  it('accept only PUBLIC_URL’s origin when it is set', async () => {
    const p = await makePractice(t.ctx);
    const res = await new Client(t.app).request(
      'POST',
      '/api/v1/auth/login',
      { email: p.owner.email, password: p.owner.password },
      { origin: 'http://127.0.0.1:3000' },
    );
    refused(res, 403, 'csrf_origin_mismatch');
  });
});
