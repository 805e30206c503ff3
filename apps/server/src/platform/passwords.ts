import argon2 from 'argon2';

// argon2id with the OWASP-recommended minimum (19 MiB, 2 passes): ~30 ms here, and a
// login burst cannot exhaust the server's memory.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => argon2.hash(password, OPTIONS);

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Spend the same time on an unknown email as on a wrong password, so timing reveals no accounts. */
export async function verifyAgainstDummy(password: string) {
  dummyHash ??= hashPassword('dentalpro-dummy-password');
  await verifyPassword(await dummyHash, password);
}
