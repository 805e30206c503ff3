import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/connection.js';
import { decrypt, encrypt, sha256 } from './crypto.js';
import { type Tx, inPractice } from './tenancy.js';

/**
 * Envelope encryption for clinical data: each practice has its own AES-256 data key, stored
 * wrapped by the master ENCRYPTION_KEY. A database dump alone opens nothing; a leaked data key
 * opens one practice. Sealed values carry the key version they were sealed with:
 * version (4 bytes, big-endian) | AES-256-GCM ciphertext (see crypto.ts).
 */

/** A short fingerprint of a master key, stored beside what it wrapped. */
export const masterKeyId = (masterKey: Buffer) => sha256(masterKey).subarray(0, 8).toString('hex');

const wrapAad = (practiceId: string, version: number) => `practice:${practiceId}:data-key:${version}`;

/** Unwrapped keys, per master key and practice version: unwrapping on every read would be wasted work. */
const cache = new Map<string, Buffer>();
const cacheKey = (masterKey: Buffer, practiceId: string, version: number) =>
  `${masterKeyId(masterKey)}:${practiceId}:${version}`;

/**
 * Each practice's current version, as this process last read it: sealing is on the path of every
 * WhatsApp message, and the version changes only when `keys rotate` runs. Rotation in this process
 * forgets them at once; rotation by another process (the CLI) is seen here within this time, and
 * what is sealed meanwhile under the previous version stays readable, as all old data does.
 */
const CURRENT_VERSION_MS = 30_000;
const current = new Map<string, { version: number; key: Buffer; until: number }>();

async function currentKey(tx: Tx, masterKey: Buffer, practiceId: string): Promise<{ version: number; key: Buffer }> {
  const mine = `${masterKeyId(masterKey)}:${practiceId}`;
  const known = current.get(mine);
  if (known && known.until > Date.now()) return known;
  const found = await readCurrentKey(tx, masterKey, practiceId);
  // A key this transaction has just created is not remembered: the transaction may yet roll back.
  if (!found.created)
    current.set(mine, { version: found.version, key: found.key, until: Date.now() + CURRENT_VERSION_MS });
  return found;
}

async function readCurrentKey(
  tx: Tx,
  masterKey: Buffer,
  practiceId: string,
): Promise<{ version: number; key: Buffer; created?: true }> {
  const row = await tx
    .selectFrom('practiceDataKeys')
    .selectAll()
    .where('practiceId', '=', practiceId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (row)
    return {
      version: row.version,
      key: cache.get(cacheKey(masterKey, practiceId, row.version)) ?? unwrap(masterKey, row),
    };
  // First use: create version 1. Two first uses racing: the primary key keeps one, and the loser reads it.
  const key = randomBytes(32);
  const inserted = await tx
    .insertInto('practiceDataKeys')
    .values({
      practiceId,
      version: 1,
      wrappedKey: encrypt(masterKey, key, wrapAad(practiceId, 1)),
      masterKeyId: masterKeyId(masterKey),
    })
    .onConflict((oc) => oc.doNothing())
    .returning('version')
    .executeTakeFirst();
  if (inserted) return { version: 1, key, created: true };
  return readCurrentKey(tx, masterKey, practiceId);
}

async function keyVersion(tx: Tx, masterKey: Buffer, practiceId: string, version: number): Promise<Buffer> {
  const cached = cache.get(cacheKey(masterKey, practiceId, version));
  if (cached) return cached;
  const row = await tx
    .selectFrom('practiceDataKeys')
    .selectAll()
    .where('practiceId', '=', practiceId)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) throw new Error(`Data key version ${version} of practice ${practiceId} is missing`);
  return unwrap(masterKey, row);
}

function unwrap(
  masterKey: Buffer,
  row: { practiceId: string; version: number; wrappedKey: Buffer; masterKeyId: string },
): Buffer {
  if (row.masterKeyId !== masterKeyId(masterKey)) {
    throw new Error(
      `Data key ${row.version} of practice ${row.practiceId} is wrapped by another master key (${row.masterKeyId}); run \`npm run cli -- keys rotate\` with ENCRYPTION_KEY_PREVIOUS set`,
    );
  }
  const key = decrypt(masterKey, row.wrappedKey, wrapAad(row.practiceId, row.version));
  cache.set(cacheKey(masterKey, row.practiceId, row.version), key);
  return key;
}

