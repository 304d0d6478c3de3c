import { createHash } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  CancelledError,
  DeadlineExceededError,
  END,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  NotLeaderError,
  START,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendStreamState,
  type EventData,
  type JSONType,
  type Position,
  type ReadPosition,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import { chainHash, linkProblem, verifyChain } from '../chain.js';
import {
  ChainBrokenError,
  ConcurrencyError,
  expectationHolds,
  IdempotencyConflictError,
  StoreUnavailableError,
  type AppendResult,
  type ChainVerification,
  type EventMetadata,
  type EventStore,
  type ExpectedVersion,
  type IntegrityReport,
  type LiveSubscription,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamHead,
  type SubscribeOptions,
} from '../event-store.port.js';
import { UpcasterRegistry } from '../upcasters.js';

/*
 * Mapping between the port and KurrentDB
 *
 * - Versions: our version is the stream's event count (first event = version 1); a KurrentDB
 *   revision is 0-based. So revision = version − 1, and an expectation of version n is the stream
 *   state BigInt(n − 1), with n = 0 being NO_STREAM.
 * - Global position = Number(commit position). The commit position is the byte offset of the event's
 *   record in the transaction log. Number() is exact below 2^53 bytes (8 PiB of log), far beyond any
 *   log this service will write; toPosition() refuses anything larger rather than round it. Events
 *   appended over gRPC are self-committed records whose commit position is their own log position,
 *   so it is unique per event and increases in $all order. Positions are NOT dense: never do
 *   arithmetic on them (p − 1 is not "the event before"; see resolveStart).
 * - Each event is stored as JSON: data as given (after a JSON round trip), and metadata as an
 *   envelope { format, schemaVersion, prevHash, hash, metadata, id? } holding our metadata untouched
 *   (nested, so no metadata key can collide with the chain fields). The hash is chainHash() over
 *   {type, schemaVersion, data, metadata, prevHash} exactly as stored.
 * - KurrentDB event ids must be UUIDs. A lower-case UUID id is used as the KurrentDB id; any other
 *   id is mapped to a name-based UUID (v5) and kept verbatim in the envelope.
 */

const ENVELOPE_FORMAT = 'bistand/1';
const ID_NAMESPACE = Buffer.from('620289a36f634a228ff97f527250c8ad', 'hex');
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface KurrentDbEventStoreOptions {
  /** How many of a stream's latest events an append scans for its event ids (idempotency). Default 1000. */
  readonly idempotencyWindow?: number;
  /** An append with expectedVersion 'any' that loses a race is retried this many times. Default 5. */
  readonly anyRetries?: number;
  /** How many of the log's latest events are looked through to place an arbitrary start position. Default 1000. */
  readonly positionLookupWindow?: number;
  /** Backoff between resubscribes after a dropped subscription. Defaults 200 ms … 10 s. */
  readonly resubscribeMinDelayMs?: number;
  readonly resubscribeMaxDelayMs?: number;
  /** health() answers "unreachable" after this long. Default 3000 ms. */
  readonly healthTimeoutMs?: number;
}

interface Envelope {
  readonly format: typeof ENVELOPE_FORMAT;
  readonly schemaVersion: number;
  readonly prevHash: string | null;
  readonly hash: string;
  readonly metadata: EventMetadata;
  /** Our id, when it is not itself a lower-case UUID. */
  readonly id?: string;
  readonly [kurrentKey: `$${string}`]: unknown;
}

/** The fields of a recorded event the adapter reads, common to stream reads, $all reads and subscriptions. */
interface StoredRecord {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position?: Position;
}

type AnyResolved = ResolvedEvent | AllStreamResolvedEvent;

interface Decoded {
  /** Null for events the port does not show from $all: system events and events in system streams. */
  readonly event: RecordedEvent | null;
  readonly position: Position;
}

interface Tail {
  readonly version: number;
  readonly lastHash: string | null;
  readonly byId: ReadonlyMap<string, RecordedEvent>;
}

