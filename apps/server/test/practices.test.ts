import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, loggedIn, makeMember, makePractice, type TestApp } from './harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const setupBody = (overrides: { email?: string; timeZone?: string; password?: string } = {}) => ({
  practice: {
    name: 'Clinique Dentaire Rose-Hill',
    timeZone: overrides.timeZone ?? 'Indian/Reunion',
    defaultLanguage: 'fr',
    currency: 'MUR',
  },
  owner: {
    name: 'Dr Anjali Doorgakant',
    email: overrides.email ?? 'anjali@clinique.mu',
    password: overrides.password ?? 'first owner passphrase',
  },
});

const count = async (app: TestApp, table: 'practices' | 'users') =>
  Number(
    (
      await app.ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('first run setup', () => {
  let fresh: TestApp;
  beforeAll(async () => {
    fresh = await createTestApp();
  });
  afterAll(() => fresh?.close());

  it('creates the first practice and its owner, logged in, exactly once', async () => {
    const c = new Client(fresh.app);
    const status = await c.get('/api/v1/setup');
    expect(status.statusCode).toBe(200);
    expect(status.json()).toEqual({ needsSetup: true, embeddedDatabase: fresh.database.embedded });

    const badZone = await c.post('/api/v1/setup', setupBody({ timeZone: 'Mars/Olympus' }));
    expect(badZone.statusCode).toBe(400);
    expect(badZone.json()).toMatchObject({
      code: 'validation_failed',
      errors: [expect.objectContaining({ path: 'practice.timeZone' })],
    });
    const weak = await c.post('/api/v1/setup', setupBody({ password: 'short' }));
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ errors: [expect.objectContaining({ path: 'owner.password' })] });
    expect((await c.get('/api/v1/setup')).json().needsSetup).toBe(true);

    const res = await c.post('/api/v1/setup', setupBody({ email: 'Anjali@Clinique.MU' }));
    expect(res.statusCode).toBe(201);
    const me = res.json();
    expect(me).toMatchObject({
      user: { email: 'anjali@clinique.mu', name: 'Dr Anjali Doorgakant', language: 'fr', mfaEnabled: false },
      memberships: [{ practiceName: 'Clinique Dentaire Rose-Hill', role: 'owner' }],
    });
    expect(String(res.headers['set-cookie'])).toMatch(/dp_session=[^;]+;.*HttpOnly/i);

    // The cookie is a real session.
    expect((await c.get('/api/v1/auth/me')).json().user.email).toBe('anjali@clinique.mu');
    const practiceId = me.memberships[0].practiceId;
    const practice = (await c.get(`/api/v1/practices/${practiceId}`)).json();
    expect(practice).toMatchObject({
      name: 'Clinique Dentaire Rose-Hill',
      timeZone: 'Indian/Reunion',
      defaultLanguage: 'fr',
      currency: 'MUR',
    });
    const audit = (await c.get(`/api/v1/practices/${practiceId}/audit-events`)).json();
    expect(audit.items).toEqual([expect.objectContaining({ action: 'practice.created', actorUserId: me.user.id })]);
    expect((await c.get('/api/v1/setup')).json().needsSetup).toBe(false);
    // And the owner can log in with the chosen password.
    expect(
      (
        await new Client(fresh.app).post('/api/v1/auth/login', {
          email: 'anjali@clinique.mu',
          password: 'first owner passphrase',
        })
      ).statusCode,
    ).toBe(200);

    const second = await new Client(fresh.app).post('/api/v1/setup', setupBody({ email: 'intruder@example.mu' }));
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: 'setup_already_done' });
    expect(second.headers['set-cookie']).toBeUndefined();
    expect(await count(fresh, 'practices')).toBe(1);
    expect(
      await fresh.ctx.db.selectFrom('users').select('id').where('email', '=', 'intruder@example.mu').executeTakeFirst(),
    ).toBeUndefined();
  });

  it('two simultaneous first runs make one practice', async () => {
    const racing = await createTestApp();
    try {
      const results = await Promise.all([
        new Client(racing.app).post('/api/v1/setup', setupBody({ email: 'first@example.mu' })),
        new Client(racing.app).post('/api/v1/setup', setupBody({ email: 'second@example.mu' })),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      expect(results.find((r) => r.statusCode === 409)!.json()).toMatchObject({ code: 'setup_already_done' });
      expect(await count(racing, 'practices')).toBe(1);
      expect(await count(racing, 'users')).toBe(1);
    } finally {
      await racing.close();
    }
  });
});