/**
 * Seals a value for a practice. `aad` binds it to its place (e.g. `note:<id>`), so a ciphertext
 * copied to another row or practice does not open. `tx` must be bound to the practice.
 */
export async function sealForPractice(
  tx: Tx,
  masterKey: Buffer,
  practiceId: string,
  plaintext: Buffer | string,
  aad: string,
): Promise<Buffer> {
  const { version, key } = await currentKey(tx, masterKey, practiceId);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(version);
  return Buffer.concat([header, encrypt(key, plaintext, `${practiceId}:${aad}`)]);
}

export async function openForPractice(
  tx: Tx,
  masterKey: Buffer,
  practiceId: string,
  sealed: Buffer,
  aad: string,
): Promise<Buffer> {
  const key = await keyVersion(tx, masterKey, practiceId, sealed.readUInt32BE(0));
  return decrypt(key, sealed.subarray(4), `${practiceId}:${aad}`);
}

export async function openTextForPractice(
  tx: Tx,
  masterKey: Buffer,
  practiceId: string,
  sealed: Buffer,
  aad: string,
): Promise<string> {
  return (await openForPractice(tx, masterKey, practiceId, sealed, aad)).toString('utf8');
}

/**
 * openForPractice for work outside a practice's transaction (the WhatsApp dispatcher, a listener's
 * first look): a data key this process has unwrapped already opens at once, without a round trip;
 * otherwise one short transaction bound to the practice reads it.
 */
export async function openOutsidePractice(
  db: Db,
  masterKey: Buffer,
  practiceId: string,
  sealed: Buffer,
  aad: string,
): Promise<Buffer> {
  const key = cache.get(cacheKey(masterKey, practiceId, sealed.readUInt32BE(0)));
  if (key) return decrypt(key, sealed.subarray(4), `${practiceId}:${aad}`);
  return inPractice(db, practiceId, (tx) => openForPractice(tx, masterKey, practiceId, sealed, aad));
}

/**
 * keys rotate: re-wraps every practice's data keys under the current master key (those wrapped
 * by `previousMasterKey` are unwrapped with it), and gives each practice a new data key version
 * for what it seals from now on. Old data stays readable under its own version.
 */
export async function rotateDataKeys(
  db: Db,
  masterKey: Buffer,
  previousMasterKey?: Buffer,
): Promise<{ practices: number; rewrapped: number; newVersions: number }> {
  const practices = await db.selectFrom('practices').select('id').execute();
  let rewrapped = 0;
  for (const { id: practiceId } of practices) {
    await inPractice(db, practiceId, async (tx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`data-keys:${practiceId}`}))`.execute(tx);
      const rows = await tx.selectFrom('practiceDataKeys').selectAll().orderBy('version').execute();
      for (const row of rows) {
        if (row.masterKeyId === masterKeyId(masterKey)) continue;
        if (!previousMasterKey || row.masterKeyId !== masterKeyId(previousMasterKey)) {
          throw new Error(
            `Data key ${row.version} of practice ${practiceId} is wrapped by an unknown master key (${row.masterKeyId}); set ENCRYPTION_KEY_PREVIOUS to it`,
          );
        }
        const key = decrypt(previousMasterKey, row.wrappedKey, wrapAad(practiceId, row.version));
        await tx
          .updateTable('practiceDataKeys')
          .set({
            wrappedKey: encrypt(masterKey, key, wrapAad(practiceId, row.version)),
            masterKeyId: masterKeyId(masterKey),
          })
          .where('version', '=', row.version)
          .execute();
        rewrapped += 1;
      }
      const next = (rows.at(-1)?.version ?? 0) + 1;
      await tx
        .insertInto('practiceDataKeys')
        .values({
          practiceId,
          version: next,
          wrappedKey: encrypt(masterKey, randomBytes(32), wrapAad(practiceId, next)),
          masterKeyId: masterKeyId(masterKey),
        })
        .execute();
    });
  }
  cache.clear();
  current.clear();
  return { practices: practices.length, rewrapped, newVersions: practices.length };
}
