import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { linkProblem, verifyChain } from '../chain.js';
import {
  ChainBrokenError,
  StoreDamagedError,
  StoreUnavailableError,
  type AppendResult,
  type ChainVerification,
  type EventStore,
  type ExpectedVersion,
  type IntegrityReport,
  type LiveSubscription,
  type NewEvent,
  type ProjectionEvent,
  type ReadForProjectionsBatch,
  type ReadForProjectionsOptions,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamHead,
  type SubscribeOptions,
} from '../event-store.port.js';
import { UpcasterRegistry } from '../upcasters.js';
import { BackgroundVerification, type BackgroundVerificationOptions } from './background-verification.js';
import type { ScanProgress } from './chain-scan.js';
import { fromWireError, GroupWriter, objectCodec, toWireEvent, type AppendOutcome, type WireEvent } from './group-writer.js';
import { WriterThread, type WriterResponse } from './writer-thread.js';
import { Checkpointer } from './checkpointer.js';
import { PollingSubscription } from './polling-subscription.js';
import { EVENT_COLUMNS, loadZstd, prepareZstdFile, STREAM_ROW_COLUMNS, ZSTD_EXTENSION } from './zstd.js';

/** readForProjections' query (raw rows: position, stream, version, type, schema_version, data or null when the type is not asked for). */
export const READ_FOR_PROJECTIONS_SQL = `SELECT position, stream, version, type, schema_version,
     CASE WHEN @types IS NULL OR type IN (SELECT value FROM json_each(@types)) THEN zstd_text(data) END
   FROM events WHERE position > @from ORDER BY position LIMIT @limit`;
export type ProjectionRow = [position: number, stream: string, version: number, type: string, schemaVersion: number, data: string | null];
export interface ProjectionSource {
  readonly path: string;
  readonly currentVersions: Readonly<Record<string, number>>;
}