export class KurrentDbEventStore implements EventStore {
  readonly kind = 'kurrentdb' as const;
  private readonly client: KurrentDBClient;
  private readonly subscriptions = new Set<KurrentAllSubscription>();
  /** Positions known to be record boundaries in the log (seen from the server), for placing reads. */
  private readonly knownPositions = new Map<number, Position>();
  private closed = false;
  private readonly idempotencyWindow: number;
  private readonly anyRetries: number;
  private readonly positionLookupWindow: number;
  private readonly healthTimeoutMs: number;
  private readonly resubscribeDelays: { readonly min: number; readonly max: number };

  constructor(
    connectionString: string,
    private readonly upcasters: UpcasterRegistry = new UpcasterRegistry(),
    options: KurrentDbEventStoreOptions = {},
  ) {
    this.client = KurrentDBClient.connectionString(connectionString);
    this.idempotencyWindow = Math.max(1, options.idempotencyWindow ?? 1000);
    this.anyRetries = Math.max(0, options.anyRetries ?? 5);
    this.positionLookupWindow = Math.max(1, options.positionLookupWindow ?? 1000);
    this.healthTimeoutMs = options.healthTimeoutMs ?? 3000;
    this.resubscribeDelays = { min: options.resubscribeMinDelayMs ?? 200, max: options.resubscribeMaxDelayMs ?? 10_000 };
  }

