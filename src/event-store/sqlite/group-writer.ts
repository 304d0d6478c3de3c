import Database from 'better-sqlite3';
import { canonicalJson } from '../canonical-json.js';
import { chainHash, chainHashOfCanonical } from '../chain.js';
import {
  ConcurrencyError,
  expectationHolds,
  IdempotencyConflictError,
  type AppendResult,
  type ExpectedVersion,
  type NewEvent,
} from '../event-store.port.js';

/**
 * An event as the writer thread gets it: data and metadata as the JSON text to store, and in
 * canonical JSON for its link (made by the caller's thread, which has the objects: parsing the
 * text again in the writer thread cost more than both, and that thread is the pipeline's slower
 * stage).
 */
export interface WireEvent {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: string;
  readonly metadata: string;
  readonly canonicalData: string;
  readonly canonicalMetadata: string;
}

/** One caller's append in a group. */
export interface GroupAppend<E> {
  readonly stream: string;
  readonly events: readonly E[];
  readonly expectedVersion: ExpectedVersion;
}

export type AppendOutcome<Err = unknown> = { ok: true; result: AppendResult } | { ok: false; error: Err };

/** How the writer gets at an event's stored text and its link. */
export interface EventCodec<E> {
  data(e: E): string;
  metadata(e: E): string;
  hash(e: E, prev: string | null): string;
}

/** Events as the callers made them (inline writer): stored as JSON.stringify writes them. */
export const objectCodec: EventCodec<NewEvent> = {
  data: (e) => JSON.stringify(e.data),
  metadata: (e) => JSON.stringify(e.metadata),
  hash: (e, prev) => chainHash(e, prev),
};

/** Events as text (writer thread): the same bytes stored and hashed as objectCodec's. */
export const jsonCodec: EventCodec<WireEvent> = {
  data: (e) => e.data,
  metadata: (e) => e.metadata,
  hash: (e, prev) => chainHashOfCanonical(e.type, e.schemaVersion, e.canonicalData, e.canonicalMetadata, prev),
};

/** The caller's event as text; throws as objectCodec would for what JSON or its canonical form cannot hold. */
export function toWireEvent(e: NewEvent): WireEvent {
  // An absent data or metadata is stored as before (and fails the insert as before); its link
  // takes the general form, which only objectCodec's chainHash writes.
  if (e.data === undefined || e.metadata === undefined) throw new TypeError('an event needs data and metadata');
  return {
    id: e.id,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: JSON.stringify(e.data),
    metadata: JSON.stringify(e.metadata),
    canonicalData: canonicalJson(e.data),
    canonicalMetadata: canonicalJson(e.metadata),
  };
}

/**
 * A group of appends in one transaction (one fsync), on the connection that writes: the inline
 * store's own, or the writer thread's. Each caller gets its own savepoint, so one caller's failed
 * expectation or surprise constraint error never fails the others. Throws only when the
 * transaction itself fails (nobody in the group is durable then).
 */
export class GroupWriter<E extends { readonly id: string; readonly type: string; readonly schemaVersion: number }> {
  private readonly stmt;
  private readonly begin;
  private readonly commit;
  private readonly rollback;
  /** How long the last group's COMMIT took (WAL write and fsync), in ms. */
  lastCommitMs = 0;

  /**
   * `dictionaryId`: data and metadata packed with that zstd dictionary of the file, and hashes
   * stored as their 32 bytes (zstd.ts); null: all stored as text.
   */
  constructor(
    private readonly db: Database.Database,
    private readonly codec: EventCodec<E>,
    dictionaryId: number | null = null,
  ) {
    const packed = dictionaryId !== null;
    const value = packed ? `zstd_pack(${Math.trunc(dictionaryId)}, ?)` : '?';
    const hash = packed ? 'unhex(?)' : '?';
    this.stmt = {
      streamHead: db.prepare<[string], { version: number; last_hash: string | null }>('SELECT version, last_hash FROM streams WHERE stream = ?'),
      upsertHead: db.prepare('INSERT INTO streams (stream, version, last_hash) VALUES (?, ?, ?) ON CONFLICT(stream) DO UPDATE SET version = excluded.version, last_hash = excluded.last_hash'),
      insert: db.prepare(`INSERT INTO events (stream, version, id, type, schema_version, data, metadata, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ${value}, ${value}, ${hash}, ${hash})`),
      byId: db.prepare<[string], { position: number; stream: string; version: number; hash: string }>('SELECT position, stream, version, hash_text(hash) AS hash FROM events WHERE id = ?'),
      // Prepared once: a group runs one savepoint per caller, so parsing them per append shows up.
      savepoint: db.prepare('SAVEPOINT one_append'),
      release: db.prepare('RELEASE one_append'),
      rollbackTo: db.prepare('ROLLBACK TO one_append'),
    };
    // IMMEDIATE: the write lock from the start, so another process's commit in between cannot make the upgrade fail (SQLITE_BUSY_SNAPSHOT).
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }

  /** Runs the group's transaction; answers one outcome per caller, in order, once COMMIT returned. */
  run(group: ReadonlyArray<GroupAppend<E>>): AppendOutcome[] {
    const outcomes: AppendOutcome[] = [];
    this.begin.run();
    try {
      for (const pending of group) {
        this.stmt.savepoint.run();
        try {
          outcomes.push({ ok: true, result: this.writeOne(pending) });
          this.stmt.release.run();
        } catch (error) {
          this.stmt.rollbackTo.run();
          this.stmt.release.run();
          outcomes.push({ ok: false, error });
        }
      }
      // Timed apart: the store sizes its groups by what a commit costs beyond the appends in it.
      const t0 = performance.now();
      this.commit.run();
      this.lastCommitMs = performance.now() - t0;
    } catch (error) {
      // SQLite may have rolled back already (it does on some I/O errors); the first error is the one to tell.
      if (this.db.inTransaction) {
        try {
          this.rollback.run();
        } catch {
          // nothing more to undo
        }
      }
      throw error;
    }
    return outcomes;
  }

