import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

/**
 * Where files live (clinical attachments, WhatsApp media; already sealed by the caller: the store
 * never sees plaintext).
 * The default keeps them under DATA_DIR/files/<practiceId>/<id>; an S3-compatible store can
 * implement the same three calls.
 */
export interface FileStore {
  put(key: string, bytes: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  delete(key: string): Promise<void>;
}

/** Keys are ours (uuids and slashes); anything else would let a key climb out of the root. */
const SAFE_KEY = /^[0-9a-f-]{36}(\/[0-9a-f-]{36})*$/;

export function localFileStore(root: string): FileStore {
  const fileOf = (key: string) => {
    if (!SAFE_KEY.test(key)) throw new Error(`Not a file store key: ${key}`);
    return path.join(root, ...key.split('/'));
  };
  return {
    async put(key, bytes) {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      // Write then rename: a reader never sees half a file.
      const temp = `${file}.${randomUUID()}.tmp`;
      await writeFile(temp, bytes, { mode: 0o600 });
      await rename(temp, file);
    },
    async get(key) {
      return readFile(fileOf(key));
    },
    async delete(key) {
      await rm(fileOf(key), { force: true });
    },
  };
}

/** The practice files store for this configuration. */
export const fileStoreOf = (ctx: { config: { dataDir: string } }): FileStore =>
  localFileStore(path.join(ctx.config.dataDir, 'files'));
