import { type FileStore, fileStoreOf } from '../../platform/file-store.js';

/**
 * What opens the practice's sealed data and where its files are, handed to the data owners'
 * erasure and purge (an erased document's file goes from the store too).
 */
export interface OwnerStores {
  encryptionKey: Buffer;
  files: FileStore;
}

export const ownerStoresOf = (ctx: { config: { encryptionKey: Buffer; dataDir: string } }): OwnerStores => ({
  encryptionKey: ctx.config.encryptionKey,
  files: fileStoreOf(ctx),
});
