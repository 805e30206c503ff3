import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makePractice, type TestApp } from '../../test/harness.js';
import { masterKeyId, openTextForPractice, rotateDataKeys, sealForPractice } from './data-keys.js';
import { inPractice } from './tenancy.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const master = () => t.ctx.config.encryptionKey;

describe('practice data keys', () => {
  it('seals so that the stored bytes are not the plaintext, and opens them again', async () => {
    const { practiceId } = await makePractice(t.ctx);
    const secret = 'Allergic to penicillin; takes warfarin';
    const sealed = await inPractice(t.db, practiceId, (tx) =>
      sealForPractice(tx, master(), practiceId, secret, 'patient:1:alerts'),
    );
    expect(sealed.includes(Buffer.from(secret))).toBe(false);
    expect(sealed.includes(Buffer.from('penicillin'))).toBe(false);
    expect(
      await inPractice(t.db, practiceId, (tx) =>
        openTextForPractice(tx, master(), practiceId, sealed, 'patient:1:alerts'),
      ),
    ).toBe(secret);
    // The data key itself is stored wrapped, never in clear.
    const [row] = await inPractice(t.db, practiceId, (tx) => tx.selectFrom('practiceDataKeys').selectAll().execute());
    expect(row!.wrappedKey.length).toBe(1 + 12 + 16 + 32);
    expect(row!.masterKeyId).toBe(masterKeyId(master()));
  });

  it('refuses a ciphertext moved to another place or another practice', async () => {
    const a = await makePractice(t.ctx);
    const b = await makePractice(t.ctx);
    const sealed = await inPractice(t.db, a.practiceId, (tx) =>
      sealForPractice(tx, master(), a.practiceId, 'note', 'note:1'),
    );
    await expect(
      inPractice(t.db, a.practiceId, (tx) => openTextForPractice(tx, master(), a.practiceId, sealed, 'note:2')),
    ).rejects.toThrow();
    await inPractice(t.db, b.practiceId, (tx) => sealForPractice(tx, master(), b.practiceId, 'x', 'init'));
    await expect(
      inPractice(t.db, b.practiceId, (tx) => openTextForPractice(tx, master(), b.practiceId, sealed, 'note:1')),
    ).rejects.toThrow();
  });

  it('does not go on sealing with a key whose creating transaction rolled back', async () => {
    const { practiceId } = await makePractice(t.ctx);
    await inPractice(t.db, practiceId, (tx) => tx.deleteFrom('practiceDataKeys').execute());
    // The practice's first seal creates its key, in a transaction that then fails.
    await expect(
      inPractice(t.db, practiceId, async (tx) => {
        await sealForPractice(tx, master(), practiceId, 'lost with the transaction', 'x');
        throw new Error('the use case failed after sealing');
      }),
    ).rejects.toThrow('the use case failed');
    expect(await inPractice(t.db, practiceId, (tx) => tx.selectFrom('practiceDataKeys').selectAll().execute())).toEqual(
      [],
    );
    // The next seal makes (and stores) a key of its own: what it sealed opens.
    const sealed = await inPractice(t.db, practiceId, (tx) => sealForPractice(tx, master(), practiceId, 'kept', 'y'));
    expect(await inPractice(t.db, practiceId, (tx) => openTextForPractice(tx, master(), practiceId, sealed, 'y'))).toBe(
      'kept',
    );
  });

  it('seals under the new version at once after a rotation by this process', async () => {
    const { practiceId } = await makePractice(t.ctx);
    const seal = (text: string) =>
      inPractice(t.db, practiceId, (tx) => sealForPractice(tx, master(), practiceId, text, 'z'));
    const before = (await seal('before')).readUInt32BE(0);
    await seal('remembered'); // the current version is now known to this process
    await rotateDataKeys(t.db, master());
    const after = await seal('after');
    expect(after.readUInt32BE(0)).toBe(before + 1);
    expect(await inPractice(t.db, practiceId, (tx) => openTextForPractice(tx, master(), practiceId, after, 'z'))).toBe(
      'after',
    );
  });
  it('re-wraps under a new master key; old data still opens and new data uses a new version', async () => {
    const { practiceId } = await makePractice(t.ctx);
    const oldMaster = master();
    const sealed = await inPractice(t.db, practiceId, (tx) =>
      sealForPractice(tx, oldMaster, practiceId, 'before rotation', 'x'),
    );
    const newMaster = randomBytes(32);
    await expect(
      inPractice(t.db, practiceId, (tx) => openTextForPractice(tx, newMaster, practiceId, sealed, 'x')),
    ).rejects.toThrow(/another master key/);
    await expect(rotateDataKeys(t.db, newMaster)).rejects.toThrow(/ENCRYPTION_KEY_PREVIOUS/);
    const result = await rotateDataKeys(t.db, newMaster, oldMaster);
    expect(result.rewrapped).toBeGreaterThanOrEqual(1);
    expect(
      await inPractice(t.db, practiceId, (tx) => openTextForPractice(tx, newMaster, practiceId, sealed, 'x')),
    ).toBe('before rotation');
    const after = await inPractice(t.db, practiceId, (tx) =>
      sealForPractice(tx, newMaster, practiceId, 'after rotation', 'y'),
    );
    expect(after.readUInt32BE(0)).toBe(2);
    const masters = await sql<{ id: string }>`SELECT DISTINCT master_key_id AS id FROM practice_data_keys`.execute(
      t.db,
    );
    expect(masters.rows.map((r) => r.id)).toEqual([masterKeyId(newMaster)]);
  });
});