/** An `events` row as read (shared with the chain scan; EVENT_COLUMNS). */
export interface EventRow {
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

/**
 * A row of one stream, raw (`readStream`, STREAM_ROW_COLUMNS): the stream is the one asked for;
 * prevHash is null for version 1, and for a row the read was told is vouched for (see Vouched).
 */
type StreamRow = [position: number, version: number, id: string, type: string, schemaVersion: number, data: string, metadata: string, prevHash: string | null, hash: string];

/**
 * The rows a stream read may leave prev_hash out of: those the store vouches for before reading
 * (a complete background pass covered them, or this process verified the stream up to a version).
 * Whether they are vouched for still is decided on the rows read (trustedPrefix); when one is not,
 * the stream is read again whole (`leftOutBeyond`).
 */
interface Vouched {
  readonly through: number;
  readonly version: number;
}
const NOTHING_VOUCHED: Vouched = { through: 0, version: 0 };

/** Whether a row past the trusted prefix had its prev_hash left out. */
function leftOutBeyond(rows: readonly StreamRow[], trusted: number, vouched: Vouched): boolean {
  for (let i = trusted; i < rows.length; i++) if (rows[i]![0] <= vouched.through || rows[i]![1] <= vouched.version) return true;
  return false;
}

interface StreamRead {
  stream: string;
  from: number;
  to: number;
  vouchedThrough: number;
  vouchedVersion: number;
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
  /** Streams whose verified head is remembered, so a stream read again is not hashed again. */
  readonly verifiedHeadsCacheSize?: number;
  /**
   * Where the group's transaction runs: `inline` (default) on this thread; `worker` in a thread of
   * its own with its own connection (writer.worker.ts), so the event loop goes on deciding commands
   * while a group commits: half the main thread's CPU per command, but ≈ 15–20 µs more CPU in all
   * and, on this VM shared with other work, fewer commands/s (docs/performance.md). ':memory:' is
   * always inline (a thread cannot share it).
   */
  readonly writer?: 'worker' | 'inline';
  /**
   * WAL checkpoints: `thread` (default for a file) in a thread of their own (checkpointer.ts), the
   * writer's automatic checkpoint raised to a backstop; `inline`: SQLite's default, inside COMMIT.
   */
  readonly checkpoints?: 'thread' | 'inline';
  /**
   * The zstd extension (zstd.ts; default native/build/bistand-zstd.so). Null, or one that does not
   * load: new rows are stored as text, and a file with compressed rows is refused at open.
   */
  readonly zstdExtension?: string | null;
}

/** The writer's own automatic checkpoint when a thread checkpoints: ≈ 80 MB of WAL, a backstop only. */
const BACKSTOP_CHECKPOINT_PAGES = 20_000;

/**
 * How long (in commits' worth of time) the writer thread may stay idle while a group gathers.
 * Measured on the 2 000-household log: handing over the moment it was idle (1 ×) split 64 callers
 * into two groups of 32 for good, and the second fsync per round cost more than the overlap gained
 * on a real disk; at 2 × they split on tmpfs and stay whole on the disk.
 */
const IDLE_COMMITS = 2;

/** SQLite's words for a file it cannot trust (broken pages, not a database). */
export function isDamageError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
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
 * caller's failure never fails the others in the group (group-writer.ts).
 *
 * With the writer thread (writer-thread.ts) the transaction runs there, on its own connection; this
 * thread's connection only reads (WAL: it sees a group once committed). One group commits at a
 * time; appends made meanwhile form the next group, handed over once the thread is idle.
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  /** Where the group's transaction runs (see SqliteEventStoreOptions.writer). */
  readonly writer: 'worker' | 'inline';
  /** The zstd dictionary new rows' data and metadata are packed with; null: stored as text. */
  readonly dictionaryId: number | null;
  private readonly zstdExtension: string | null;
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
  private readonly inlineWriter: GroupWriter<NewEvent> | null;
  private readonly writerThread: WriterThread | null;
  /** Started by the first append: a store that only reads (rebuild, verify, CLI) needs no thread. */
  private checkpointer: Checkpointer | null = null;
  private readonly checkpointsInThread: boolean;
  /** Called once nothing is queued or in the writer thread (close waits for it). */
  private idleWaiters: Array<() => void> = [];
  /** What a COMMIT in the writer thread has cost lately (ms, moving average): its WAL write and fsync. */
  private commitMs = 1;
  /** A stream's rows and its head row, in one read transaction (one snapshot). */
  private readonly readWithHead: (stream: string, vouched: Vouched) => { rows: StreamRow[]; head: { version: number; last_hash: string | null } | undefined };
  /** The hash stored at a version, the rows after it and the head row, in one read transaction. */
  private readonly readAfter: (stream: string, version: number, vouched: Vouched) => { anchor: string | undefined; rows: StreamRow[]; head: { version: number; last_hash: string | null } | undefined };
  // ——— what the store can vouch for ———
  /** Set once the file is known damaged: from then on nothing is read or written. */
  private damage: string | null = null;
  private fileState: IntegrityReport['file'] = 'unchecked';
  /** Streams whose chain is broken: refused until a restart finds them intact. */
  private readonly refused = new Map<string, ChainVerification>();
  /** Every event up to this position was verified by a complete background pass. */
  private verifiedThrough = 0;
  private chainsState: IntegrityReport['chains'] = { state: 'on_read', verifiedThrough: 0 };
  /** Last verified (version, hash) per stream, most recently used last; bounded. */
  private readonly verifiedHeads = new Map<string, { version: number; hash: string }>();
  private readonly verifiedHeadsCacheSize: number;
  private background: BackgroundVerification | null = null;

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
    // 64 MiB instead of SQLite's 2 MiB: at national scale (16 GB of log) the id and (stream, version)
    // indexes and the streams table each command touches no longer come from the OS one page at a time.
    if (path !== ':memory:') this.db.pragma(`cache_size = ${-64 * 1024}`);
    this.db.exec(SCHEMA);
    const zstdExtension = options.zstdExtension === undefined ? ZSTD_EXTENSION : options.zstdExtension;
    const zstd = loadZstd(this.db, zstdExtension);
    this.zstdExtension = zstd.loaded ? zstdExtension : null;
    try {
      this.dictionaryId = prepareZstdFile(this.db, path, zstd);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.checkpointsInThread = path !== ':memory:' && options.checkpoints !== 'inline';
    if (this.checkpointsInThread) this.db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
    this.maxGroupSize = options.maxGroupSize ?? 512;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.verifiedHeadsCacheSize = options.verifiedHeadsCacheSize ?? 20_000;
    const inline = path === ':memory:' || options.writer !== 'worker';
    this.writer = inline ? 'inline' : 'worker';
    this.inlineWriter = inline ? new GroupWriter(this.db, objectCodec, this.dictionaryId) : null;
    this.writerThread = inline ? null : new WriterThread(path, { extension: this.zstdExtension, dictionaryId: this.dictionaryId });
    this.stmt = {
      streamHead: this.db.prepare<[string], { version: number; last_hash: string | null }>('SELECT version, last_hash FROM streams WHERE stream = ?'),
      hashAt: this.db.prepare<[string, number], { hash: string }>('SELECT hash_text(hash) AS hash FROM events WHERE stream = ? AND version = ?'),
      // Raw rows without the stream (the caller knows it): a 5-year case is ≈ 500 rows, and row
      // objects and a copy of the stream name each were ≈ 30 % of reading it (bench/timeline-log.ts).
      readStream: this.db.prepare<[StreamRead], StreamRow>(`SELECT ${STREAM_ROW_COLUMNS} FROM events WHERE stream = @stream AND version >= @from AND version <= @to ORDER BY version`).raw(),
      readAll: this.db.prepare<[number, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`),
      // Rebuild read: no id or hashes, and no data for the types not asked for (most of the bytes
      // are in types no read model looks at, e.g. CalculationMade); raw rows, no row objects.
      readForProjections: this.db.prepare<[{ from: number; types: string | null; limit: number }], ProjectionRow>(READ_FOR_PROJECTIONS_SQL).raw(),
      byPosition: this.db.prepare<[number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position = ?`),
      metadataAt: this.db.prepare<[number], string>('SELECT zstd_text(metadata) FROM events WHERE position = ?').pluck(),
      lastPosition: this.db.prepare<[], { p: number | null }>('SELECT MAX(position) AS p FROM events'),
      streams: this.db.prepare<[], { stream: string }>('SELECT stream FROM streams ORDER BY stream'),
    };
    const rowsOf = (stream: string, from: number, to: number, vouched: Vouched) =>
      this.stmt.readStream.all({ stream, from, to, vouchedThrough: vouched.through, vouchedVersion: vouched.version });
    this.readWithHead = this.db.transaction((stream: string, vouched: Vouched) => ({ rows: rowsOf(stream, 1, Number.MAX_SAFE_INTEGER, vouched), head: this.stmt.streamHead.get(stream) }));
    this.readAfter = this.db.transaction((stream: string, version: number, vouched: Vouched) => ({
      anchor: this.stmt.hashAt.get(stream, version)?.hash,
      rows: rowsOf(stream, version + 1, Number.MAX_SAFE_INTEGER, vouched),
      head: this.stmt.streamHead.get(stream),
    }));
  }