  async append(stream: string, events: readonly NewEvent[], options: { expectedVersion: ExpectedVersion }): Promise<AppendResult> {
    this.assertOpen();
    const { expectedVersion } = options;
    if (events.length === 0) throw new RangeError('append needs at least one event');
    assertWritableStream(stream);
    assertExpectation(expectedVersion);
    const seen = new Set<string>();
    for (const e of events) {
      assertEvent(e);
      if (seen.has(e.id)) throw new IdempotencyConflictError(stream, `event id ${e.id} appears twice in one batch`);
      seen.add(e.id);
    }

    // The chain needs the hash of the stream's last event, so every append reads the stream's tail
    // first and then appends with exactly the revision it read. 'any' therefore never reaches the
    // server as ANY: a lost race is re-read and retried (bounded). A number or no_stream is checked
    // against what was read; a race lost after that check surfaces as WrongExpectedVersion, and the
    // next round reports it (or finds that the racing writer appended this very batch).
    for (let attempt = 0; ; attempt += 1) {
      const tail = await this.readTail(stream);
      const duplicate = duplicateResult(stream, events, tail.byId);
      if (duplicate) return duplicate;
      if (!expectationHolds(expectedVersion, tail.version)) throw new ConcurrencyError(stream, expectedVersion, tail.version);

      let prevHash = tail.lastHash;
      const proposed: EventData[] = [];
      for (const e of events) {
        const encoded = encode(e, prevHash);
        proposed.push(encoded.data);
        prevHash = encoded.hash;
      }
      const streamState = streamStateFor(expectedVersion === 'any' ? tail.version : expectedVersion);
      let nextExpectedRevision: bigint;
      try {
        ({ nextExpectedRevision } = await this.client.appendToStream(stream, proposed, { streamState }));
      } catch (error) {
        if (!isWrongExpectedVersion(error)) throw toStoreError(error);
        // Streams only grow, so for a number or no_stream the next round's re-read disagrees with
        // the expectation (or finds this batch appended by a racing retry); the attempt bound is a guard.
        const budget = expectedVersion === 'any' ? this.anyRetries : 1;
        if (attempt >= budget) throw new ConcurrencyError(stream, expectedVersion, actualVersionOf(error) ?? tail.version);
        if (expectedVersion === 'any') await sleep(5 + Math.random() * 20 * (attempt + 1));
        continue;
      }
      const positions = await this.positionsOf(stream, tail.version + 1, proposed);
      return { nextVersion: Number(nextExpectedRevision) + 1, positions, duplicate: false, lastHash: prevHash! };
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const raw = await this.readStreamRaw(stream, options);
    if (options.verify && (options.fromVersion ?? 1) <= 1 && options.toVersion === undefined) this.check(stream, raw);
    return raw.map((e) => this.upcasters.upcast(e));
  }

  /** The verified read, then each event in turn (events come from the server whole anyway). */
  async forEachVerified(stream: string, visit: (e: RecordedEvent) => void): Promise<number> {
    const events = await this.readStream(stream, { verify: true });
    for (const e of events) visit(e);
    return events.length;
  }

  /**
   * Read from the revision of `since` (revision = version − 1): the first event must be the one at
   * `since.version` carrying `since.hash`, and every event after it must link on from there.
   */
  async readStreamSince(stream: string, since: StreamHead): Promise<RecordedEvent[] | null> {
    const known = this.refused.get(stream);
    if (known) throw new ChainBrokenError(known);
    if (!Number.isSafeInteger(since.version) || since.version < 1) return null;
    const raw = await this.readStreamRaw(stream, { fromVersion: since.version });
    const anchor = raw[0];
    if (!anchor || anchor.version !== since.version || anchor.hash !== since.hash) return null;
    let prev = since.hash;
    for (let i = 1; i < raw.length; i++) {
      const e = raw[i]!;
      if (linkProblem(e, since.version + i, prev) !== null) return null;
      prev = e.hash;
    }
    const last = raw[raw.length - 1]!;
    this.verifiedHeads.delete(stream);
    this.verifiedHeads.set(stream, { version: last.version, hash: last.hash });
    if (this.verifiedHeads.size > 20_000) this.verifiedHeads.delete(this.verifiedHeads.keys().next().value!);
    return raw.slice(1).map((e) => this.upcasters.upcast(e));
  }

  /** One read of the stream; only what this process has not verified before is hashed. */
  async assertIntact(stream: string): Promise<void> {
    this.check(stream, await this.readStreamRaw(stream));
  }

  private readonly refused = new Map<string, ChainVerification>();
  /** Last verified (version, hash) per stream, bounded: a stream read again is not hashed again. */
  private readonly verifiedHeads = new Map<string, { version: number; hash: string }>();

  /**
   * No background pass for KurrentDB (there is no file to scan and no head row): a verified read
   * hashes what this process has not verified before, trusting a remembered prefix only when its
   * last event still carries the remembered hash.
   */
  private check(stream: string, raw: readonly RecordedEvent[]): void {
    const known = this.refused.get(stream);
    if (known) throw new ChainBrokenError(known);
    const cached = this.verifiedHeads.get(stream);
    const trusted = cached && raw[cached.version - 1]?.hash === cached.hash ? cached.version : 0;
    const v = verifyChain(stream, raw, trusted);
    if (!v.ok) {
      this.refused.set(stream, v);
      this.verifiedHeads.delete(stream);
      throw new ChainBrokenError(v);
    }
    const last = raw[raw.length - 1];
    if (!last) return;
    this.verifiedHeads.delete(stream);
    this.verifiedHeads.set(stream, { version: last.version, hash: last.hash });
    if (this.verifiedHeads.size > 20_000) this.verifiedHeads.delete(this.verifiedHeads.keys().next().value!);
  }

  integrity(): IntegrityReport {
    return {
      file: 'not_applicable',
      chains: { state: 'on_read', verifiedThrough: 0 },
      brokenStreams: [...this.refused.values()].slice(0, 20).map((v) => ({ stream: v.stream, version: v.firstBroken?.version ?? 0, reason: v.firstBroken?.reason ?? '' })),
      brokenCount: this.refused.size,
    };
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const limit = options.limit ?? 1000;
    if (limit <= 0) return [];
    const after = Math.max(0, options.fromPosition ?? 0);
    const out: RecordedEvent[] = [];
    try {
      const fromPosition = await this.resolveStart(after);
      for await (const resolved of this.client.readAll({ direction: FORWARDS, fromPosition, filter: excludeSystemEvents() })) {
        const d = this.decode(resolved);
        if (!d?.event || d.event.globalPosition <= after) continue;
        out.push(this.upcasters.upcast(d.event));
        if (out.length >= limit) break;
      }
    } catch (error) {
      throw toStoreError(error);
    }
    return out;
  }

  subscribeToAll(options: SubscribeOptions): LiveSubscription {
    this.assertOpen();
    const sub = new KurrentAllSubscription(
      {
        client: this.client,
        resolveStart: (p) => this.resolveStart(p),
        lastPosition: () => this.lastPosition(),
        decode: (r) => this.decode(r),
        upcast: (e) => this.upcasters.upcast(e),
      },
      options,
      this.resubscribeDelays,
    );
    this.subscriptions.add(sub);
    void sub.finished.then(() => this.subscriptions.delete(sub));
    return sub;
  }

  /** Walks the stream as stored (no upcasting): every hash must match the content it covers. */
  async verifyStream(stream: string): Promise<ChainVerification> {
    const v = verifyChain(stream, await this.readStreamRaw(stream));
    // A break found by any check is refused from then on, as on the SQLite store.
    if (!v.ok && !this.refused.has(stream)) {
      this.refused.set(stream, v);
      this.verifiedHeads.delete(stream);
    }
    return v;
  }

  /** Every non-system stream, in the order of its first event in $all (one pass over the log). */
  async *listStreams(): AsyncIterable<string> {
    this.assertOpen();
    const seen = new Set<string>();
    try {
      for await (const resolved of this.client.readAll({ direction: FORWARDS, fromPosition: START, filter: excludeSystemEvents() })) {
        const streamId = resolved.event?.streamId;
        if (!streamId || streamId.startsWith('$') || seen.has(streamId)) continue;
        seen.add(streamId);
        yield streamId;
      }
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /** The global position of the last non-system event; 0 for an empty log. */
  async lastPosition(): Promise<number> {
    this.assertOpen();
    try {
      for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, filter: excludeSystemEvents() })) {
        const d = this.decode(resolved);
        if (d?.event) return d.event.globalPosition;
      }
      return 0;
    } catch (error) {
      throw toStoreError(error);
    }
  }