describe('practice profile', () => {
  async function auditOf(c: Client, practiceId: string) {
    return (await c.get(`/api/v1/practices/${practiceId}/audit-events`)).json().items as {
      action: string;
      changes: Record<string, unknown>;
    }[];
  }

  it('an owner changes only the fields sent, and the change is audited by field name', async () => {
    const { owner, practiceId } = await makePractice(t.ctx);
    const c = await loggedIn(t.app, owner);
    const before = (await c.get(`/api/v1/practices/${practiceId}`)).json();

    const res = await c.patch(`/api/v1/practices/${practiceId}`, { name: '  Smile Studio Curepipe ' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ...before, name: 'Smile Studio Curepipe' });
    expect((await c.get(`/api/v1/practices/${practiceId}`)).json()).toEqual({
      ...before,
      name: 'Smile Studio Curepipe',
    });

    const zone = await c.patch(`/api/v1/practices/${practiceId}`, {
      name: 'Smile Studio Curepipe',
      timeZone: 'Europe/Paris',
      phone: '+230 5712 3456',
    });
    expect(zone.json()).toMatchObject({
      name: 'Smile Studio Curepipe',
      timeZone: 'Europe/Paris',
      phone: '+230 5712 3456',
      currency: before.currency,
    });

    const updates = (await auditOf(c, practiceId)).filter((e) => e.action === 'practice.updated');
    expect(updates.map((e) => e.changes)).toEqual([
      { fields: expect.arrayContaining(['timeZone', 'phone']) },
      { fields: ['name'] },
    ]);
    // The unchanged name is not reported as a change.
    expect(updates[0]!.changes.fields).toHaveLength(2);
  });

  it('writes nothing to the trail when nothing changes', async () => {
    const { owner, practiceId } = await makePractice(t.ctx, { name: 'Quiet Clinic' });
    const c = await loggedIn(t.app, owner);
    const before = (await auditOf(c, practiceId)).length;
    expect((await c.patch(`/api/v1/practices/${practiceId}`, { name: 'Quiet Clinic' })).statusCode).toBe(200);
    expect((await c.patch(`/api/v1/practices/${practiceId}`, {})).statusCode).toBe(200);
    expect(await auditOf(c, practiceId)).toHaveLength(before);
  });

  it('refuses an unknown time zone and a malformed currency, changing nothing', async () => {
    const { owner, practiceId } = await makePractice(t.ctx);
    const c = await loggedIn(t.app, owner);
    const before = (await c.get(`/api/v1/practices/${practiceId}`)).json();

    const zone = await c.patch(`/api/v1/practices/${practiceId}`, { name: 'Renamed', timeZone: 'Mars/Olympus' });
    expect(zone.statusCode).toBe(400);
    expect(zone.json()).toMatchObject({
      code: 'validation_failed',
      errors: [expect.objectContaining({ path: 'timeZone' })],
    });
    const currency = await c.patch(`/api/v1/practices/${practiceId}`, { currency: 'mur' });
    expect(currency.statusCode).toBe(400);
    expect((await c.get(`/api/v1/practices/${practiceId}`)).json()).toEqual(before);
  });

  it('staff who are not owners can read the profile but not edit it', async () => {
    const { practiceId } = await makePractice(t.ctx, { name: 'Read Only Dental' });
    for (const role of ['receptionist', 'dentist'] as const) {
      const c = await loggedIn(t.app, await makeMember(t.ctx, practiceId, role));
      expect((await c.get(`/api/v1/practices/${practiceId}`)).json()).toMatchObject({ name: 'Read Only Dental' });
      const res = await c.patch(`/api/v1/practices/${practiceId}`, { name: 'Hijacked' });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'forbidden' });
    }
    const owner = await loggedIn(t.app, await makeMember(t.ctx, practiceId, 'owner'));
    expect((await owner.get(`/api/v1/practices/${practiceId}`)).json().name).toBe('Read Only Dental');
  });

  it('another practice does not exist for an outsider, whether it exists or not', async () => {
    const mine = await makePractice(t.ctx);
    const theirs = await makePractice(t.ctx, { name: 'Their Clinic' });
    const c = await loggedIn(t.app, mine.owner);

    const existing = await c.get(`/api/v1/practices/${theirs.practiceId}`);
    const missing = await c.get('/api/v1/practices/00000000-0000-4000-8000-000000000000');
    for (const res of [existing, missing]) {
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'practice_not_found' });
    }
    const { instance: _a, ...a } = existing.json();
    const { instance: _b, ...b } = missing.json();
    expect(a).toEqual(b);

    const patch = await c.patch(`/api/v1/practices/${theirs.practiceId}`, { name: 'Taken Over' });
    expect(patch.statusCode).toBe(404);
    const theirOwner = await loggedIn(t.app, theirs.owner);
    expect((await theirOwner.get(`/api/v1/practices/${theirs.practiceId}`)).json().name).toBe('Their Clinic');
  });

  it('needs a session', async () => {
    const { practiceId } = await makePractice(t.ctx);
    const res = await new Client(t.app).get(`/api/v1/practices/${practiceId}`);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'unauthenticated' });
  });
});