  append(stream: string, events: readonly NewEvent[], options: { expectedVersion: ExpectedVersion }): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('the event store is closed'));
    if (this.damage) return Promise.reject(new StoreDamagedError(this.damage));
    if (events.length === 0) return Promise.reject(new RangeError('append needs at least one event'));
    if (this.checkpointsInThread && !this.checkpointer) this.checkpointer = new Checkpointer(this.path);
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ stream, events, expectedVersion: options.expectedVersion, resolve, reject });
      // The callers answered by the last group decide their next commands in one run of the event
      // loop, and the thread would stay idle throughout. Once it has been idle for twice what a
      // commit costs, what has gathered goes now (its commit overlaps the rest of the run): with
      // a slow fsync a group waits for everyone, with a fast one the thread is kept busy.
      if (this.writerThread && this.writerThread.idleForMs() >= IDLE_COMMITS * this.commitMs) this.flushToThread();
      else this.scheduleFlush();
    });
  }

  /** On the next turn, so appends made in this one join the group. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.writerThread) return this.flushToThread();
    const group = this.queue.splice(0, this.maxGroupSize);
    if (this.queue.length > 0) this.scheduleFlush();
    if (group.length === 0) return;
    let outcomes: AppendOutcome[];
    try {
      if (this.damage) throw new StoreDamagedError(this.damage);
      outcomes = this.inlineWriter!.run(group);
    } catch (error) {
      return this.groupFailed(group, error);
    }
    this.answer(group, outcomes);
  }

  /**
   * The queued appends (up to maxGroupSize) to the writer thread, as text (cheaper to post than
   * objects), unless it still has a group: then the answer to that one sends them.
   */
  private flushToThread(): void {
    const thread = this.writerThread!;
    if (this.queue.length === 0 || thread.idleForMs() < 0) return this.wakeIfIdle();
    const group = this.queue.splice(0, this.maxGroupSize);
    if (this.damage) {
      this.groupFailed(group, new StoreDamagedError(this.damage));
      return this.flushToThread();
    }
    const sent: PendingAppend[] = [];
    const appends: Array<{ stream: string; expectedVersion: ExpectedVersion; events: WireEvent[] }> = [];
    for (const p of group) {
      let events: WireEvent[];
      try {
        events = p.events.map(toWireEvent);
      } catch (error) {
        // Not JSON (a cycle, a BigInt, a non-finite number): this caller only, as in the inline writer.
        p.reject(error);
        continue;
      }
      sent.push(p);
      appends.push({ stream: p.stream, expectedVersion: p.expectedVersion, events });
    }
    if (sent.length === 0) return this.flushToThread();
    thread.write(appends, (r) => this.threadAnswered(sent, r));
  }

  private threadAnswered(group: PendingAppend[], r: WriterResponse): void {
    if (r.kind === 'failed') {
      // First, so a damaged file found here refuses what is queued rather than sending it.
      this.groupFailed(group, fromWireError(r.error));
      this.flushToThread();
    } else {
      // What queued meanwhile goes now only if the thread has been idle that long already (its
      // answer waited here); otherwise it waits for this group's callers, by the same rule as in
      // append(), so groups split in two only while commits are cheap and merge again when not.
      if (this.writerThread!.idleForMs() >= IDLE_COMMITS * this.commitMs) this.flushToThread();
      this.commitMs = 0.8 * this.commitMs + 0.2 * r.commitMs;
      this.answer(group, r.outcomes.map((o) => (o.ok ? o : { ok: false, error: fromWireError(o.error) })));
    }
    // Whatever the answered callers append in this run goes at its end at the latest.
    if (this.writerThread!.unanswered === 0 && this.queue.length > 0) this.scheduleFlush();
    this.wakeIfIdle();
  }

  /** The transaction itself failed (disk full, I/O error, damaged page): nobody in the group is durable. */
  private groupFailed(group: readonly PendingAppend[], error: unknown): void {
    const reason = isDamageError(error) ? this.markDamaged(`SQLite: ${error.message}`) : error;
    for (const p of group) p.reject(reason);
  }

  /** After COMMIT: each caller's outcome, the verified heads carried on, live subscriptions told. */
  private answer(group: readonly PendingAppend[], outcomes: readonly AppendOutcome[]): void {
    this.transactions += 1;
    this.appended += group.length;
    group.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) {
        this.extendVerifiedHead(p.stream, o.result);
        p.resolve(o.result);
      } else p.reject(isDamageError(o.error) ? this.markDamaged(`SQLite: ${o.error.message}`) : o.error);
    });
    for (const notify of this.listeners) notify();
  }

  private wakeIfIdle(): void {
    if (this.queue.length > 0 || (this.writerThread?.unanswered ?? 0) > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const whole = (options.fromVersion ?? 1) <= 1 && options.toVersion === undefined;
    if (!options.verify || !whole) return this.readStreamRaw(stream, options).map((e) => this.upcasters.upcast(e));
    const raw = this.readVerified(stream);
    return raw.map((e) => this.upcasters.upcast(e));
  }

  /**
   * For a reader holding the stream up to `since`: when the head row still says `since`, one
   * primary-key lookup and nothing to parse. Otherwise the hash at `since.version`, the rows after
   * it and the head row in one read transaction (another process appending meanwhile cannot look
   * like a change). Rows this store verified before (or a complete background pass covered) are
   * trusted as in readVerified; the others are hashed from `since.hash` on. Anything that does not
   * check out answers null, and the caller's whole verified read decides what is broken.
   */
  async readStreamSince(stream: string, since: StreamHead): Promise<RecordedEvent[] | null> {
    this.assertOpen();
    const refused = this.refused.get(stream);
    if (refused) throw new ChainBrokenError(refused);
    const current = this.guard(() => this.stmt.streamHead.get(stream));
    if (current && current.version === since.version && current.last_hash === since.hash) return [];
    const vouched = this.vouched(stream);
    const { anchor, rows, head } = this.guard(() => this.readAfter(stream, since.version, vouched));
    if (anchor === undefined || anchor !== since.hash || rows.length === 0 || !head) return null;
    const n = rows.length;
    let trusted = 0;
    const cached = this.verifiedHeads.get(stream);
    const at = cached ? cached.version - since.version - 1 : -1;
    if (cached && at >= 0 && at < n && rows[at]![1] === cached.version && rows[at]![8] === cached.hash) trusted = at + 1;
    while (trusted < n && rows[trusted]![0] <= this.verifiedThrough && rows[trusted]![1] === since.version + trusted + 1) trusted += 1;
    if (leftOutBeyond(rows, trusted, vouched)) return null;
    const { events, unreadable } = parseRows(stream, rows, trusted, since.hash);
    if (unreadable) return null;
    let prev = trusted > 0 ? events[trusted - 1]!.hash : since.hash;
    for (let i = trusted; i < n; i++) {
      const e = events[i]!;
      if (linkProblem(e, since.version + i + 1, prev) !== null) return null;
      prev = e.hash;
    }
    const last = events[n - 1]!;
    if (head.version !== last.version || head.last_hash !== last.hash) return null;
    this.rememberVerified(stream, last.version, last.hash);
    return events.map((e) => this.upcasters.upcast(e));
  }

  /**
   * For the guard, on every case route: when this process verified the stream up to the head row's
   * version and hash already, one primary-key lookup; otherwise a verified read (readVerified).
   */
  async assertIntact(stream: string): Promise<void> {
    this.assertOpen();
    const refused = this.refused.get(stream);
    if (refused) throw new ChainBrokenError(refused);
    const cached = this.verifiedHeads.get(stream);
    if (cached) {
      const head = this.guard(() => this.stmt.streamHead.get(stream));
      if (head && head.version === cached.version && head.last_hash === cached.hash) {
        this.rememberVerified(stream, cached.version, cached.hash);
        return;
      }
    }
    this.readVerified(stream);
  }

  /**
   * The whole stream as stored, its chain checked: the events a complete background pass covered
   * (and a prefix verified earlier by this process, if remembered) are trusted; every other event
   * is hashed again, and the stream's head row must match its last event. Rows and head are read
   * in one read transaction, so another process appending meanwhile cannot look like a removal.
   */
  private readVerified(stream: string): RecordedEvent[] {
    const { rows, head, trusted } = this.readRowsWithHead(stream);
    return this.checkRows(stream, rows, head, trusted);
  }

  /**
   * The verified read, each event handed to `visit` as it is parsed. When every row is vouched
   * for already (the usual case in a running service), a row is parsed only when its turn comes,
   * so the reader's results, not the whole parsed stream, are what stays alive meanwhile.
   */
  async forEachVerified(stream: string, visit: (e: RecordedEvent) => void): Promise<number> {
    const { rows, head, trusted } = this.readRowsWithHead(stream);
    const last = rows[rows.length - 1];
    if (!last || trusted < rows.length || !head || head.version !== last[1] || head.last_hash !== last[8]) {
      const events = this.checkRows(stream, rows, head, trusted);
      for (const e of events) visit(this.upcasters.upcast(e));
      return events.length;
    }
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      let e: RecordedEvent;
      try {
        e = fromStreamRow(stream, r, i === 0 ? null : rows[i - 1]![8]);
      } catch {
        this.brokenAt(stream, rows.length, r[1], r[2], UNREADABLE);
      }
      visit(this.upcasters.upcast(e));
    }
    this.rememberVerified(stream, last[1], last[8]);
    return rows.length;
  }

  /**
   * A stream's rows and head row in one read transaction (another process appending meanwhile
   * cannot look like a removal), and how many leading rows are trusted (trustedPrefix). Those
   * leading rows come without their prev_hash; when a row left without it is not trusted after
   * all, the stream is read again whole.
   */
  private readRowsWithHead(stream: string): { rows: StreamRow[]; head: { version: number; last_hash: string | null } | undefined; trusted: number } {
    this.assertOpen();
    const refused = this.refused.get(stream);
    if (refused) throw new ChainBrokenError(refused);
    const vouched = this.vouched(stream);
    const read = this.guard(() => this.readWithHead(stream, vouched));
    const trusted = this.trustedPrefix(stream, read.rows);
    if (!leftOutBeyond(read.rows, trusted, vouched)) return { ...read, trusted };
    const whole = this.guard(() => this.readWithHead(stream, NOTHING_VOUCHED));
    return { ...whole, trusted: this.trustedPrefix(stream, whole.rows) };
  }

  /** What a read of the stream may leave prev_hash out of (see Vouched). */
  private vouched(stream: string): Vouched {
    return { through: this.verifiedThrough, version: this.verifiedHeads.get(stream)?.version ?? 0 };
  }

  /**
   * How many leading rows are vouched for already: up to a head this process verified (if still
   * there, unchanged), then those a complete background pass covered.
   */
  private trustedPrefix(stream: string, rows: readonly StreamRow[]): number {
    let trusted = 0;
    const cached = this.verifiedHeads.get(stream);
    if (cached && cached.version <= rows.length && rows[cached.version - 1]![1] === cached.version && rows[cached.version - 1]![8] === cached.hash) trusted = cached.version;
    while (trusted < rows.length && rows[trusted]![0] <= this.verifiedThrough && rows[trusted]![1] === trusted + 1) trusted += 1;
    return trusted;
  }

  /** Refuses the stream from now on and throws. */
  private brokenAt(stream: string, events: number, version: number, id: string, reason: string): never {
    const v: ChainVerification = { stream, ok: false, events, firstBroken: { version, id, reason } };
    this.refuse(v);
    throw new ChainBrokenError(v);
  }

  /**
   * The rows as events, their chain checked: the `trusted` leading ones are taken as verified,
   * every other is hashed again, and the stream's head row must match the last event.
   */
  private checkRows(stream: string, rows: readonly StreamRow[], head: { version: number; last_hash: string | null } | undefined, trusted: number): RecordedEvent[] {
    const broken = (version: number, id: string, reason: string): never => this.brokenAt(stream, rows.length, version, id, reason);
    const { events, unreadable } = parseRows(stream, rows, trusted);
    if (rows.length === 0) {
      if (head && head.version > 0) broken(head.version, '-', `the stream head says ${head.version} events but the stream has none (events removed?)`);
      return events;
    }
    const chain = verifyChain(stream, events, Math.min(trusted, events.length));
    if (!chain.ok) broken(chain.firstBroken!.version, chain.firstBroken!.id, chain.firstBroken!.reason);
    if (unreadable) broken(unreadable[1], unreadable[2], UNREADABLE);
    const last = events[events.length - 1]!;
    if (!head) broken(last.version, last.id, 'events without a stream head (a write that did not finish?)');
    else if (head.version !== last.version || head.last_hash !== last.hash) broken(head.version, last.id, 'stream head does not match its last event (events removed?)');
    this.rememberVerified(stream, last.version, last.hash);
    return events;
  }

  private rememberVerified(stream: string, version: number, hash: string): void {
    this.verifiedHeads.delete(stream);
    this.verifiedHeads.set(stream, { version, hash });
    if (this.verifiedHeads.size > this.verifiedHeadsCacheSize) {
      const oldest = this.verifiedHeads.keys().next().value;
      if (oldest !== undefined) this.verifiedHeads.delete(oldest);
    }
  }

  /** After a commit: a stream verified up to the version this append built on stays verified. */
  private extendVerifiedHead(stream: string, result: AppendResult): void {
    if (result.duplicate) return;
    const cached = this.verifiedHeads.get(stream);
    const before = result.nextVersion - result.positions.length;
    if (!cached || cached.version !== before) return;
    this.rememberVerified(stream, result.nextVersion, result.lastHash);
  }

  private readStreamRaw(stream: string, options: ReadStreamOptions = {}): RecordedEvent[] {
    this.assertOpen();
    const from = options.fromVersion ?? 1;
    const to = options.toVersion ?? Number.MAX_SAFE_INTEGER;
    const rows = this.guard(() => this.stmt.readStream.all({ stream, from, to, vouchedThrough: 0, vouchedVersion: 0 }));
    const events: RecordedEvent[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) events[i] = fromStreamRow(stream, rows[i]!);
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.readAllSync(options);
  }

  /** Synchronous read for in-process projections (rebuild speed). */
  readAllSync(options: ReadAllOptions = {}): RecordedEvent[] {
    this.assertOpen();
    const rows = this.guard(() => this.stmt.readAll.all(options.fromPosition ?? 0, options.limit ?? 1000));
    return rows.map((r) => this.upcasters.upcast(toRecorded(r)));
  }

  async readForProjections(options: ReadForProjectionsOptions): Promise<ReadForProjectionsBatch> {
    return this.readForProjectionsSync(options);
  }

  /**
   * Where a rebuild worker may read the log itself (its own read-only connection, the same SQL as
   * readForProjections): the file, and the schema version each type is stored at now — a row
   * older than that needs the upcasters, which this thread keeps. Null for an in-memory store.
   */
  projectionSource(types: readonly string[]): ProjectionSource | null {
    if (this.path === ':memory:') return null;
    this.assertOpen();
    return { path: this.path, currentVersions: Object.fromEntries(types.map((t) => [t, this.upcasters.currentVersion(t)])) };
  }

  /** Synchronous form of readForProjections (a rebuild in the same thread). */
  readForProjectionsSync({ fromPosition, limit, types }: ReadForProjectionsOptions): ReadForProjectionsBatch {
    this.assertOpen();
    const rows = this.guard(() => this.stmt.readForProjections.all({ from: fromPosition, types: types ? JSON.stringify(types) : null, limit }));
    const events: ProjectionEvent[] = [];
    const metadataAt = (position: number) => JSON.parse(this.guard(() => this.stmt.metadataAt.get(position)!)) as RecordedEvent['metadata'];
    for (const [position, stream, version, type, schemaVersion, data] of rows) {
      if (data === null) continue;
      // Only a stored schema older than the type's current one goes through the upcasters, with the whole row.
      if (schemaVersion < this.upcasters.currentVersion(type)) events.push(this.upcasters.upcast(toRecorded(this.guard(() => this.stmt.byPosition.get(position)!))));
      else events.push(new StoredEvent(position, stream, version, type, schemaVersion, JSON.parse(data), metadataAt));
    }
    return { events, scanned: rows.length, lastPosition: rows.length > 0 ? rows[rows.length - 1]![0] : fromPosition };
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

  /** Every link of the stream hashed again (nothing trusted), and its head row; a break is also refused. */
  async verifyStream(stream: string): Promise<ChainVerification> {
    this.assertOpen();
    const { rows, head } = this.guard(() => this.readWithHead(stream, NOTHING_VOUCHED));
    const { events: raw, unreadable } = parseRows(stream, rows);
    let result = verifyChain(stream, raw);
    // The links before an unreadable row hold: the break is there.
    if (result.ok && unreadable) result = { stream, ok: false, events: rows.length, firstBroken: { version: unreadable[1], id: unreadable[2], reason: UNREADABLE } };
    const last = raw[raw.length - 1];
    const broken = (version: number, id: string, reason: string): ChainVerification => ({ stream, ok: false, events: raw.length, firstBroken: { version, id, reason } });
    if (result.ok && !last && head && head.version > 0) result = broken(head.version, '-', `the stream head says ${head.version} events but the stream has none (events removed?)`);
    if (result.ok && last && !head) result = broken(last.version, last.id, 'events without a stream head (a write that did not finish?)');
    if (result.ok && head && last && (head.version !== last.version || head.last_hash !== last.hash)) result = broken(head.version, last.id, 'stream head does not match its last event (events removed?)');
    if (!result.ok) this.refuse(result);
    return result;
  }

  async *listStreams(): AsyncIterable<string> {
    this.assertOpen();
    for (const row of this.stmt.streams.iterate()) yield row.stream;
  }

  async lastPosition(): Promise<number> {
    this.assertOpen();
    return this.guard(() => this.stmt.lastPosition.get()?.p ?? 0);
  }

  async health(): Promise<{ reachable: boolean; lastPosition: number | null; detail?: string }> {
    try {
      return { reachable: true, lastPosition: await this.lastPosition() };
    } catch (e) {
      return { reachable: false, lastPosition: null, detail: (e as Error).message };
    }
  }

  /**
   * SQLite's own check of the file (every page and index; `quick_check`, not the slower
   * `integrity_check`). Reads the whole file: ~1.8 s per 2.4 GB from the page cache, ~36 s cold on
   * the reference machine, so the service runs it in the background (`verifyInBackground`) and
   * `verify` runs it first. With a table name, only that table and its indexes.
   */
  integrityCheck(table?: 'events' | 'streams'): string[] {
    try {
      const rows = this.db.pragma(table ? `quick_check(${table})` : 'quick_check') as Array<{ quick_check: string }>;
      return rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
    } catch (error) {
      if (isDamageError(error)) return [`SQLite: ${error.message}`];
      throw error;
    }
  }

  /**
   * Starts the background verification (file check, then every chain; see background-verification.ts)
   * and resolves when its first pass has finished, failed or been stopped. Broken streams are
   * refused as soon as they are found; a damaged file makes the whole store refuse.
   */
  verifyInBackground(options: BackgroundVerificationOptions = {}): Promise<void> {
    if (this.path === ':memory:') {
      this.chainsState = { state: 'on_read', verifiedThrough: this.verifiedThrough };
      return Promise.resolve();
    }
    if (!this.background) this.background = new BackgroundVerification(this.path, this, options, this.zstdExtension);
    return this.background.firstPass;
  }

  integrity(): IntegrityReport {
    const brokenStreams = [...this.refused.values()].slice(0, 20).map((v) => ({ stream: v.stream, version: v.firstBroken?.version ?? 0, reason: v.firstBroken?.reason ?? '' }));
    return {
      file: this.fileState,
      ...(this.damage ? { fileProblem: this.damage } : {}),
      chains: { ...this.chainsState, verifiedThrough: this.verifiedThrough },
      brokenStreams,
      brokenCount: this.refused.size,
    };
  }

  // ——— reports from the background verification ———

  /** The file cannot be trusted: every read and write from now on is refused. Returns the error to throw. */
  markDamaged(problem: string): StoreDamagedError {
    if (!this.damage) this.damage = problem;
    this.fileState = 'damaged';
    return new StoreDamagedError(this.damage);
  }

  fileCheck(state: 'checking' | 'ok'): void {
    if (this.fileState !== 'damaged') this.fileState = state;
  }

  refuse(v: ChainVerification): void {
    if (!this.refused.has(v.stream)) this.refused.set(v.stream, v);
    this.verifiedHeads.delete(v.stream);
  }

  chainScan(state: 'running' | 'done' | 'failed', progress: Partial<ScanProgress> & { startedAt?: string; error?: string } = {}): void {
    if (state === 'done' && progress.target !== undefined && this.fileState !== 'damaged') this.verifiedThrough = Math.max(this.verifiedThrough, progress.target);
    const { position, target, events, streams, seconds, startedAt, error } = progress;
    this.chainsState = {
      state,
      verifiedThrough: this.verifiedThrough,
      ...(target !== undefined ? { target } : {}),
      ...(position !== undefined ? { position } : {}),
      ...(events !== undefined ? { events } : {}),
      ...(streams !== undefined ? { streams } : {}),
      ...(startedAt !== undefined ? { startedAt } : {}),
      ...(seconds !== undefined ? { seconds: Math.round(seconds * 10) / 10 } : {}),
      ...(error !== undefined ? { error } : {}),
    };
  }

  /** Finishes queued appends, stops subscriptions, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.background?.stop();
    if (this.writerThread) {
      if (this.queue.length > 0 || this.writerThread.unanswered > 0) {
        const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
        this.flushToThread();
        await idle;
      }
      await this.writerThread.stop();
    } else while (this.queue.length > 0) this.flush();
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    // The store's connection closes last: SQLite then checkpoints what is left and removes the WAL.
    await this.checkpointer?.stop();
    this.db.close();
  }

  /** Group-commit figures: how many transactions carried how many appends. */
  stats(): { transactions: number; appends: number; checkpoints: ReturnType<Checkpointer['stats']> | null } {
    return { transactions: this.transactions, appends: this.appended, checkpoints: this.checkpointer?.stats() ?? (this.checkpointsInThread ? { checkpoints: 0, pages: 0, lastError: null, running: false } : null) };
  }

  /** For tests of tamper detection only. */
  rawDatabase(): Database.Database {
    return this.db;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the event store is closed');
    if (this.damage) throw new StoreDamagedError(this.damage);
  }

  /** Runs a read; SQLite finding broken pages makes the whole store refuse from then on. */
  private guard<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (isDamageError(error)) throw this.markDamaged(`SQLite: ${error.message}`);
      throw error;
    }
  }
}