  async health(): Promise<{ reachable: boolean; lastPosition: number | null; detail?: string }> {
    if (this.closed) return { reachable: false, lastPosition: null, detail: 'the event store is closed' };
    let timer: NodeJS.Timeout | undefined;
    try {
      const lastPosition = await Promise.race([
        this.lastPosition(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`KurrentDB did not answer within ${this.healthTimeoutMs} ms`)), this.healthTimeoutMs);
        }),
      ]);
      return { reachable: true, lastPosition };
    } catch (error) {
      const cause = error instanceof StoreUnavailableError && error.cause instanceof Error ? error.cause : error;
      return { reachable: false, lastPosition: null, detail: cause instanceof Error ? cause.message : String(cause) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops subscriptions (waiting for running handlers), then disposes the client. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.client.dispose();
  }

  // --- reading -------------------------------------------------------------------------------

  private async readStreamRaw(stream: string, options: ReadStreamOptions = {}, requiresLeader = false): Promise<RecordedEvent[]> {
    this.assertOpen();
    const from = Math.max(1, Math.floor(options.fromVersion ?? 1));
    const to = options.toVersion ?? Number.POSITIVE_INFINITY;
    if (to < from) return [];
    const out: RecordedEvent[] = [];
    try {
      const events = this.client.readStream(stream, {
        direction: FORWARDS,
        fromRevision: BigInt(from - 1),
        ...(Number.isFinite(to) ? { maxCount: BigInt(Math.floor(to) - from + 1) } : {}),
        requiresLeader,
      });
      for await (const resolved of events) {
        const d = this.decode(resolved, { keepSystem: true });
        if (d?.event) out.push(d.event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw toStoreError(error);
    }
    return out;
  }

  /** The stream's version and last hash, and its latest events by our id (for idempotency). */
  private async readTail(stream: string): Promise<Tail> {
    const byId = new Map<string, RecordedEvent>();
    let version = 0;
    let lastHash: string | null = null;
    try {
      const events = this.client.readStream(stream, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: BigInt(this.idempotencyWindow),
        requiresLeader: true,
      });
      for await (const resolved of events) {
        const d = this.decode(resolved, { keepSystem: true });
        if (!d?.event) continue;
        if (version === 0) {
          version = d.event.version;
          lastHash = d.event.hash;
        }
        byId.set(d.event.id, d.event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return { version: 0, lastHash: null, byId };
      throw toStoreError(error);
    }
    return { version, lastHash, byId };
  }

  /** Global positions of what was just appended, read back from the leader (the append answer carries one position). */
  private async positionsOf(stream: string, firstVersion: number, written: readonly EventData[]): Promise<number[]> {
    const back = await this.readStreamRaw(stream, { fromVersion: firstVersion, toVersion: firstVersion + written.length - 1 }, true);
    const positions: number[] = [];
    written.forEach((w, i) => {
      const e = back[i];
      if (!e || kurrentIdFor(e.id) !== w.id) {
        throw new Error(`stream ${stream}: appended events not found at versions ${firstVersion}…${firstVersion + written.length - 1} when read back`);
      }
      positions.push(e.globalPosition);
    });
    return positions;
  }

  /**
   * Where to start a forward read or subscription so that nothing after `after` is missed.
   *
   * Positions are byte offsets, and the server can only start reading at a record boundary (an
   * arbitrary offset makes it fail with an invalid read). A checkpoint is the position of a real
   * event and is used as is; any other number (e.g. p − 1) is placed at the nearest earlier event,
   * found by a bounded look back from the end, and the caller drops events at or before `after`.
   */
  private async resolveStart(after: number | null | undefined): Promise<ReadPosition> {
    if (after === null || after === undefined || after <= 0) return START;
    const known = this.knownPositions.get(after);
    if (known) return known;
    const target = BigInt(Math.floor(after));
    let looked = 0;
    for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, filter: excludeSystemEvents(), maxCount: BigInt(this.positionLookupWindow) })) {
      const position = positionOf(resolved);
      if (!position) continue;
      this.remember(position);
      if (position.commit <= target) return position;
      looked += 1;
    }
    if (looked < this.positionLookupWindow) return START; // the whole log is after `after`
    // Far back: most likely a checkpoint (an event's own position). Let the server try it.
    const exact = { commit: target, prepare: target };
    try {
      for await (const _ of this.client.readAll({ direction: FORWARDS, fromPosition: exact, maxCount: 1n, filter: excludeSystemEvents() })) break;
      this.remember(exact);
      return exact;
    } catch {
      // Not a record boundary (the read bridge reports the server's read error as UnavailableError,
      // so this cannot be told apart from an outage; if the server is down, the next read fails too).
    }
    // Keep looking back (slow; only for made-up positions far back).
    for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, filter: excludeSystemEvents() })) {
      const position = positionOf(resolved);
      if (position && position.commit <= target) return position;
    }
    return START;
  }

  private decode(resolved: AnyResolved, { keepSystem = false }: { keepSystem?: boolean } = {}): Decoded | null {
    const record = resolved.event as StoredRecord | undefined;
    if (!record) return null; // a link to a deleted event
    const position = positionOf(resolved);
    if (!position) throw new Error(`KurrentDB returned event ${record.id} of ${record.streamId} without its log position (server older than 22.6?)`);
    this.remember(position);
    if (!keepSystem && (record.type.startsWith('$') || record.streamId.startsWith('$'))) return { event: null, position };
    return { event: toRecorded(record, position), position };
  }

  private remember(position: Position): void {
    const key = toPosition(position.commit);
    if (this.knownPositions.has(key)) return;
    this.knownPositions.set(key, position);
    if (this.knownPositions.size > 10_000) {
      const oldest = this.knownPositions.keys().next();
      if (!oldest.done) this.knownPositions.delete(oldest.value);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the event store is closed');
  }
}