describe('opening another practice', () => {
  it('makes the caller its owner, with defaults, alongside their other practices', async () => {
    const { owner, practiceId: first } = await makePractice(t.ctx, { name: 'Alpha Branch' });
    const c = await loggedIn(t.app, owner);

    const res = await c.post('/api/v1/practices', { name: 'Beta Branch' });
    expect(res.statusCode).toBe(201);
    const practice = res.json();
    expect(practice).toMatchObject({
      name: 'Beta Branch',
      timeZone: 'Indian/Mauritius',
      defaultLanguage: 'en',
      currency: 'MUR',
      address: '',
      email: '',
    });
    expect(practice.id).not.toBe(first);

    const me = (await c.get('/api/v1/auth/me')).json();
    expect(me.memberships).toEqual([
      { practiceId: first, practiceName: 'Alpha Branch', role: 'owner' },
      { practiceId: practice.id, practiceName: 'Beta Branch', role: 'owner' },
    ]);
    const staff = (await c.get(`/api/v1/practices/${practice.id}/staff`)).json();
    expect(staff.members).toEqual([expect.objectContaining({ userId: owner.id, role: 'owner' })]);
    const audit = (await c.get(`/api/v1/practices/${practice.id}/audit-events`)).json();
    expect(audit.items).toEqual([
      expect.objectContaining({
        action: 'practice.created',
        actorUserId: owner.id,
        changes: expect.objectContaining({ ownerUserId: owner.id }),
      }),
    ]);
  });

  it('refuses a name that is too short and anonymous callers', async () => {
    const { owner } = await makePractice(t.ctx);
    const c = await loggedIn(t.app, owner);
    const bad = await c.post('/api/v1/practices', { name: 'X' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      code: 'validation_failed',
      errors: [expect.objectContaining({ path: 'name' })],
    });
    expect((await c.get('/api/v1/auth/me')).json().memberships).toHaveLength(1);

    const anonymous = await new Client(t.app).post('/api/v1/practices', { name: 'Ghost Clinic' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('refuses to choose how members sign in when opening it: the owner could lock themselves out', async () => {
    const { owner } = await makePractice(t.ctx);
    const c = await loggedIn(t.app, owner);
    for (const policy of [{ passwordSignInAllowed: false }, { twoStepRequiredForPasswords: true }]) {
      const res = await c.post('/api/v1/practices', { name: 'Gamma Branch', ...policy });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation_failed' });
    }
    expect((await c.get('/api/v1/auth/me')).json().memberships).toHaveLength(1);
    // Still signs in with the password.
    await loggedIn(t.app, owner);
  });
});
