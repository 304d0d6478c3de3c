import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export const READ_DB = Symbol('READ_DB');

/**
 * The read side's SQLite file: projections, their checkpoints, the idempotency cache. All of it can
 * be rebuilt from the log, so it trades fsync-per-commit (synchronous=NORMAL in WAL) for speed.
 */
export function openReadDb(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return db;
}