// --- the catch-up subscription -------------------------------------------------------------------

const STOPPED = Symbol('stopped');

interface SubscriptionHost {
  readonly client: KurrentDBClient;
  resolveStart(after: number): Promise<ReadPosition>;
  lastPosition(): Promise<number>;
  decode(resolved: AllStreamResolvedEvent): Decoded | null;
  upcast(event: RecordedEvent): RecordedEvent;
}

/**
 * Catch-up subscription to $all (system events filtered out by the server): batches in commit
 * order, each awaited before the next. When the connection drops or the handler fails, it
 * resubscribes (with backoff) from the exact position of the last event it handed over, and drops
 * anything at or before that position, so nothing is skipped and nothing is delivered twice.
 */
class KurrentAllSubscription implements LiveSubscription {
  readonly caughtUp: Promise<void>;
  readonly finished: Promise<void>;
  private markCaughtUp!: () => void;
  private isCaughtUp = false;
  private stopped = false;
  private signalStop!: () => void;
  private readonly stopSignal = new Promise<typeof STOPPED>((resolve) => (this.signalStop = () => resolve(STOPPED)));
  private wake: (() => void) | null = null;
  /** Exclusive lower bound: everything at or before it has been handed over (or skipped as system). */
  private deliveredUpTo: number;
  /** The exact log position of the last event handed over; where a resubscribe starts. */
  private resumeFrom: Position | null = null;
  /** The last event's position when the subscription started: history ends there. */
  private historyEnd: number | null = null;
  private progressed = false;

