import { statSync } from 'node:fs';
import path from 'node:path';

/** The embedded store's file inside DATA_DIR. */
export const SQLITE_FILE_NAME = 'gatehouse.db';

/** mongodb://user:secret@host → mongodb://user:***@host, and any `…password=` query value: printable, never the secret. */
export function redactUri(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/[^:/@]+:)[^@]*@/, '$1***@').replace(/([?&][^=&]*password=)[^&]*/gi, '$1***');
}

/** Where a store lives, as an operator reads it: the SQLite file, or the MongoDB URI without credentials. */
export function describeStore(config: { dataDir: string; mongodbUri?: string }): string {
  return config.mongodbUri ? `MongoDB ${redactUri(config.mongodbUri)}` : `SQLite ${path.join(config.dataDir, SQLITE_FILE_NAME)}`;
}

/** A DATA_DIR that cannot hold the store, said in words (instead of a raw EEXIST/ENOTDIR from mkdir). */
export class StoreLocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreLocationError';
  }
}

/** Throws StoreLocationError when `dataDir` exists but is not a directory. */
export function checkDataDir(dataDir: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dataDir).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new StoreLocationError(`DATA_DIR ${dataDir} cannot be a directory: a part of its path is a file. Set DATA_DIR to a directory (the store is DATA_DIR/${SQLITE_FILE_NAME}).`);
    throw e;
  }
  if (!isDirectory) throw new StoreLocationError(`DATA_DIR ${dataDir} is a file, not a directory. Set DATA_DIR to a directory (the store is DATA_DIR/${SQLITE_FILE_NAME}).`);
}
