import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { generate } from 'otplib';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context.js';
import { buildApp } from '../src/app.js';
import type { Database } from '../src/db/connection.js';
import { resealMfaSecrets } from '../src/modules/auth/mfa.js';
import { inPractice } from '../src/platform/tenancy.js';
import { Client, loggedIn, makePractice, openTestDatabase, testConfig, testContext } from './harness.js';

/**
 * Two-factor secrets are sealed with the master key itself: after the key changes, `keys rotate`
 * must re-seal them, or everyone with two-factor is locked out. One database, served by apps
 * with different master keys, as a deployment is before and after the change.
 */
let database: Database;
const keyA = randomBytes(32);
const keyB = randomBytes(32);
const keyC = randomBytes(32);
const servers: { app: FastifyInstance; ctx: AppContext }[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  for (const { app, ctx } of servers) {
    await app.close();
    await ctx.events.close();
  }
  await database?.close();
});

/** The server with this master key (and previous key), logging into `logs`. */
async function serverWith(encryptionKey: Buffer, previousEncryptionKey?: Buffer) {
  const logs: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _encoding, done) {
        logs.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  const ctx: AppContext = { ...testContext(database, testConfig({ encryptionKey, previousEncryptionKey })), logger };
  const app = await buildApp(ctx, { logger });
  await app.ready();
  servers.push({ app, ctx });
  return { app, ctx, logs };
}

let lastIp = 0;
const codeAt = (secret: string, offsetSteps: 0 | 1) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * offsetSteps });

/** An owner who started two-factor setup (and finished it unless `finish` is false) on `app`. */
async function ownerWithMfa(ctx: AppContext, app: FastifyInstance, finish = true) {
  const { owner, practiceId } = await makePractice(ctx);
  const session = await loggedIn(app, owner);
  const setup = await session.post('/api/v1/auth/mfa/setup');
  expect(setup.statusCode).toBe(200);
  const secret: string = setup.json().secret;
  let recoveryCodes: string[] = [];
  if (finish) {
    const enabled = await session.post('/api/v1/auth/mfa/enable', { code: await codeAt(secret, 0) });
    expect(enabled.statusCode).toBe(200);
    recoveryCodes = enabled.json().recoveryCodes;
  }
  return { owner, practiceId, session, secret, recoveryCodes };
}

/** The password step on `app`; the client then waits for the second factor. */
async function passwordStep(app: FastifyInstance, owner: { email: string; password: string }) {
  const c = new Client(app, `198.51.100.${++lastIp}`);
  const res = await c.post('/api/v1/auth/login', { email: owner.email, password: owner.password });
  expect(res.json()).toEqual({ mfaRequired: true });
  return c;
}

/** The same browser session, talking to another server. */
function sameSessionOn(app: FastifyInstance, client: Client) {
  const moved = new Client(app, client.ip);
  moved.cookie = client.cookie;
  return moved;
}

const storedSecrets = async () =>
  (
    await database.db
      .selectFrom('users')
      .select(['id', 'mfaSecretEncrypted'])
      .where('mfaSecretEncrypted', 'is not', null)
      .orderBy('id')
      .execute()
  ).map((r) => ({
    id: r.id,
    sealed: r.mfaSecretEncrypted!.toString('hex'),
  }));

