import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { CaseFold, Row } from './case-fold.js';
import type { StashOps, StashRecord } from './fold-cache.js';

/**
 * Where a rebuild keeps the cases that left its caches until it fills the tables at its end: a file
 * of its own beside the read DB, one row per case (per fold, its rows as JSON).
 *
 * Why not the tables themselves: case ids are random, so the cases leaving the caches landed all
 * over each of the tables' B-trees, and every commit rewrote nearly a page per table per case
 * written (150 000 households: ≈ 33 GB written through the WAL for a 2.2 GB read DB; the commits
 * alone took ≈ 26 s of the writing thread's ≈ 147). Here a case is one row; at the end each table is
 * filled once, in case order (StashReader.fill), so each of its pages is written once.
 */
export class RebuildStash {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly put: Database.Statement<unknown[]>;
  private gathered: StashOps = [];

  constructor(
    readPath: string,
    private readonly folds: number,
  ) {
    this.path = `${readPath}-rebuild`;
    removeDbFiles(this.path);
    this.db = new Database(this.path);
    // The fold worker reads records back with its own connection while this one writes.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('cache_size = -32768');
    const columns = Array.from({ length: folds }, (_, i) => `f${i}`);
    this.db.exec(`CREATE TABLE rebuild_stash (case_id TEXT NOT NULL UNIQUE, ${columns.map((c) => `${c} TEXT`).join(', ')})`);
    this.put = this.db.prepare(`INSERT OR REPLACE INTO rebuild_stash (case_id, ${columns.join(', ')}) VALUES (?, ${columns.map(() => '?').join(', ')})`);
    this.db.exec('BEGIN');
  }

  /** Records to write at the next `flush`, in the order they came (a later one of a case wins). */
  add(ops: StashOps): void {
    for (const x of ops) this.gathered.push(x);
  }

  /** Writes what was gathered (in case order: neighbours in the case index) and commits. */
  flush(): void {
    const g = this.gathered;
    this.gathered = [];
    const stride = this.folds + 1;
    const order = Array.from({ length: g.length / stride }, (_, k) => k * stride);
    // Array.prototype.sort is stable: a case's records stay in the order they came.
    order.sort((a, b) => (g[a]! < g[b]! ? -1 : g[a]! > g[b]! ? 1 : 0));
    for (const k of order) this.put.run(g.slice(k, k + stride));
    this.db.exec('COMMIT');
    this.db.exec('BEGIN');
  }

  /**
   * Closes the stash and removes its files, in the background: freeing a file of a few GB takes the
   * kernel ≈ 1–2 s, which the writing thread spends on the copy meanwhile (the caller awaits it last).
   */
  close(): Promise<void> {
    if (!this.db.open) return Promise.resolve();
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.db.close();
    return Promise.all([this.path, `${this.path}-wal`, `${this.path}-shm`].map((f) => rm(f, { force: true }))).then(() => undefined);
  }
}

/** The stash's committed records, read with a connection of its own (each thread has one). */
export class StashReader {
  private readonly db: Database.Database;
  private readonly get: Database.Statement<[string], StashRecord>;

  constructor(path: string, folds: number) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    const columns = Array.from({ length: folds }, (_, i) => `f${i}`);
    this.get = this.db.prepare<[string], StashRecord>(`SELECT ${columns.join(', ')} FROM rebuild_stash WHERE case_id = ?`).raw();
  }

  load(caseId: string): StashRecord | undefined {
    return this.get.get(caseId);
  }

  /**
   * Fills the tables of the folds `which` (indexes into `folds`) in `db`, in its open transaction,
   * from every record, in case order: rows go to the end of each table's B-tree. Each case's rows
   * are written once, so a plain INSERT.
   */
  fill(db: Database.Database, folds: readonly CaseFold<unknown>[], which: readonly number[]): void {
    if (which.length === 0) return;
    const after = this.db.prepare<[string, number], Array<string | null>>(`SELECT case_id, ${which.map((i) => `f${i}`).join(', ')} FROM rebuild_stash WHERE case_id > ? ORDER BY case_id LIMIT ?`).raw();
    const inserts = which.map((i) => folds[i]!.tables.map((t) => db.prepare(`INSERT INTO ${t.name} (${t.columns.join(', ')}) VALUES (${t.columns.map(() => '?').join(', ')})`)));
    let last = '';
    for (;;) {
      const chunk = after.all(last, 2000);
      if (chunk.length === 0) break;
      for (const record of chunk) {
        for (let k = 0; k < which.length; k++) {
          const json = record[k + 1];
          if (!json) continue;
          const tables = JSON.parse(json) as Row[][];
          const statements = inserts[k]!;
          for (let t = 0; t < tables.length; t++) {
            const statement = statements[t]!;
            for (const row of tables[t]!) statement.run(row as unknown[]);
          }
        }
      }
      last = chunk[chunk.length - 1]![0]!;
    }
  }

  get open(): boolean {
    return this.db.open;
  }

  close(): void {
    this.db.close();
  }
}

/** A SQLite file and its WAL and shared memory, removed. */
export function removeDbFiles(path: string): void {
  for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
}
