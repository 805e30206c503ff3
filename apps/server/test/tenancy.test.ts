import { randomUUID } from 'node:crypto';
import { ROLES, type Role, roleHasPermission } from '@dentalpro/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inPractice } from '../src/platform/tenancy.js';
import { Client, createTestApp, loggedIn, makeMember, makePractice, type TestApp } from './harness.js';

let t: TestApp;
let practiceA: Awaited<ReturnType<typeof makePractice>>;
let practiceB: Awaited<ReturnType<typeof makePractice>>;
const clients = {} as Record<Role, Client>;
let outsider: Client;

beforeAll(async () => {
  t = await createTestApp();
  practiceA = await makePractice(t.ctx);
  practiceB = await makePractice(t.ctx);
  clients.owner = await loggedIn(t.app, practiceA.owner);
  for (const role of ROLES.filter((r) => r !== 'owner'))
    clients[role] = await loggedIn(t.app, await makeMember(t.ctx, practiceA.practiceId, role));
  outsider = await loggedIn(t.app, practiceB.owner);
});
afterAll(() => t.close());

/** Every practice route, with A's id and made-up ids for anything else it names. */
function practiceRoutes() {
  return t.app.routeCatalog
    .filter((r) => r.url.includes(':practiceId'))
    .map((r) => ({
      ...r,
      path: r.url.replace(':practiceId', practiceA.practiceId).replace(/:[A-Za-z]+/g, () => randomUUID()),
    }));
}

/**
 * A server-sent event stream never ends: refusals come back at once as usual, and a stream
 * still open after a moment was let through (an answer of 200 for the walk).
 */
async function send(
  client: Client,
  method: string,
  path: string,
): Promise<{ statusCode: number; json(): { code?: string } }> {
  if (!path.endsWith('/events'))
    return client.request(method, path, ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined);
  try {
    return await client.request(method, path, undefined, {}, AbortSignal.timeout(300));
  } catch {
    return { statusCode: 200, json: () => ({}) };
  }
}

describe('every practice route', () => {
  it('is found by the walk and declares the permission it needs', () => {
    const routes = practiceRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(7);
    for (const r of routes) expect(r.permission, `${r.method} ${r.url}`).toBeDefined();
  });

  it("answers a member of another practice 404 practice_not_found for practice A's ids", async () => {
    for (const r of practiceRoutes()) {
      const res = await send(outsider, r.method, r.path);
      expect({ route: `${r.method} ${r.url}`, status: res.statusCode, code: res.json().code }).toEqual({
        route: `${r.method} ${r.url}`,
        status: 404,
        code: 'practice_not_found',
      });
    }
  });

  it('gives each role exactly the permissions of the role table', async () => {
    for (const role of ROLES) {
      for (const r of practiceRoutes()) {
        const res = await send(clients[role], r.method, r.path);
        const code = res.statusCode >= 400 ? res.json().code : 'ok';
        const route = `${role} ${r.method} ${r.url}`;
        if (roleHasPermission(role, r.permission!)) {
          expect([route, code]).not.toEqual([route, 'forbidden']);
          expect([route, code]).not.toEqual([route, 'practice_not_found']);
        } else {
          expect([route, res.statusCode, code]).toEqual([route, 403, 'forbidden']);
        }
      }
    }
  });

  it('answers 401 to a request without a session on every non-public API route', async () => {
    const anonymous = new Client(t.app);
    for (const r of t.app.routeCatalog.filter((x) => x.url.startsWith('/api/v1/') && x.auth === 'session')) {
      const path = r.url.replace(/:[A-Za-z]+/g, () => randomUUID());
      const res = await send(anonymous, r.method, path);
      expect([`${r.method} ${r.url}`, res.statusCode]).toEqual([`${r.method} ${r.url}`, 401]);
    }
  });
});

describe('row-level security', () => {
  it('shows no practice rows to a transaction that has not named its practice', async () => {
    const seen = await t.db.transaction().execute(async (tx) => {
      await sql`SELECT set_config('role', 'dentalpro_app', true)`.execute(tx);
      return {
        audit: await tx.selectFrom('auditEvents').select('id').execute(),
        memberships: await tx.selectFrom('memberships').select('userId').execute(),
        invitations: await tx.selectFrom('invitations').select('id').execute(),
      };
    });
    expect(seen).toEqual({ audit: [], memberships: [], invitations: [] });
  });

  it("shows a practice-bound transaction only its own practice's rows", async () => {
    const practiceIds = await inPractice(t.db, practiceA.practiceId, (tx) =>
      tx.selectFrom('auditEvents').select('practiceId').distinct().execute(),
    );
    expect(practiceIds).toEqual([{ practiceId: practiceA.practiceId }]);
  });

  it('refuses to write a row of another practice', async () => {
    await expect(
      inPractice(t.db, practiceA.practiceId, (tx) =>
        tx
          .insertInto('memberships')
          .values({ practiceId: practiceB.practiceId, userId: practiceA.owner.id, role: 'owner' })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });
});