describe('two-factor secrets across a master key change', () => {
  it('after key A → B, a code is refused (not a 500) until keys rotate re-seals the secrets; then it logs in, and a second run changes nothing', async () => {
    const a = await serverWith(keyA);
    const alice = await ownerWithMfa(a.ctx, a.app);
    const pending = await ownerWithMfa(a.ctx, a.app, false);
    // Sealed under a key nobody has any more.
    const c = await serverWith(keyC);
    const lost = await ownerWithMfa(c.ctx, c.app);

    // The server restarted with ENCRYPTION_KEY=B, ENCRYPTION_KEY_PREVIOUS=A; keys rotate not run yet.
    const b = await serverWith(keyB, keyA);
    const refused = await (await passwordStep(b.app, alice.owner)).post('/api/v1/auth/login/mfa', {
      code: await codeAt(alice.secret, 1),
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({
      code: 'mfa_invalid_code',
      detail: expect.stringContaining('recovery code'),
    });
    // The operator learns why and what to do; the log names the user, never the secret.
    const logged = b.logs.find((l) => String(l.msg).includes('two-factor secret'));
    expect(logged).toMatchObject({ level: 50, userId: alice.owner.id, msg: expect.stringContaining('keys rotate') });
    expect(JSON.stringify(b.logs)).not.toContain(alice.secret);
    // Owners see it in the audit trail, with its own reason.
    const failures = await inPractice(database.db, alice.practiceId, (tx) =>
      tx
        .selectFrom('auditEvents')
        .select('changes')
        .where('targetId', '=', alice.owner.id)
        .where('action', '=', 'auth.login_failed')
        .execute(),
    );
    expect(failures.map((f) => f.changes)).toEqual([{ reason: 'second_factor_unreadable' }]);
    // A setup begun under A cannot be finished under B: it has to start again.
    const pendingOnB = sameSessionOn(b.app, pending.session);
    const unfinished = await pendingOnB.post('/api/v1/auth/mfa/enable', { code: await codeAt(pending.secret, 0) });
    expect(unfinished.statusCode).toBe(401);
    expect(unfinished.json()).toMatchObject({ code: 'mfa_invalid_code', detail: 'Start the setup again' });

    const before = await storedSecrets();
    const rotated = await resealMfaSecrets(b.ctx);
    expect(rotated).toEqual({ resealed: 2, unreadableUserIds: [lost.owner.id] });
    const after = await storedSecrets();
    const changed = after.filter((s) => before.find((x) => x.id === s.id)!.sealed !== s.sealed).map((s) => s.id);
    expect(changed.sort()).toEqual([alice.owner.id, pending.owner.id].sort());

    // Alice logs in with a code from the same authenticator app.
    const ok = await (await passwordStep(b.app, alice.owner)).post('/api/v1/auth/login/mfa', {
      code: await codeAt(alice.secret, 1),
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ user: { id: alice.owner.id, mfaEnabled: true } });
    // The setup begun under A now finishes under B.
    expect(
      (await pendingOnB.post('/api/v1/auth/mfa/enable', { code: await codeAt(pending.secret, 1) })).statusCode,
    ).toBe(200);
    // The lost secret is kept, not dropped: two-factor stays on, and a recovery code still opens the account.
    // Its codes fail, but not as guesses: more than the throttle allows, and the recovery code is still taken.
    const lostLogin = await passwordStep(b.app, lost.owner);
    for (let i = 0; i < 6; i++)
      expect((await lostLogin.post('/api/v1/auth/login/mfa', { code: await codeAt(lost.secret, 1) })).statusCode).toBe(
        401,
      );
    expect((await lostLogin.post('/api/v1/auth/login/mfa', { recoveryCode: lost.recoveryCodes[0] })).statusCode).toBe(
      200,
    );

    // Run again (with or without the previous key): nothing changes.
    const settled = await storedSecrets();
    expect(await resealMfaSecrets(b.ctx)).toEqual({ resealed: 0, unreadableUserIds: [lost.owner.id] });
    const bAlone = await serverWith(keyB);
    expect(await resealMfaSecrets(bAlone.ctx)).toEqual({ resealed: 0, unreadableUserIds: [lost.owner.id] });
    expect(await storedSecrets()).toEqual(settled);
  });

  it('re-seals all or nothing: a failure part-way leaves every secret as it was', async () => {
    const d = randomBytes(32);
    const e = randomBytes(32);
    const before = await serverWith(d);
    const first = await ownerWithMfa(before.ctx, before.app);
    const second = await ownerWithMfa(before.ctx, before.app);
    const last = [first.owner.id, second.owner.id].sort()[1]!;
    const snapshot = await storedSecrets();

    // A trigger refuses the re-seal of whichever of the two comes last, after the other was written.
    await sql
      .raw(
        `CREATE FUNCTION refuse_reseal() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
         CREATE TRIGGER refuse_reseal BEFORE UPDATE OF mfa_secret_encrypted ON users FOR EACH ROW WHEN (NEW.id = '${last}') EXECUTE FUNCTION refuse_reseal();`,
      )
      .execute(database.db);
    const after = await serverWith(e, d);
    try {
      await expect(resealMfaSecrets(after.ctx)).rejects.toThrow(/refused/);
      expect(await storedSecrets()).toEqual(snapshot);
    } finally {
      await sql.raw('DROP TRIGGER refuse_reseal ON users; DROP FUNCTION refuse_reseal();').execute(database.db);
    }

    // Run again once the cause is gone: both are re-sealed, and both log in under the new key.
    expect(await resealMfaSecrets(after.ctx)).toMatchObject({ resealed: 2 });
    for (const user of [first, second]) {
      const res = await (await passwordStep(after.app, user.owner)).post('/api/v1/auth/login/mfa', {
        code: await codeAt(user.secret, 1),
      });
      expect(res.statusCode).toBe(200);
    }
  });
});