const UNREADABLE = 'content changed: the stored data or metadata is not JSON';

/**
 * Rows as events, up to the first whose stored JSON does not parse (changed behind the store's
 * back). The `trusted` leading rows were read without prev_hash: theirs is the hash before them
 * (`firstPrev` for the first).
 */
function parseRows(stream: string, rows: readonly StreamRow[], trusted = 0, firstPrev: string | null = null): { events: RecordedEvent[]; unreadable: StreamRow | null } {
  const events: RecordedEvent[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    try {
      events.push(fromStreamRow(stream, r, i >= trusted ? r[7] : i === 0 ? firstPrev : rows[i - 1]![8]));
    } catch {
      return { events, unreadable: r };
    }
  }
  return { events, unreadable: null };
}

/** An event as a projection reads it; its metadata is read only if asked for (no read model does so far). */
class StoredEvent implements ProjectionEvent {
  private readMetadata: RecordedEvent['metadata'] | undefined;
  constructor(
    readonly globalPosition: number,
    readonly stream: string,
    readonly version: number,
    readonly type: string,
    readonly schemaVersion: number,
    readonly data: unknown,
    private readonly metadataAt: (position: number) => RecordedEvent['metadata'],
  ) {}
  get metadata(): RecordedEvent['metadata'] {
    return (this.readMetadata ??= this.metadataAt(this.globalPosition));
  }
}

function fromStreamRow(stream: string, r: StreamRow, prevHash: string | null = r[7]): RecordedEvent {
  return {
    id: r[2],
    stream,
    version: r[1],
    globalPosition: r[0],
    type: r[3],
    schemaVersion: r[4],
    data: JSON.parse(r[5]),
    metadata: JSON.parse(r[6]),
    prevHash,
    hash: r[8],
  };
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
