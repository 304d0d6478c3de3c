import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Events' data and metadata compressed below the hash chain (docs/architecture.md, "Storage
 * format"): zstd with a dictionary trained on the demo kommun, by a small SQLite extension
 * (native/bistand-zstd.c, built by `npm install` / `npm test` through native/build.mjs). The chain
 * is over the canonical JSON as before; what is stored is the packed bytes of the same text.
 */

/** The extension: SQL functions zstd_pack(dict_id, text), zstd_text(value), zstd_version(). */
export const ZSTD_EXTENSION = fileURLToPath(new URL('../../../native/build/bistand-zstd.so', import.meta.url));

/**
 * The dictionary new rows are packed with (native/train-dictionary.mjs made it). A later one gets
 * the next id and its own file; files keep every dictionary their rows were packed with.
 */
export const EVENTS_DICTIONARY = {
  id: 1,
  path: fileURLToPath(new URL('../../../native/dictionaries/events-1.zdict', import.meta.url)),
  sha256: 'd34d5c05fdc0a97499aba9021d21885afe8e23b31215959b7da970ae8a854dbb',
} as const;

/** An `events` row's columns as read: data, metadata and hashes as text whether packed or not. */
export const EVENT_COLUMNS =
  'position, stream, version, id, type, schema_version, zstd_text(data) AS data, zstd_text(metadata) AS metadata, hash_text(prev_hash) AS prev_hash, hash_text(hash) AS hash';

/**
 * One stream's rows as read (the stream left out: the reader knows it), in the same format. The
 * prev_hash of a row the store vouches for already (at or below @vouchedThrough, or at or below
 * @vouchedVersion of this stream) is left out as NULL: it is the previous row's hash, and not
 * making 500 strings nobody reads is ≈ 6 % of a 5-year case's timeline (docs/performance.md).
 */
export const STREAM_ROW_COLUMNS =
  'position, version, id, type, schema_version, zstd_text(data), zstd_text(metadata), CASE WHEN position <= @vouchedThrough OR version <= @vouchedVersion THEN NULL ELSE hash_text(prev_hash) END, hash_text(hash)';

/** In the store's own file, so it can be read wherever it is copied to. */
const DICTIONARIES_SCHEMA = `CREATE TABLE IF NOT EXISTS zstd_dictionaries (
  id         INTEGER PRIMARY KEY,
  dict       BLOB NOT NULL,
  sha256     TEXT NOT NULL,
  created_at TEXT NOT NULL
)`;

/** What a connection got: the extension, or why not. */
export type ZstdLoad = { readonly loaded: true } | { readonly loaded: false; readonly reason: string };

let warned = false;
/** The shipped dictionary's bytes, read and checked once per process. */
let shipped: Buffer | null = null;

/**
 * Loads the zstd functions into a connection that reads or writes `events`. When that fails, says
 * so once per process and registers a zstd_text that passes text through, so the same SQL runs on
 * a file of uncompressed rows (a file with packed rows is refused before it is read: checkZstdFile).
 * `null` as the extension: do not load it (tests of that case).
 */
export function loadZstd(db: Database.Database, extension: string | null = ZSTD_EXTENSION): ZstdLoad {
  try {
    if (extension === null) throw new Error('turned off');
    // The entry point named (better-sqlite3 12 takes it; its types do not say so yet).
    (db as unknown as { loadExtension(path: string, entryPoint: string): void }).loadExtension(extension, 'sqlite3_bistandzstd_init');
    return { loaded: true };
  } catch (error) {
    const reason = `${extension ?? 'no extension'}: ${(error as Error).message}`;
    if (!warned) {
      warned = true;
      console.warn(`bistand: the zstd extension did not load (${reason}); new event stores are written uncompressed, a store with compressed events cannot be opened`);
    }
    db.function('zstd_text', { deterministic: true }, (value: unknown) => (typeof value === 'string' || value === null ? value : 'zstd_text: cannot decompress: the zstd extension is not loaded'));
    db.function('hash_text', { deterministic: true }, (value: unknown) => (Buffer.isBuffer(value) ? value.toString('hex') : (value as string | null)));
    return { loaded: false, reason };
  }
}

/**
 * On the store's writing connection at open: with the extension, the shipped dictionary is put in
 * the file (a new file, or an old one of text rows: its new rows are packed from now on) and its id
 * is what new rows are packed with. Without it, a file that has dictionaries (so may hold packed
 * rows) is refused, and new rows are written as text.
 */
export function prepareZstdFile(db: Database.Database, path: string, load: ZstdLoad): number | null {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'zstd_dictionaries'").get() !== undefined;
  if (!load.loaded) {
    const ids = hasTable ? (db.prepare('SELECT id FROM zstd_dictionaries ORDER BY id').pluck().all() as number[]) : [];
    if (ids.length > 0) {
      throw new Error(
        `the event store file ${path} holds zstd-compressed events (dictionaries ${ids.join(', ')}) but the zstd extension did not load (${load.reason}); build it with \`node native/build.mjs\` (needs cc and libzstd.so.1)`,
      );
    }
    return null;
  }
  const { id, sha256 } = EVENTS_DICTIONARY;
  if (!hasTable) db.exec(DICTIONARIES_SCHEMA);
  const stored = db.prepare<[number], string>('SELECT sha256 FROM zstd_dictionaries WHERE id = ?').pluck();
  if (stored.get(id) === undefined) {
    if (!shipped) {
      const dict = readFileSync(EVENTS_DICTIONARY.path);
      const actual = createHash('sha256').update(dict).digest('hex');
      if (actual !== sha256) throw new Error(`the zstd dictionary ${EVENTS_DICTIONARY.path} is not the one this code was made with (sha256 ${actual}, expected ${sha256})`);
      shipped = dict;
    }
    const dict = shipped;
    // OR IGNORE: another process opening the same new file may have put it there meanwhile.
    db.prepare('INSERT OR IGNORE INTO zstd_dictionaries (id, dict, sha256, created_at) VALUES (?, ?, ?, ?)').run(id, dict, sha256, new Date().toISOString());
  }
  const found = stored.get(id);
  if (found !== sha256) throw new Error(`the event store file ${path} has another zstd dictionary ${id} (sha256 ${found}) than this code packs with (${sha256})`);
  return id;
}
