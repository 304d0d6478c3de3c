import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { canonicalJson } from '../event-store/canonical-json.js';

export const ACCESS_LOG = Symbol('ACCESS_LOG');

/** One read of a case's data (or one refused attempt). */
export interface AccessRecord {
  /** ISO timestamp (UTC), from the service clock. */
  readonly at: string;
  readonly actor: string;
  readonly role: string;
  readonly unit: string | null;
  readonly caseId: string;
  /** The route as registered, e.g. `GET /cases/:caseId/timeline`; a list read names its own. */
  readonly route: string;
  /** The path as asked, with its query (e.g. `?asOf=2026-12-01`). */
  readonly path: string;
  readonly correlationId: string;
  readonly outcome: 'allowed' | 'denied';
}

export interface AccessLogEntry extends AccessRecord {
  readonly id: number;
  readonly prevHash: string | null;
  readonly hash: string;
}

interface Row {
  id: number;
  at: string;
  actor: string;
  role: string;
  unit: string | null;
  case_id: string;
  route: string;
  path: string;
  correlation_id: string;
  outcome: 'allowed' | 'denied';
  prev_hash: string | null;
  hash: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS access_log (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  at             TEXT NOT NULL,
  actor          TEXT NOT NULL,
  role           TEXT NOT NULL,
  unit           TEXT,
  case_id        TEXT NOT NULL,
  route          TEXT NOT NULL,
  path           TEXT NOT NULL,
  correlation_id TEXT NOT NULL,
  outcome        TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied')),
  prev_hash      TEXT,
  hash           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS access_log_case ON access_log (case_id, id);
CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log
  BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log
  BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
`;

/**
 * Who read which case, when, through which route: an append-only SQLite file of its own (never
 * the disposable read DB), `synchronous=FULL`, each row written and fsynced before the read is
 * answered. Rows cannot be updated or deleted (triggers), and each row carries the hash of the one
 * before it, so a row removed or changed behind the service's back shows in `verify()`.
 */
export class AccessLog {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly last: Database.Statement<[], { hash: string }>;
  private readonly appendTx: (records: readonly AccessRecord[]) => number[];

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.insert = this.db.prepare(
      `INSERT INTO access_log (at, actor, role, unit, case_id, route, path, correlation_id, outcome, prev_hash, hash)
       VALUES (@at, @actor, @role, @unit, @case_id, @route, @path, @correlation_id, @outcome, @prev_hash, @hash)`,
    );
    this.last = this.db.prepare<[], { hash: string }>('SELECT hash FROM access_log ORDER BY id DESC LIMIT 1');
    const tx = this.db.transaction((records: readonly AccessRecord[]) => {
      let prevHash = this.last.get()?.hash ?? null;
      return records.map((record) => {
        const hash = rowHash(record, prevHash);
        const result = this.insert.run({ ...toColumns(record), prev_hash: prevHash, hash });
        prevHash = hash;
        return Number(result.lastInsertRowid);
      });
    });
    this.appendTx = (records) => tx.immediate(records);
  }

  /** Durable when it returns (the WAL is fsynced); throws if it could not be written. */
  append(record: AccessRecord): number {
    return this.appendTx([record])[0]!;
  }

  /** Several reads at once (a list showing many cases): one transaction, one fsync. */
  appendMany(records: readonly AccessRecord[]): number[] {
    return records.length === 0 ? [] : this.appendTx(records);
  }

  private pending: Array<{ records: readonly AccessRecord[]; resolve: () => void; reject: (e: unknown) => void }> = [];

  /**
   * Group commit for requests: records queued in the same turn of the event loop are written in one
   * transaction (one fsync); each caller's promise resolves once its rows are durable, and rejects
   * if the transaction failed (then no caller's rows were written).
   */
  write(records: readonly AccessRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      if (this.pending.push({ records, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const group = this.pending;
    this.pending = [];
    try {
      this.appendTx(group.flatMap((g) => g.records));
    } catch (error) {
      for (const g of group) g.reject(error);
      return;
    }
    for (const g of group) g.resolve();
  }

  /** A case's entries, oldest first, after entry `after`. */
  forCase(caseId: string, options: { after?: number; limit?: number } = {}): AccessLogEntry[] {
    const rows = this.db
      .prepare<[string, number, number], Row>('SELECT * FROM access_log WHERE case_id = ? AND id > ? ORDER BY id LIMIT ?')
      .all(caseId, options.after ?? 0, options.limit ?? 1000);
    return rows.map(fromRow);
  }

  /** Walks the whole chain; reports the first row whose content or predecessor does not match. */
  verify(): { ok: boolean; entries: number; firstBroken?: { id: number; reason: string } } {
    let prev: string | null = null;
    let entries = 0;
    for (const row of this.db.prepare<[], Row>('SELECT * FROM access_log ORDER BY id').iterate()) {
      entries++;
      const entry = fromRow(row);
      if (entry.prevHash !== prev) return { ok: false, entries, firstBroken: { id: entry.id, reason: 'the row before it is missing or changed' } };
      if (rowHash(entry, prev) !== entry.hash) return { ok: false, entries, firstBroken: { id: entry.id, reason: 'the row was changed' } };
      prev = entry.hash;
    }
    return { ok: true, entries };
  }

  /** The settings that make an entry durable once append returns. */
  durability(): { journalMode: string; synchronous: string } {
    const synchronous = ['OFF', 'NORMAL', 'FULL', 'EXTRA'][this.db.pragma('synchronous', { simple: true }) as number] ?? 'unknown';
    return { journalMode: String(this.db.pragma('journal_mode', { simple: true })), synchronous };
  }

  close(): void {
    if (this.pending.length > 0) this.flush();
    if (this.db.open) this.db.close();
  }
}

function toColumns(r: AccessRecord) {
  return { at: r.at, actor: r.actor, role: r.role, unit: r.unit, case_id: r.caseId, route: r.route, path: r.path, correlation_id: r.correlationId, outcome: r.outcome };
}

function rowHash(r: AccessRecord, prevHash: string | null): string {
  return createHash('sha256').update(canonicalJson({ ...toColumns(r), prevHash })).digest('hex');
}

function fromRow(r: Row): AccessLogEntry {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    role: r.role,
    unit: r.unit,
    caseId: r.case_id,
    route: r.route,
    path: r.path,
    correlationId: r.correlation_id,
    outcome: r.outcome,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