  constructor(
    private readonly host: SubscriptionHost,
    private readonly options: SubscribeOptions,
    private readonly delays: { readonly min: number; readonly max: number },
  ) {
    this.deliveredUpTo = Math.max(0, options.fromPosition ?? 0);
    this.caughtUp = new Promise<void>((resolve) => {
      this.markCaughtUp = () => {
        if (this.isCaughtUp) return;
        this.isCaughtUp = true;
        resolve();
      };
    });
    this.finished = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.signalStop();
    this.poke();
    await this.finished;
  }

  /** Waits for a setup step, but not past stop() (a blackholed server must not hang stop). */
  private untilStopped<T>(step: Promise<T>): Promise<T | typeof STOPPED> {
    return Promise.race([step, this.stopSignal]);
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      this.progressed = false;
      try {
        await this.once();
      } catch (error) {
        if (this.stopped) break;
        try {
          // A dropped connection reaches us as the client's CancelledError/UnavailableError: report it
          // as StoreUnavailableError, like every other operation of this adapter does.
          this.options.onError?.(toStoreError(error));
        } catch {
          // a failing error callback must not end the subscription
        }
      }
      if (this.stopped) break;
      failures = this.progressed ? 0 : failures + 1;
      const delay = Math.min(this.delays.max, this.delays.min * 2 ** Math.min(failures, 16));
      await this.sleep(delay / 2 + Math.random() * (delay / 2));
    }
  }

  /** One server subscription, until it fails, ends, or stop() is called. */
  private async once(): Promise<void> {
    if (this.historyEnd === null) {
      const end = await this.untilStopped(this.host.lastPosition());
      if (end === STOPPED) return;
      this.historyEnd = end;
    }
    const fromPosition = this.resumeFrom ?? (await this.untilStopped(this.host.resolveStart(this.deliveredUpTo)));
    if (fromPosition === STOPPED || this.stopped) return;
    const sub: AllStreamSubscription = this.host.client.subscribeToAll({ fromPosition, filter: excludeSystemEvents() });
    let failure: unknown = null;
    let ended = false;
    let confirmed = false;
    let received = 0;
    let handled = 0;
    let caughtUpAt: number | null = null;
    sub.on('error', (error: unknown) => {
      failure ??= error;
      this.poke();
    });
    sub.on('end', () => {
      ended = true;
      this.poke();
    });
    sub.on('close', () => {
      ended = true;
      this.poke();
    });
    sub.on('confirmation', () => {
      confirmed = true;
      this.poke();
    });
    // The server's caught-up signal arrives in order with the events: everything received before it
    // (read by us, or still buffered in the stream) is history; once that is handled we are live.
    sub.on('caughtUp', () => {
      caughtUpAt = received + sub.readableLength;
      this.poke();
    });
    sub.on('readable', () => this.poke());
    const batchSize = Math.max(1, Math.floor(this.options.batchSize ?? 500));
    try {
      for (;;) {
        if (this.stopped) return;
        const raw: AllStreamResolvedEvent[] = [];
        while (raw.length < batchSize) {
          const next = sub.read() as AllStreamResolvedEvent | null;
          if (next === null) break;
          raw.push(next);
          received += 1;
        }
        if (raw.length > 0) {
          await this.deliver(raw);
          handled += raw.length;
        }
        const historyDone = confirmed && this.historyEnd !== null && this.deliveredUpTo >= this.historyEnd;
        if ((caughtUpAt !== null && handled >= caughtUpAt) || historyDone) {
          this.progressed = true;
          this.markCaughtUp();
        }
        if (raw.length > 0) continue;
        if (failure !== null) throw failure;
        if (ended) throw new StoreUnavailableError('the $all subscription was ended by the server');
        if (this.stopped) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      this.wake = null;
      sub.removeAllListeners();
      sub.on('error', () => undefined);
      await Promise.race([sub.unsubscribe().catch(() => undefined), sleep(1000, { unref: true })]);
    }
  }

  private async deliver(raw: readonly AllStreamResolvedEvent[]): Promise<void> {
    const fresh: RecordedEvent[] = [];
    let last: Position | null = null;
    for (const resolved of raw) {
      const d = this.host.decode(resolved);
      if (!d) continue;
      last = d.position;
      if (d.event && d.event.globalPosition > this.deliveredUpTo) fresh.push(this.host.upcast(d.event));
    }
    if (fresh.length > 0) await this.options.onEvents(fresh);
    if (last) {
      this.resumeFrom = last;
      this.deliveredUpTo = Math.max(this.deliveredUpTo, toPosition(last.commit));
      this.progressed = true;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

// --- encoding ------------------------------------------------------------------------------------

function encode(e: NewEvent, prevHash: string | null): { data: EventData; hash: string } {
  const data = asStoredJson(e.data, `data of event ${e.id}`);
  const metadata = asStoredJson(e.metadata, `metadata of event ${e.id}`) as EventMetadata;
  const hash = chainHash({ type: e.type, schemaVersion: e.schemaVersion, data, metadata }, prevHash);
  const id = kurrentIdFor(e.id);
  const envelope: Envelope = {
    format: ENVELOPE_FORMAT,
    schemaVersion: e.schemaVersion,
    prevHash,
    hash,
    metadata,
    ...(id === e.id ? {} : { id: e.id }),
    // KurrentDB's own tools follow these (outside the hashed metadata; informative only).
    $correlationId: metadata.correlationId,
    ...(metadata.causationId ? { $causationId: metadata.causationId } : {}),
  };
  return {
    data: { id, contentType: 'application/json', type: e.type, data: data as JSONType, metadata: envelope as unknown as JSONType },
    hash,
  };
}

function toRecorded(record: StoredRecord, position: Position): RecordedEvent {
  const envelope = readEnvelope(record.metadata);
  const base = { stream: record.streamId, version: Number(record.revision) + 1, globalPosition: toPosition(position.commit), type: record.type, data: record.data };
  if (envelope) {
    return { ...base, id: envelope.id ?? record.id, schemaVersion: envelope.schemaVersion, metadata: envelope.metadata, prevHash: envelope.prevHash, hash: envelope.hash };
  }
  // Not written by this adapter: shown as it is; verifyStream reports it as a broken link.
  const metadata = (isPlainObject(record.metadata) ? record.metadata : {}) as EventMetadata;
  return { ...base, id: record.id, schemaVersion: 1, metadata, prevHash: null, hash: '' };
}

function readEnvelope(metadata: unknown): Envelope | null {
  if (!isPlainObject(metadata)) return null;
  const m = metadata as Record<string, unknown>;
  const ok =
    m.format === ENVELOPE_FORMAT &&
    typeof m.schemaVersion === 'number' &&
    typeof m.hash === 'string' &&
    (m.prevHash === null || typeof m.prevHash === 'string') &&
    isPlainObject(m.metadata) &&
    (m.id === undefined || typeof m.id === 'string');
  return ok ? (m as unknown as Envelope) : null;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** The value as it will be stored and read back: a JSON round trip (what the hash must cover). */
function asStoredJson(value: unknown, what: string): unknown {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`${what} cannot be stored as JSON`);
  return JSON.parse(text) as unknown;
}

/** KurrentDB ids are UUIDs: a lower-case UUID is used as is, anything else gets a name-based UUID (v5). */
export function kurrentIdFor(id: string): string {
  if (CANONICAL_UUID.test(id)) return id;
  const h = createHash('sha1').update(ID_NAMESPACE).update(id, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Our version n (event count) → KurrentDB stream state: revision n − 1, or NO_STREAM for 0. */
export function streamStateFor(expected: ExpectedVersion): AppendStreamState {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream' || expected === 0) return NO_STREAM;
  return BigInt(expected - 1);
}

/** globalPosition = Number(commit position); exact below 2^53 (see the note at the top). */
function toPosition(commit: bigint): number {
  if (commit > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`log position ${commit} is beyond 2^53 and cannot be a JS number`);
  return Number(commit);
}

function positionOf(resolved: AnyResolved): Position | null {
  const own = resolved.event?.position;
  if (own) return own;
  const commit = resolved.commitPosition;
  return commit === undefined ? null : { commit, prepare: commit };
}

function duplicateResult(stream: string, events: readonly NewEvent[], stored: ReadonlyMap<string, RecordedEvent>): AppendResult | null {
  const found = events.map((e) => stored.get(e.id));
  const present = found.filter((f): f is RecordedEvent => f !== undefined);
  if (present.length === 0) return null;
  const first = found[0];
  const sameBatch = present.length === events.length && first !== undefined && found.every((f, i) => f !== undefined && f.version === first.version + i);
  if (!sameBatch) {
    throw new IdempotencyConflictError(stream, `event ids ${events.map((e) => e.id).join(', ')} were already used for other events`);
  }
  const last = present[present.length - 1]!;
  return { nextVersion: last.version, positions: present.map((f) => f.globalPosition), duplicate: true, lastHash: last.hash };
}

// --- validation and errors -----------------------------------------------------------------------

function assertWritableStream(stream: string): void {
  if (stream.length === 0) throw new RangeError('a stream name cannot be empty');
  if (stream.startsWith('$')) throw new RangeError(`stream ${stream}: names starting with $ are KurrentDB system streams`);
}

function assertExpectation(expected: ExpectedVersion): void {
  if (typeof expected === 'number' && (!Number.isSafeInteger(expected) || expected < 0)) {
    throw new RangeError(`expectedVersion must be a whole number ≥ 0, 'no_stream' or 'any'; got ${expected}`);
  }
}

function assertEvent(e: NewEvent): void {
  if (!e.type || e.type.startsWith('$')) throw new RangeError(`event ${e.id}: type "${e.type}" is empty or starts with $ (reserved by KurrentDB)`);
  if (!Number.isSafeInteger(e.schemaVersion) || e.schemaVersion < 1) throw new RangeError(`event ${e.id}: schemaVersion must be a whole number ≥ 1`);
}

function isWrongExpectedVersion(error: unknown): error is WrongExpectedVersionError {
  return error instanceof WrongExpectedVersionError;
}

function actualVersionOf(error: WrongExpectedVersionError): number | null {
  const actual = error.actualState;
  if (actual === NO_STREAM) return 0;
  return typeof actual === 'bigint' && actual >= 0n ? Number(actual) + 1 : null;
}

function isUnavailable(error: unknown): boolean {
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError ||
    error instanceof CancelledError
  ) {
    return true;
  }
  // Plain gRPC errors: 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED.
  const code = (error as { code?: unknown } | null)?.code;
  return code === 14 || code === 4;
}

/** Connection trouble becomes StoreUnavailableError (→ 503); anything else is passed on. */
function toStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || error instanceof ConcurrencyError || error instanceof IdempotencyConflictError) return error;
  if (isUnavailable(error)) {
    const detail = error instanceof Error ? error.message : String(error);
    return new StoreUnavailableError(`KurrentDB is not reachable: ${detail}`, { cause: error });
  }
  return error;
}

function sleep(ms: number, { unref = false }: { unref?: boolean } = {}): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (unref) timer.unref();
  });
}