  private writeOne({ stream, events, expectedVersion }: GroupAppend<E>): AppendResult {
    const duplicate = this.findDuplicate(stream, events);
    if (duplicate) return duplicate;
    const head = this.stmt.streamHead.get(stream);
    const current = head?.version ?? 0;
    if (!expectationHolds(expectedVersion, current)) throw new ConcurrencyError(stream, expectedVersion, current);
    let prev = head?.last_hash ?? null;
    let version = current;
    const positions: number[] = [];
    for (const e of events) {
      version += 1;
      const hash = this.codec.hash(e, prev);
      const info = this.stmt.insert.run(stream, version, e.id, e.type, e.schemaVersion, this.codec.data(e), this.codec.metadata(e), prev, hash);
      positions.push(Number(info.lastInsertRowid));
      prev = hash;
    }
    this.stmt.upsertHead.run(stream, version, prev);
    return { nextVersion: version, positions, duplicate: false, lastHash: prev! };
  }

  /** The same ids again: the first result, nothing written. Some of them only: a conflict. */
  private findDuplicate(stream: string, events: readonly E[]): AppendResult | null {
    let any = false;
    const found = events.map((e) => {
      const f = this.stmt.byId.get(e.id);
      any ||= f !== undefined;
      return f;
    });
    if (!any) return null;
    const present = found.filter((f) => f !== undefined);
    const sameBatch =
      present.length === events.length &&
      found.every((f, i) => f!.stream === stream && f!.version === found[0]!.version + i);
    if (!sameBatch) throw new IdempotencyConflictError(stream, `event ids ${events.map((e) => e.id).join(', ')} were already used for other events`);
    const last = found[found.length - 1]!;
    return { nextVersion: last.version, positions: found.map((f) => f!.position), duplicate: true, lastHash: last.hash };
  }
}

// ——— errors across the thread boundary ———

/** An error as posted by the writer thread: enough to make the same class again on the other side. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stream?: string;
  readonly expected?: ExpectedVersion;
  readonly actual?: number;
  readonly detail?: string;
}

export function toWireError(error: unknown): WireError {
  if (error instanceof ConcurrencyError) return { name: error.name, message: error.message, stream: error.stream, expected: error.expected, actual: error.actual };
  if (error instanceof IdempotencyConflictError) return { name: error.name, message: error.message, stream: error.stream, detail: error.detail };
  const e = error as { name?: unknown; message?: unknown; code?: unknown } | null;
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(error),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
}

/** The same classes the inline store throws: the HTTP layer maps them by instanceof (409, 422, 503). */
export function fromWireError(w: WireError): Error {
  switch (w.name) {
    case 'ConcurrencyError':
      return new ConcurrencyError(w.stream!, w.expected!, w.actual!);
    case 'IdempotencyConflictError':
      return new IdempotencyConflictError(w.stream!, w.detail!);
    case 'TypeError':
      return new TypeError(w.message);
    case 'RangeError':
      return new RangeError(w.message);
  }
  if (w.code !== undefined) return new Database.SqliteError(w.message, w.code);
  const error = new Error(w.message);
  error.name = w.name;
  return error;
}

// ——— a group as one string ———
// Posting one flat string to the writer thread is a copy; posting the same appends as objects made
// the structured clone the main thread's largest single cost (≈ 12 % of it). Every field is
// length-prefixed (`<length>:<text>`), so nothing in the text needs escaping.

const field = (s: string) => `${s.length}:${s}`;

/** The group's appends as one string; `events` already JSON text. */
export function encodeGroup(appends: ReadonlyArray<GroupAppend<WireEvent>>): string {
  let out = field(String(appends.length));
  for (const a of appends) {
    out += field(a.stream) + field(String(a.expectedVersion)) + field(String(a.events.length));
    for (const e of a.events) out += field(e.id) + field(e.type) + field(String(e.schemaVersion)) + field(e.data) + field(e.metadata) + field(e.canonicalData) + field(e.canonicalMetadata);
  }
  return out;
}

export function decodeGroup(text: string): Array<GroupAppend<WireEvent>> {
  let at = 0;
  const next = (): string => {
    const colon = text.indexOf(':', at);
    if (colon < 0) throw new RangeError('a group message cut short');
    const end = colon + 1 + Number(text.slice(at, colon));
    const value = text.slice(colon + 1, end);
    at = end;
    return value;
  };
  const appends: Array<GroupAppend<WireEvent>> = [];
  for (let n = Number(next()); n > 0; n--) {
    const stream = next();
    const ev = next();
    const expectedVersion: ExpectedVersion = ev === 'any' || ev === 'no_stream' ? ev : Number(ev);
    const events: WireEvent[] = [];
    for (let k = Number(next()); k > 0; k--) events.push({ id: next(), type: next(), schemaVersion: Number(next()), data: next(), metadata: next(), canonicalData: next(), canonicalMetadata: next() });
    appends.push({ stream, expectedVersion, events });
  }
  return appends;
}
