import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, makePractice, type TestApp } from './harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('harness', () => {
  it('logs in an owner made by the factory', async () => {
    const { owner, practiceId } = await makePractice(t.ctx);
    const client = new Client(t.app);
    const me = await client.login(owner.email);
    expect(me.memberships).toEqual([expect.objectContaining({ practiceId, role: 'owner' })]);
  });
});
