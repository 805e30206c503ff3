import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantSettingsIn, saveAssistantSettings } from '../src/modules/assistant/settings.service.js';
import { systemActor } from '../src/platform/access.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type Client, type TestApp, createTestApp, loggedIn } from './harness.js';
import { makeSchedulingPractice } from './scheduling-fixtures.js';
import { connectChannel } from './whatsapp-fixtures.js';

/**
 * Settings → Assistant over HTTP: the defaults, saving (audited, owners only), the published
 * prices checked against the practice's own price list, one practice never seeing another's, the
 * WhatsApp number told when the assistant is switched, and the "try a message" reading.
 */

let t: TestApp;
interface Practice {
  practiceId: string;
  ownerId: string;
  url: (rest: string) => string;
  owner: Client;
  receptionist: Client;
  dentist: Client;
  hygienist: Client;
  procedures: { id: string; code: string }[];
}
let a: Practice;
let b: Practice;

async function practice(phoneNumberId: string): Promise<Practice> {
  const p = await makeSchedulingPractice(t.ctx);
  const owner = await loggedIn(t.app, p.owner);
  const res = await owner.post(`/api/v1/practices/${p.practiceId}/price-list/import-defaults`);
  expect(res.statusCode, res.body).toBe(200);
  await connectChannel(t.ctx, p.practiceId, phoneNumberId);
  return {
    practiceId: p.practiceId,
    ownerId: p.owner.id,
    url: (rest) => `/api/v1/practices/${p.practiceId}/assistant${rest}`,
    owner,
    receptionist: await loggedIn(t.app, p.receptionist),
    dentist: await loggedIn(t.app, p.dentist),
    hygienist: await loggedIn(t.app, p.hygienist),
    procedures: (res.json() as { items: { id: string; code: string }[] }).items,
  };
}

beforeAll(async () => {
  t = await createTestApp();
  a = await practice('100000000000301');
  b = await practice('100000000000302');
}, 60_000);
afterAll(() => t?.close());

const DEFAULTS = {
  enabled: false,
  lateCancellationHours: 24,
  idleMinutes: 30,
  handoverIdleHours: 12,
  emergencyEn: '',
  emergencyFr: '',
  openingHoursEn: '',
  openingHoursFr: '',
  publishedPriceItemIds: [],
  updatedAt: null,
};

const auditOf = (practiceId: string) =>
  t.db
    .selectFrom('auditEvents')
    .select(['action', 'actorUserId', 'targetType', 'targetId', 'changes'])
    .where('practiceId', '=', practiceId)
    .where('action', '=', 'assistant.settings_updated')
    .orderBy('seq')
    .execute();

const assistantActive = (practiceId: string) =>
  inPractice(t.db, practiceId, async (tx) =>
    (await tx.selectFrom('whatsappChannels').select('assistantActive').execute()).map((c) => c.assistantActive),
  );

const code = (p: Practice, c: string) => p.procedures.find((x) => x.code === c)!.id;

