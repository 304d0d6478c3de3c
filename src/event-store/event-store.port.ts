/**
 * The event store port: one interface, two adapters (SQLite embedded, KurrentDB clustered).
 *
 * Versions: a stream's version is its event count (0 = no events). An event's `version` is its
 * 1-based place in the stream. KurrentDB revisions are 0-based, so revision = version − 1.
 */

export type ExpectedVersion = number | 'no_stream' | 'any';

/** Who did it and why: every event carries this, and it is covered by the chain hash. */
export interface EventMetadata {
  readonly actor: string;
  readonly role: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly idempotencyKey: string | null;
  /** ISO timestamp (UTC) of when the service recorded the fact. */
  readonly recordedAt: string;
  /** Hash of the command's request body, so a reused Idempotency-Key with another body is caught. */
  readonly requestHash?: string | null;
  readonly [extra: string]: unknown;
}

export interface NewEvent<D = unknown> {
  /** Unique id; appending the same ids again returns the first result and writes nothing. */
  readonly id: string;
  /** Stable type name, never a class name. */
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: D;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent<D = unknown> extends NewEvent<D> {
  readonly stream: string;
  readonly version: number;
  readonly globalPosition: number;
  /** SHA-256 over canonical JSON of {type, schemaVersion, data, metadata, prevHash} as stored. */
  readonly hash: string;
  readonly prevHash: string | null;
}

export interface AppendResult {
  /** The stream's version after the append (its event count). */
  readonly nextVersion: number;
  /** Global positions of the appended events, in order. */
  readonly positions: readonly number[];
  /** True when every event id was already stored: nothing was written. */
  readonly duplicate: boolean;
  /** The chain hash of the event at `nextVersion` (the last of this batch, written now or before). */
  readonly lastHash: string;
}

/** Where a reader left a stream: its version then and the hash of the event at that version. */
export interface StreamHead {
  readonly version: number;
  readonly hash: string;
}

export interface ReadStreamOptions {
  readonly fromVersion?: number;
  readonly toVersion?: number;
  /**
   * Check the chain of the whole stream (as stored) before answering: a broken link throws
   * `ChainBrokenError`, and the stream stays refused. Only whole-stream reads are checked. The
   * command path, the timeline and every case route read this way; `verify` and the timeline's
   * `verify=full` hash every link again with `verifyStream` instead.
   */
  readonly verify?: boolean;
}

export interface ReadAllOptions {
  /** Exclusive: events with a global position greater than this. */
  readonly fromPosition?: number;
  readonly limit?: number;
}

/**
 * What a projection reads of an event: no id, no chain hashes. `metadata` may be parsed on first
 * access (a rebuild reads millions of events and the read models rarely look at it).
 */
export type ProjectionEvent<D = unknown> = Pick<RecordedEvent<D>, 'stream' | 'version' | 'globalPosition' | 'type' | 'schemaVersion' | 'data' | 'metadata'>;

export interface ReadForProjectionsOptions {
  /** Exclusive: events with a global position greater than this. */
  readonly fromPosition: number;
  /** Most events scanned (of any type). */
  readonly limit: number;
  /** Only events of these types are returned (the others are scanned and skipped); all when absent. */
  readonly types?: readonly string[];
}

export interface ReadForProjectionsBatch {
  readonly events: ProjectionEvent[];
  /** Events of the log scanned, returned or not. */
  readonly scanned: number;
  /** The last scanned position (the next read starts after it); fromPosition when nothing was left. */
  readonly lastPosition: number;
}

export interface ChainVerification {
  readonly stream: string;
  readonly ok: boolean;
  readonly events: number;
  readonly firstBroken?: { readonly version: number; readonly id: string; readonly reason: string };
}

/** What the store can vouch for: its file, the chains checked so far, the streams refused. */
export interface IntegrityReport {
  /**
   * The database file's own check (SQLite quick_check): `unchecked` until a background
   * verification has run it; `not_applicable` for KurrentDB.
   */
  readonly file: 'unchecked' | 'checking' | 'ok' | 'damaged' | 'not_applicable';
  readonly fileProblem?: string;
  readonly chains: {
    /**
     * `running`: the background verification of every chain is under way; `done`: it finished;
     * `on_read`: no background pass, every stream is verified whenever it is read; `failed`: the
     * pass could not run (see error; streams are still verified on read).
     */
    readonly state: 'pending' | 'running' | 'done' | 'failed' | 'on_read';
    /** Every event up to this global position has been verified by a complete pass. */
    readonly verifiedThrough: number;
    /** The pass's target (the log's last position when it began) and how far it has come. */
    readonly target?: number;
    readonly position?: number;
    readonly events?: number;
    readonly streams?: number;
    readonly startedAt?: string;
    readonly seconds?: number;
    readonly error?: string;
  };
  /** Streams refused because their chain is broken (the first 20), and how many there are. */
  readonly brokenStreams: ReadonlyArray<{ readonly stream: string; readonly version: number; readonly reason: string }>;
  readonly brokenCount: number;
}

export interface LiveSubscription {
  /** Resolves once history has been delivered and the subscription is live. */
  readonly caughtUp: Promise<void>;
  /** Stops delivery; resolves when no handler call is running. */
  stop(): Promise<void>;
}

export interface SubscribeOptions {
  /** Exclusive start position; null/undefined = from the beginning of the log. */
  readonly fromPosition?: number | null;
  /** Events are handed over in batches of at most this many, in commit order. */
  readonly batchSize?: number;
  /** Called for each batch; the next batch is not delivered until this resolves. */
  readonly onEvents: (events: readonly RecordedEvent[]) => Promise<void> | void;
  readonly onError?: (error: unknown) => void;
}

export interface EventStore {
  readonly kind: 'sqlite' | 'kurrentdb';
  append(stream: string, events: readonly NewEvent[], options: { expectedVersion: ExpectedVersion }): Promise<AppendResult>;
  /** Events with upcasters applied; [] for a stream that does not exist. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * The events after `since` (upcast, their links checked from `since.hash`), for a reader that
   * holds the stream up to there (the command path's state cache). Null when the stream no longer
   * holds that hash at that version, or anything after it does not check out: read the whole
   * stream again, verified (which throws `ChainBrokenError` where the chain is broken). A refused
   * stream throws `ChainBrokenError` here too.
   */
  readStreamSince(stream: string, since: StreamHead): Promise<RecordedEvent[] | null>;
  /**
   * The whole stream, verified as readStream with `verify`, each event (upcast) handed to `visit`
   * in order instead of all returned at once: a reader that turns events into something smaller
   * (the timeline) need not hold the whole parsed stream. Throws `ChainBrokenError` as readStream
   * does, possibly after some events were visited (the caller drops what it made). Resolves to the
   * number of events visited.
   */
  forEachVerified(stream: string, visit: (e: RecordedEvent) => void): Promise<number>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Optional, for rebuilding read models: the log in order, only what a projection reads (upcast),
   * only the asked types. A store without it is read with `readAll`.
   */
  readForProjections?(options: ReadForProjectionsOptions): Promise<ReadForProjectionsBatch>;
  /** Catch-up subscription over the whole log: history first, then live. */
  subscribeToAll(options: SubscribeOptions): LiveSubscription;
  verifyStream(stream: string): Promise<ChainVerification>;
  /**
   * Throws `ChainBrokenError` if the stream's chain does not verify (and `StoreDamagedError` if the
   * store cannot be trusted at all); a stream that does not exist passes. Cheap once a background
   * verification has covered the stream: only the events after it are hashed.
   */
  assertIntact(stream: string): Promise<void>;
  /** What the store can vouch for right now (shown in /health). */
  integrity(): IntegrityReport;
  listStreams(): AsyncIterable<string>;
  lastPosition(): Promise<number>;
  health(): Promise<{ reachable: boolean; lastPosition: number | null; detail?: string }>;
  close(): Promise<void>;
}

export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${stream}: expected version ${String(expected)}, but it is at ${actual}`);
  }
}

/** Some but not all of a batch's event ids exist already: a client bug, never silently merged. */
export class IdempotencyConflictError extends Error {
  override readonly name = 'IdempotencyConflictError';
  constructor(readonly stream: string, readonly detail: string) {
    super(`stream ${stream}: ${detail}`);
  }
}

export class StoreUnavailableError extends Error {
  override readonly name: string = 'StoreUnavailableError';
}

/** The store's file is damaged (SQLite found broken pages or is not a database): nothing is served. */
export class StoreDamagedError extends StoreUnavailableError {
  override readonly name = 'StoreDamagedError';
}

/** A stream whose hash chain does not verify: its events cannot be vouched for, so it is refused. */
export class ChainBrokenError extends Error {
  override readonly name = 'ChainBrokenError';
  constructor(readonly verification: ChainVerification) {
    super(`stream ${verification.stream}: chain broken at version ${verification.firstBroken?.version ?? '?'}: ${verification.firstBroken?.reason ?? 'unknown'}`);
  }
}

export const EVENT_STORE = Symbol('EVENT_STORE');

export function expectationHolds(expected: ExpectedVersion, actual: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === 0;
  return expected === actual;
}
