import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { chainHash, verifyChain } from '../chain.js';
import {
  ConcurrencyError,
  expectationHolds,
  IdempotencyConflictError,
  StoreUnavailableError,
  type AppendResult,
  type ChainVerification,
  type EventStore,
  type ExpectedVersion,
  type LiveSubscription,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from '../event-store.port.js';
import { UpcasterRegistry } from '../upcasters.js';
import { PollingSubscription } from './polling-subscription.js';

interface EventRow {
  position: number;
  stream: string;
  version: number;
  id: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  prev_hash: string | null;
  hash: string;
}

interface PendingAppend {
  stream: string;
  events: readonly NewEvent[];
  expectedVersion: ExpectedVersion;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

export interface SqliteEventStoreOptions {
  /** Most appends folded into one transaction (one fsync). */
  readonly maxGroupSize?: number;
  /** Live subscriptions also poll, to see appends made by another process (the CLI). */
  readonly pollIntervalMs?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position       INTEGER PRIMARY KEY,
  stream         TEXT    NOT NULL,
  version        INTEGER NOT NULL,
  id             TEXT    NOT NULL UNIQUE,
  type           TEXT    NOT NULL,
  schema_version INTEGER NOT NULL,
  data           TEXT    NOT NULL,
  metadata       TEXT    NOT NULL,
  prev_hash      TEXT,
  hash           TEXT    NOT NULL,
  UNIQUE (stream, version)
);
CREATE TABLE IF NOT EXISTS streams (
  stream    TEXT PRIMARY KEY,
  version   INTEGER NOT NULL,
  last_hash TEXT
) WITHOUT ROWID;
`;

/**
 * Embedded event store: better-sqlite3, WAL, synchronous=FULL, one connection that writes.
 *
 * Group commit: append() only queues; a flush scheduled with setImmediate writes everything queued
 * in one transaction (one fsync) and answers each caller after COMMIT returned, i.e. once durable.
 * Each caller's expectation and idempotency are checked on its own inside the transaction, so one
 * caller's failure never fails the others in the group.
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  private transactions = 0;
  private appended = 0;
  private readonly listeners = new Set<() => void>();
  private readonly subscriptions = new Set<PollingSubscription>();
  private readonly maxGroupSize: number;
  private readonly pollIntervalMs: number;
  private readonly stmt;

  constructor(
    readonly path: string,
    private readonly upcasters: UpcasterRegistry = new UpcasterRegistry(),
    options: SqliteEventStoreOptions = {},
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.maxGroupSize = options.maxGroupSize ?? 512;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.stmt = {
      streamHead: this.db.prepare<[string], { version: number; last_hash: string | null }>('SELECT version, last_hash FROM streams WHERE stream = ?'),
      upsertHead: this.db.prepare('INSERT INTO streams (stream, version, last_hash) VALUES (?, ?, ?) ON CONFLICT(stream) DO UPDATE SET version = excluded.version, last_hash = excluded.last_hash'),
      insert: this.db.prepare('INSERT INTO events (stream, version, id, type, schema_version, data, metadata, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      byId: this.db.prepare<[string], { position: number; stream: string; version: number }>('SELECT position, stream, version FROM events WHERE id = ?'),
      readStream: this.db.prepare<[string, number, number], EventRow>('SELECT * FROM events WHERE stream = ? AND version >= ? AND version <= ? ORDER BY version'),
      readAll: this.db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
      lastPosition: this.db.prepare<[], { p: number | null }>('SELECT MAX(position) AS p FROM events'),
      streams: this.db.prepare<[], { stream: string }>('SELECT stream FROM streams ORDER BY stream'),
    };
  }

  append(stream: string, events: readonly NewEvent[], options: { expectedVersion: ExpectedVersion }): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('the event store is closed'));
    if (events.length === 0) return Promise.reject(new RangeError('append needs at least one event'));
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ stream, events, expectedVersion: options.expectedVersion, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const group = this.queue.splice(0, this.maxGroupSize);
    if (this.queue.length > 0) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    if (group.length === 0) return;
    const outcomes: Array<{ ok: true; result: AppendResult } | { ok: false; error: unknown }> = [];
    const run = this.db.transaction(() => {
      for (const pending of group) {
        // A savepoint per caller: a surprise constraint error undoes only that caller's rows.
        this.db.exec('SAVEPOINT one_append');
        try {
          outcomes.push({ ok: true, result: this.writeOne(pending) });
          this.db.exec('RELEASE one_append');
        } catch (error) {
          this.db.exec('ROLLBACK TO one_append');
          this.db.exec('RELEASE one_append');
          outcomes.push({ ok: false, error });
        }
      }
    });
    try {
      run();
      this.transactions += 1;
      this.appended += group.length;
    } catch (error) {
      // The transaction itself failed (disk full, I/O error): nobody in the group is durable.
      for (const p of group) p.reject(error);
      return;
    }
    group.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.result);
      else p.reject(o.error);
    });
    for (const notify of this.listeners) notify();
  }

  private writeOne({ stream, events, expectedVersion }: PendingAppend): AppendResult {
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
      const hash = chainHash(e, prev);
      const info = this.stmt.insert.run(stream, version, e.id, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata), prev, hash);
      positions.push(Number(info.lastInsertRowid));
      prev = hash;
    }
    this.stmt.upsertHead.run(stream, version, prev);
    return { nextVersion: version, positions, duplicate: false };
  }

  /** The same ids again: the first result, nothing written. Some of them only: a conflict. */
  private findDuplicate(stream: string, events: readonly NewEvent[]): AppendResult | null {
    const found = events.map((e) => this.stmt.byId.get(e.id));
    const present = found.filter((f) => f !== undefined);
    if (present.length === 0) return null;
    const sameBatch =
      present.length === events.length &&
      found.every((f, i) => f!.stream === stream && f!.version === found[0]!.version + i);
    if (!sameBatch) throw new IdempotencyConflictError(stream, `event ids ${events.map((e) => e.id).join(', ')} were already used for other events`);
    return { nextVersion: found[found.length - 1]!.version, positions: found.map((f) => f!.position), duplicate: true };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.readStreamRaw(stream, options).map((e) => this.upcasters.upcast(e));
  }

  private readStreamRaw(stream: string, options: ReadStreamOptions = {}): RecordedEvent[] {
    this.assertOpen();
    const from = options.fromVersion ?? 1;
    const to = options.toVersion ?? Number.MAX_SAFE_INTEGER;
    return this.stmt.readStream.all(stream, from, to).map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.readAllSync(options);
  }

  /** Synchronous read for in-process projections (rebuild speed). */
  readAllSync(options: ReadAllOptions = {}): RecordedEvent[] {
    this.assertOpen();
    const rows = this.stmt.readAll.all(options.fromPosition ?? 0, options.limit ?? 1000);
    return rows.map((r) => this.upcasters.upcast(toRecorded(r)));
  }

  subscribeToAll(options: SubscribeOptions): LiveSubscription {
    const sub = new PollingSubscription(
      (from, limit) => this.readAllSync({ fromPosition: from, limit }),
      (notify) => {
        this.listeners.add(notify);
        return () => this.listeners.delete(notify);
      },
      options,
      this.pollIntervalMs,
    );
    this.subscriptions.add(sub);
    sub.finished.then(() => this.subscriptions.delete(sub));
    return sub;
  }

  async verifyStream(stream: string): Promise<ChainVerification> {
    const raw = this.readStreamRaw(stream);
    const result = verifyChain(stream, raw);
    if (!result.ok) return result;
    const head = this.stmt.streamHead.get(stream);
    const last = raw[raw.length - 1];
    if (head && last && (head.version !== last.version || head.last_hash !== last.hash)) {
      return { stream, ok: false, events: raw.length, firstBroken: { version: head.version, id: last.id, reason: 'stream head does not match its last event (events removed?)' } };
    }
    return result;
  }

  async *listStreams(): AsyncIterable<string> {
    this.assertOpen();
    for (const row of this.stmt.streams.iterate()) yield row.stream;
  }

  async lastPosition(): Promise<number> {
    this.assertOpen();
    return this.stmt.lastPosition.get()?.p ?? 0;
  }

  async health(): Promise<{ reachable: boolean; lastPosition: number | null; detail?: string }> {
    try {
      return { reachable: true, lastPosition: await this.lastPosition() };
    } catch (e) {
      return { reachable: false, lastPosition: null, detail: (e as Error).message };
    }
  }

  /** SQLite's own check of the file (pages, indexes); used at start and by `verify`. */
  integrityCheck(): string[] {
    const rows = this.db.pragma('quick_check') as Array<{ quick_check: string }>;
    return rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
  }

  /** Finishes queued appends, stops subscriptions, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.queue.length > 0) this.flush();
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.db.close();
  }

  /** Group-commit figures: how many transactions carried how many appends. */
  stats(): { transactions: number; appends: number } {
    return { transactions: this.transactions, appends: this.appended };
  }

  /** For tests of tamper detection only. */
  rawDatabase(): Database.Database {
    return this.db;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the event store is closed');
  }
}

function toRecorded(r: EventRow): RecordedEvent {
  return {
    id: r.id,
    stream: r.stream,
    version: r.version,
    globalPosition: r.position,
    type: r.type,
    schemaVersion: r.schema_version,
    data: JSON.parse(r.data),
    metadata: JSON.parse(r.metadata),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