describe('the settings', () => {
  it('are the defaults, for everyone in the practice, until an owner saves them', async () => {
    for (const client of [a.owner, a.receptionist, a.dentist, a.hygienist]) {
      const res = await client.get(a.url('/settings'));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual(DEFAULTS);
    }
  });

  it('save the fields sent, audited in the same transaction, and answer them', async () => {
    const res = await a.owner.patch(a.url('/settings'), {
      lateCancellationHours: 48,
      idleMinutes: 45,
      emergencyEn: '  Call us on 5 123 4567; after hours, Dr Li on 5 765 4321.  ',
      openingHoursFr: 'Du lundi au samedi, de 8 h à 17 h.',
    });
    expect(res.statusCode, res.body).toBe(200);
    const saved = res.json();
    expect(saved).toMatchObject({
      enabled: false,
      lateCancellationHours: 48,
      idleMinutes: 45,
      handoverIdleHours: 12,
      emergencyEn: 'Call us on 5 123 4567; after hours, Dr Li on 5 765 4321.',
      emergencyFr: '',
      openingHoursFr: 'Du lundi au samedi, de 8 h à 17 h.',
    });
    expect(Date.now() - Date.parse(saved.updatedAt)).toBeLessThan(60_000);
    expect((await a.receptionist.get(a.url('/settings'))).json()).toEqual(saved);

    const events = await auditOf(a.practiceId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorUserId: a.ownerId,
      targetType: 'practice',
      targetId: a.practiceId,
      // Numbers from and to; texts only that they were saved (the trail keeps no free text).
      changes: {
        lateCancellationHours: { from: 24, to: 48 },
        idleMinutes: { from: 30, to: 45 },
        emergencyEn: 'saved',
        openingHoursFr: 'saved',
      },
    });
  });

  it('write and audit nothing when nothing changes', async () => {
    const before = (await a.owner.get(a.url('/settings'))).json();
    const res = await a.owner.patch(a.url('/settings'), { lateCancellationHours: 48, idleMinutes: 45 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual(before);
    expect((await a.owner.patch(a.url('/settings'), {})).json()).toEqual(before);
    expect(await auditOf(a.practiceId)).toHaveLength(1);
  });

  it('switch the assistant on the WhatsApp number in the same transaction, so the greeting and away messages pause', async () => {
    expect(await assistantActive(a.practiceId)).toEqual([false]);
    const on = await a.owner.patch(a.url('/settings'), { enabled: true });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json().enabled).toBe(true);
    expect(await assistantActive(a.practiceId)).toEqual([true]);
    expect(await assistantActive(b.practiceId)).toEqual([false]);
    expect((await auditOf(a.practiceId)).at(-1)?.changes).toEqual({ enabled: { from: false, to: true } });

    const off = await a.owner.patch(a.url('/settings'), { enabled: false });
    expect(off.json().enabled).toBe(false);
    expect(await assistantActive(a.practiceId)).toEqual([false]);
  });

  it('tell a number connected after the switch at the next save that names it', async () => {
    await a.owner.patch(a.url('/settings'), { enabled: true });
    await connectChannel(t.ctx, a.practiceId, '100000000000303');
    expect((await assistantActive(a.practiceId)).sort()).toEqual([false, true]);
    const audited = (await auditOf(a.practiceId)).length;
    expect((await a.owner.patch(a.url('/settings'), { enabled: true })).statusCode).toBe(200);
    expect(await assistantActive(a.practiceId)).toEqual([true, true]);
    expect(await auditOf(a.practiceId)).toHaveLength(audited);
    await a.owner.patch(a.url('/settings'), { enabled: false });
  });

  it('are changed by owners only', async () => {
    for (const client of [a.receptionist, a.dentist, a.hygienist]) {
      const res = await client.patch(a.url('/settings'), { enabled: true });
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe('forbidden');
    }
    await expect(
      saveAssistantSettings(t.ctx, {
        actor: { userId: null, role: 'receptionist', ip: null, requestId: null },
        practiceId: a.practiceId,
        patch: { enabled: true },
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect((await a.owner.get(a.url('/settings'))).json().enabled).toBe(false);
  });

  it('refuse values out of range, unknown fields and overlong texts, as problem+json naming the field', async () => {
    for (const [body, path, fieldCode] of [
      [{ lateCancellationHours: 169 }, 'lateCancellationHours', 'too_large'],
      [{ lateCancellationHours: -1 }, 'lateCancellationHours', 'too_small'],
      [{ idleMinutes: 4 }, 'idleMinutes', 'too_small'],
      [{ idleMinutes: 721 }, 'idleMinutes', 'too_large'],
      [{ handoverIdleHours: 0 }, 'handoverIdleHours', 'too_small'],
      [{ idleMinutes: 30.5 }, 'idleMinutes', 'invalid_type'],
      [{ enabled: 'yes' }, 'enabled', 'invalid_type'],
      [{ emergencyFr: 'x'.repeat(1025) }, 'emergencyFr', 'too_long'],
      [{ publishedPriceItemIds: ['not-a-uuid'] }, 'publishedPriceItemIds.0', 'invalid_format'],
      [{ visitTypes: [] }, 'visitTypes', 'unrecognized_keys'],
    ] as const) {
      const res = await a.owner.patch(a.url('/settings'), body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = res.json();
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors, JSON.stringify(body)).toContainEqual(expect.objectContaining({ path, code: fieldCode }));
    }
  });
});

describe('published prices', () => {
  it('are items of the practice’s price list, kept once each', async () => {
    const scale = code(a, 'SCALE');
    const exam = code(a, 'EXAM');
    const res = await a.owner.patch(a.url('/settings'), { publishedPriceItemIds: [scale, exam, scale] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().publishedPriceItemIds).toEqual([scale, exam]);
    expect((await auditOf(a.practiceId)).at(-1)?.changes).toEqual({
      publishedPriceItemIds: { added: [scale, exam], removed: [] },
    });
    // The same items in another order change nothing.
    const audited = (await auditOf(a.practiceId)).length;
    await a.owner.patch(a.url('/settings'), { publishedPriceItemIds: [exam, scale] });
    expect(await auditOf(a.practiceId)).toHaveLength(audited);
  });

  it('refuse an id that is not on the price list, another practice’s item and an item no longer offered', async () => {
    const retired = code(a, 'AMAL');
    const off = await a.owner.patch(`/api/v1/practices/${a.practiceId}/price-list/${retired}`, { active: false });
    expect(off.statusCode, off.body).toBe(200);
    const before = (await a.owner.get(a.url('/settings'))).json();
    const res = await a.owner.patch(a.url('/settings'), {
      publishedPriceItemIds: [code(a, 'EXAM'), randomUUID(), code(b, 'SCALE'), retired],
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json();
    expect(problem.code).toBe('validation_failed');
    expect(problem.detail).toMatch(/3 published prices/);
    expect(problem.errors.map((e: { path: string; code: string }) => [e.path, e.code])).toEqual([
      ['publishedPriceItemIds.1', 'not_in_price_list'],
      ['publishedPriceItemIds.2', 'not_in_price_list'],
      ['publishedPriceItemIds.3', 'not_in_price_list'],
    ]);
    expect((await a.owner.get(a.url('/settings'))).json()).toEqual(before);
  });
});

describe('one practice', () => {
  it('never reads or changes another’s settings', async () => {
    expect((await b.owner.get(b.url('/settings'))).json()).toEqual(DEFAULTS);
    for (const res of [
      await b.owner.get(a.url('/settings')),
      await b.owner.patch(a.url('/settings'), { enabled: true }),
      await b.owner.post(a.url('/understand'), { text: 'hello' }),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('practice_not_found');
    }
    // Bound to B, the database shows B's row only; named A's id, it answers B nothing but defaults.
    await b.owner.patch(b.url('/settings'), { idleMinutes: 60 });
    const seen = await inPractice(t.db, b.practiceId, async (tx) => ({
      rows: await tx.selectFrom('assistantSettings').select('practiceId').execute(),
      a: await assistantSettingsIn(tx, a.practiceId),
    }));
    expect(seen.rows).toEqual([{ practiceId: b.practiceId }]);
    expect(seen.a).toEqual(DEFAULTS);
  });

  it('cannot write a row for another practice, and no practice named sees no rows', async () => {
    await expect(
      inPractice(t.db, b.practiceId, (tx) =>
        tx
          .updateTable('assistantSettings')
          .set({ enabled: true })
          .where('practiceId', '=', a.practiceId)
          .returning('practiceId')
          .execute(),
      ),
    ).resolves.toEqual([]);
    await expect(
      inPractice(t.db, b.practiceId, (tx) =>
        tx.insertInto('assistantSettings').values({ practiceId: randomUUID() }).execute(),
      ),
    ).rejects.toThrow(/row-level security|foreign key/);
    const unbound = await t.db.transaction().execute(async (tx) => {
      await sql`SELECT set_config('role', 'dentalpro_app', true)`.execute(tx);
      return tx.selectFrom('assistantSettings').select('practiceId').execute();
    });
    expect(unbound).toEqual([]);
  });
});

describe('trying a message', () => {
  // Monday 7 December 2026, 10:00 in Mauritius.
  const at = '2026-12-07T10:00:00+04:00';

  it('reads Creole: "Mo anvi pran randevou zedi gramatin" is a booking on Thursday morning, for any member', async () => {
    for (const client of [a.receptionist, a.dentist, a.hygienist, a.owner]) {
      const res = await client.post(a.url('/understand'), { text: 'Mo anvi pran randevou zedi gramatin', at });
      expect(res.statusCode, res.body).toBe(200);
      const reading = res.json();
      expect(reading).toMatchObject({ language: 'mfe', intent: 'book' });
      expect(reading.confidence).toBeGreaterThan(0);
      expect(reading.confidence).toBeLessThanOrEqual(1);
      // Thursday 10 December, in the morning, Mauritian time (UTC+4).
      const from = new Date(reading.when.from);
      const to = new Date(reading.when.to);
      expect(new Date(from.getTime() + 4 * 3_600_000).toISOString().slice(0, 10)).toBe('2026-12-10');
      expect(from.getTime()).toBeLessThan(to.getTime());
      expect(to.getTime()).toBeLessThanOrEqual(Date.parse('2026-12-10T12:00:00+04:00'));
    }
  });

  it('names the practice’s visit type bookable on WhatsApp, and no type patients cannot book there', async () => {
    const checkup = (
      await a.receptionist.post(a.url('/understand'), { text: 'I would like a check-up tomorrow please', at })
    ).json();
    expect(checkup).toMatchObject({ language: 'en', intent: 'book', typeName: 'Check-up' });
    // The practice's cleaning is not bookable on WhatsApp.
    const cleaning = (
      await a.receptionist.post(a.url('/understand'), { text: 'Je voudrais un détartrage la semaine prochaine', at })
    ).json();
    expect(cleaning).toMatchObject({ language: 'fr', intent: 'book' });
    expect(cleaning.typeName).toBeUndefined();
    expect(cleaning.when).not.toBeNull();
  });

  it('answers null when no time is named, and reads the time now when `at` is left out', async () => {
    const res = await a.receptionist.post(a.url('/understand'), { text: 'Talk to someone' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ intent: 'human', when: null });
  });

  it('refuses bad input as problem+json naming the field', async () => {
    for (const [body, path, fieldCode] of [
      [{}, 'text', 'required'],
      [{ text: '' }, 'text', 'required'],
      [{ text: '   ' }, 'text', 'required'],
      [{ text: 'x'.repeat(4097) }, 'text', 'too_long'],
      [{ text: 'hello\u0000' }, 'text', 'invalid_characters'],
      [{ text: 'hello \ud800' }, 'text', 'invalid_characters'],
      [{ text: 42 }, 'text', 'invalid_type'],
      [{ text: 'hello', at: 'tomorrow' }, 'at', 'date_invalid'],
      [{ text: 'hello', at: '1999-12-31T10:00:00Z' }, 'at', 'date_out_of_range'],
      [{ text: 'hello', language: 'fr' }, 'language', 'unrecognized_keys'],
    ] as const) {
      const res = await a.receptionist.post(a.url('/understand'), body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = res.json();
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors, JSON.stringify(body)).toContainEqual(expect.objectContaining({ path, code: fieldCode }));
    }
  });
});

describe('the CLI', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const cli = async (...args: string[]) => {
    // No database settings at all: without --practice the command must not need one.
    const env = { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn' };
    try {
      const { stdout, stderr } = await promisify(execFile)(
        'node',
        ['--import', 'tsx', 'apps/server/src/cli.ts', ...args],
        { cwd: root, env },
      );
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('reads a message without a practice, in Mauritian time, without opening the database', async () => {
    const run = await cli(
      'assistant',
      'understand',
      '--at',
      '2026-12-07T10:00:00+04:00',
      'Mo anvi pran randevou zedi gramatin',
    );
    expect(run.code, run.stderr).toBe(0);
    const reading = JSON.parse(run.stdout);
    expect(reading).toMatchObject({ language: 'mfe', intent: 'book' });
    expect(reading.typeName).toBeUndefined();
    expect(new Date(Date.parse(reading.when.from) + 4 * 3_600_000).toISOString().slice(0, 10)).toBe('2026-12-10');
  }, 60_000);

  it('refuses an empty message or a bad --at with the problem on stderr', async () => {
    const empty = await cli('assistant', 'understand');
    expect(empty.code).toBe(1);
    expect(JSON.parse(empty.stderr)).toMatchObject({ code: 'validation_failed', errors: [{ path: 'text' }] });
    const badAt = await cli('assistant', 'understand', '--at', 'soon', 'hello');
    expect(badAt.code).toBe(1);
    expect(JSON.parse(badAt.stderr)).toMatchObject({ code: 'validation_failed', errors: [{ path: 'at' }] });
  }, 60_000);

  it('is listed in the help', async () => {
    const help = await cli('--help');
    expect(help.stdout).toMatch(/assistant understand \[--practice ID\] \[--at ISO\] "TEXT"/);
    expect(help.stdout).toMatch(/Indian\/Mauritius/);
  }, 60_000);
});

describe('the runtime’s view', () => {
  it('reads the settings inside its own transaction', async () => {
    await saveAssistantSettings(t.ctx, {
      actor: systemActor('test'),
      practiceId: b.practiceId,
      patch: { handoverIdleHours: 6 },
    });
    const settings = await inPractice(t.db, b.practiceId, (tx) => assistantSettingsIn(tx, b.practiceId));
    expect(settings).toMatchObject({ handoverIdleHours: 6, idleMinutes: 60, enabled: false });
  });
});
