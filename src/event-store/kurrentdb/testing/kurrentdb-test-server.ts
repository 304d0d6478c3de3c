/**
 * KurrentDB protocol test server: TEST CODE ONLY, never shipped, never a database.
 *
 * An in-memory gRPC server that speaks KurrentDB's client protocol (v1: `event_store.client.streams.Streams`
 * and `event_store.client.server_features.ServerFeatures`) closely enough for the real
 * `@kurrent/kurrentdb-client` (its grpc-js half and its native read bridge) to run our adapter's contract
 * suite where no KurrentDB can run. It is built from the service definitions and message classes shipped
 * in the client package and on the grpc-js and google-protobuf copies the client itself resolves.
 *
 * WHAT IT PROVES, AND WHAT IT DOES NOT
 * It proves the adapter against the protocol as documented (proto comments, KurrentDB docs, and the
 * server's own request handling, cited below). It does NOT prove durability, clustering, leader
 * election, replication, scavenging, performance, or that a real server agrees on details this file
 * had to choose. A real server leg (KURRENTDB_URL or Docker) remains the final word.
 *
 * Implemented
 * - ServerFeatures/GetSupportedMethods: lists exactly what is implemented here (Streams.Read with the
 *   features "position" and "events", Streams.Append). BatchAppend is NOT listed, so the client appends
 *   through the classic client-streaming Append (options message, then proposed messages).
 * - Streams/Append. Expected state any / no_stream / stream_exists / exact revision. A mismatch answers
 *   `wrong_expected_version` with the current revision (or current_no_stream) and the expectation.
 *   Success answers the stream's new revision and a position (commit = prepare = log position of the
 *   last event written). Required metadata `type` and `content-type` (else INVALID_ARGUMENT); event ids
 *   must be UUIDs (stored and read back lower-case, as the server's Guid does); batches above
 *   `maxAppendSize` bytes (data + metadata + 2·type length, as the server's Event.SizeOnDisk) answer
 *   INVALID_ARGUMENT.
 * - Idempotency follows KurrentDB's IndexWriter.CheckCommit (src/KurrentDB.Core/Services/Storage/
 *   ReaderIndex/IndexWriter.cs), which is what "appending the same event id again only appends it
 *   once" means in the docs:
 *     · exact revision or no_stream, expectation BEHIND the stream: if the batch's ids are exactly the
 *       events stored at revisions expected+1…expected+n, the append is idempotent: nothing is written
 *       and Success carries the revision of the last of those events and its position. This is checked
 *       against the stored stream, so it holds for the whole life of the log. If the first id differs:
 *       wrong_expected_version. If a later id differs (part of the batch written, part not):
 *       wrong_expected_version (the server's "corrupted idempotency" answer).
 *     · any or stream_exists: checked against a bounded, in-memory cache of recently written event ids
 *       (`idempotencyCacheSize`, cleared by a restart, as the server's committed-events cache is): all
 *       ids cached for this stream → idempotent (Success with the cached revisions); the first not
 *       cached → written again (a duplicate, as the real server does once the cache forgot it); a later
 *       one not cached → wrong_expected_version.
 * - Streams/Read of a stream: forwards from a revision (inclusive) or start, backwards from a revision
 *   (inclusive) or end, `count`, and `stream_not_found` for a stream with no events. Backwards from a
 *   revision beyond the end starts at the last event; forwards from the end returns nothing.
 * - Streams/Read of $all, optionally filtered by event type or stream name (regex, else prefixes):
 *   forwards from a position is inclusive, backwards from a position is exclusive, both in commit order,
 *   as the server's TF reader does. Every event is a self-committed record: commit position = prepare
 *   position = its byte offset in a pretend transaction log, so positions are unique, increasing and
 *   NOT dense (never do arithmetic on them). A position inside a record answers INVALID_ARGUMENT
 *   "Trying to read from an invalid position." as the server does; a position at or past the end reads
 *   as the end.
 * - Every event carries what the client maps: id (string or structured UUID, as the request's
 *   uuid_option asks; both halves of this client ask for strings, so only that form is exercised by
 *   the tests), stream, revision, commit and prepare position, metadata map `type`,
 *   `content-type` (application/json, else application/octet-stream), `created` (.NET ticks since the
 *   Unix epoch), custom metadata and data, plus the ReadEvent's commit_position.
 * - Catch-up subscriptions (Streams/Read with the subscription option), following the server's
 *   AllSubscription / AllSubscriptionFiltered / StreamSubscription enumerators:
 *     confirmation → history (strictly after the start position/revision) → caught_up → live events.
 *   $all subscriptions may carry a filter; filtered ones also send checkpoints: one every
 *   checkpointIntervalMultiplier × window (max, else 32) events considered (matching or not, at that
 *   event's position, in history and live), and one as history ends (before caught_up). The server
 *   counts history in read pages rather than events, so its history checkpoints may land elsewhere;
 *   every checkpoint is still a position from which resuming skips nothing unsent. caught_up
 *   carries the resume position ($all) or revision (stream) unless there is nothing yet.
 *   A start position inside a record: confirmation, then INVALID_ARGUMENT. Filtered stream
 *   subscriptions and backwards subscriptions answer INVALID_ARGUMENT, as the server's "invalid
 *   combination" does (server-side filtering is for $all only). Delivery is paced by the
 *   HTTP/2 stream's flow control (no unbounded buffering); fell_behind is never sent (the server does
 *   not send it to clients either).
 * - stop() ends every call at once: open calls are cancelled, as KurrentDB's shutdown cancels its
 *   streaming calls (CANCELLED on the client), and connecting fails (UNAVAILABLE) until start().
 *   start() again binds the SAME port and, by default, keeps the log (a restarted
 *   server with its disk): revisions and positions continue, a restart leaves a gap in positions (the
 *   new epoch record), and volatile state (the idempotency cache, subscriptions) is gone.
 *   start({ keepLog: false }) begins with an empty log (a fresh node).
 * - A fresh log starts with a few system events ($-streams, $-types), and `systemEventIntervalMs`
 *   appends a `$statsCollected` event periodically (as a real node's stats collection does), so
 *   filtering of system events is exercised in history and live.
 *
 * Not implemented (answers UNIMPLEMENTED, so a gap fails instead of passing)
 * - Streams/BatchAppend, Streams/Delete, Streams/Tombstone; every other service (persistent
 *   subscriptions, projections, users, operations, gossip, monitoring, the v2 protocol). Hence no
 *   deleted or tombstoned streams exist here.
 * - Appends to metadata streams ($$…) and link events (type "$>"): stream metadata (max age/count,
 *   truncate-before, ACLs) and link resolution are not modelled, so they are refused rather than
 *   stored without effect. resolve_links is therefore a no-op: no link can exist.
 * - tamperWithEvent() changes stored bytes in place, as an intruder with disk access could (no
 *   protocol operation can): it lets the contract's tamper-detection test run on this leg too.
 *
 * Approximations, where the server's behaviour is not part of the protocol's contract
 * - Positions: record sizes are made up (only their properties above matter). Malformed requests
 *   (no options first, a non-UUID id) answer UNKNOWN "Exception was thrown by handler." like an
 *   unhandled .NET exception, with the reason appended.
 *
 * Not modelled at all
 * - Authentication and ACLs (it is an insecure single node; credentials are ignored), TLS, leader
 *   redirects (requires-leader is always satisfied), deadlines, server-side timeouts, max event size.
 * - Regexes run on JavaScript's engine, not .NET's (identical for the patterns used here).
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type * as SharedPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb.js';
import type * as FeaturesPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_pb.js';
import type * as FeaturesGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_grpc_pb.js';
import type * as StreamsPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb.js';
import type * as StreamsGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb.js';

// --- the client's own protocol stack, loaded as CommonJS ------------------------------------------

const requireHere = createRequire(import.meta.url);
const PROTOCOLS = '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/';
const streamsPb = requireHere(`${PROTOCOLS}streams_pb.js`) as typeof StreamsPb;
const sharedPb = requireHere(`${PROTOCOLS}shared_pb.js`) as typeof SharedPb;
const featuresPb = requireHere(`${PROTOCOLS}serverfeatures_pb.js`) as typeof FeaturesPb;
const streamsGrpc = requireHere(`${PROTOCOLS}streams_grpc_pb.js`) as typeof StreamsGrpc;
const featuresGrpc = requireHere(`${PROTOCOLS}serverfeatures_grpc_pb.js`) as typeof FeaturesGrpc;
// grpc-js and google-protobuf exactly as the client package resolves them (the copies its generated code uses).
const requireFromClient = createRequire(requireHere.resolve('@kurrent/kurrentdb-client/package.json'));

type ReadCall = Parameters<StreamsGrpc.IStreamsServer['read']>[0];
type AppendCall = Parameters<StreamsGrpc.IStreamsServer['append']>[0];
type AppendCallback = Parameters<StreamsGrpc.IStreamsServer['append']>[1];
type TimestampMessage = NonNullable<Parameters<StreamsPb.ReadResp.CaughtUp['setTimestamp']>[0]>;

/** The few parts of @grpc/grpc-js this file uses (typed here, loaded from the client's dependency). */
interface GrpcRuntime {
  readonly Server: new (options?: Record<string, unknown>) => GrpcServer;
  readonly ServerCredentials: { createInsecure(): unknown };
  readonly Metadata: new () => GrpcMetadata;
  readonly status: Readonly<Record<'UNKNOWN' | 'INVALID_ARGUMENT' | 'UNIMPLEMENTED', number>>;
}
interface GrpcServer {
  addService(service: unknown, implementation: Record<string, unknown>): void;
  bindAsync(address: string, credentials: unknown, callback: (error: Error | null, port: number) => void): void;
  forceShutdown(): void;
}
interface GrpcMetadata {
  set(key: string, value: string): void;
}
interface GrpcError {
  readonly code: number;
  readonly details: string;
  readonly metadata?: GrpcMetadata;
}

const grpc = requireFromClient('@grpc/grpc-js') as GrpcRuntime;
const { Timestamp } = requireFromClient('google-protobuf/google/protobuf/timestamp_pb.js') as {
  Timestamp: { fromDate(date: Date): TimestampMessage };
};

// --- options ---------------------------------------------------------------------------------------

export interface KurrentDbTestServerOptions {
  /** 0 (default) picks a free port; a restart always reuses the port first bound. Binds 127.0.0.1 only. */
  readonly port?: number;
  /** Append a `$statsCollected` system event this often (ms); null/undefined = never. */
  readonly systemEventIntervalMs?: number | null;
  /** How many recently written event ids the any/stream_exists idempotency check remembers. Default 10 000. */
  readonly idempotencyCacheSize?: number;
  /** Largest append in bytes (data + metadata + 2·type length per event). Default 1 MiB, KurrentDB's default. */
  readonly maxAppendSize?: number;
  /** Reported by ServerFeatures. */
  readonly serverVersion?: string;
}

export interface KurrentDbTestServerStats {
  appends: number;
  reads: number;
  subscriptions: number;
  /** Reads and subscriptions refused for starting inside a record. */
  invalidPositions: number;
  readonly activeSubscriptions: number;
  starts: number;
}

/** Window of a filtered read/subscription when the request names none (the server's ReadBatchSize). */
const DEFAULT_FILTER_WINDOW = 32;
/** Bytes a pretend epoch record takes at the head of the log and after every restart. */
const EPOCH_RECORD_SIZE = 128;
const TICKS_PER_MS = 10_000n;
const UUID_TEXT = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

// --- the log ---------------------------------------------------------------------------------------

interface StoredEvent {
  /** Log position (byte offset of the record): commit = prepare for a self-committed record. */
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  /** Lower-case hyphenated UUID. */
  readonly id: string;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
  /** .NET ticks (100 ns) since the Unix epoch. */
  readonly created: bigint;
}

interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

type Expectation = { readonly kind: 'any' } | { readonly kind: 'stream_exists' } | { readonly kind: 'revision'; readonly revision: number };

type AppendOutcome =
  | { readonly kind: 'written' | 'idempotent'; readonly lastRevision: number; readonly position: number }
  | { readonly kind: 'empty'; readonly currentRevision: number }
  | { readonly kind: 'wrong_expected_version'; readonly currentRevision: number };

/** The transaction log and its stream index: survives stop()/start() unless asked not to. */
class InMemoryLog {
  readonly events: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  /** Record boundaries that are not events (epoch records). */
  private readonly otherBoundaries = new Set<number>([0]);
  private readonly byPosition = new Map<number, number>();
  /** Where the next record goes (the writer checkpoint). */
  end = EPOCH_RECORD_SIZE;
  readonly appended = new EventEmitter();

  constructor() {
    this.appended.setMaxListeners(0);
  }

  stream(name: string): readonly StoredEvent[] {
    return this.streams.get(name) ?? [];
  }

  lastRevision(name: string): number {
    return this.stream(name).length - 1;
  }

  /** A position a read may start at: a record boundary, or anywhere at/after the end. */
  isReadablePosition(position: number): boolean {
    return position >= this.end || this.byPosition.has(position) || this.otherBoundaries.has(position);
  }

  /** Index of the first event at or after `position`. */
  firstIndexAtOrAfter(position: number): number {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid]!.position < position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A non-event record (an epoch record, as a node writes when it starts). */
  writeEpoch(): void {
    this.otherBoundaries.add(this.end);
    this.end += EPOCH_RECORD_SIZE;
  }

  /** Replaces a stored event's data in place (tampering; no protocol operation can do this). */
  replaceData(stream: string, revision: number, data: Uint8Array): void {
    const list = this.streams.get(stream);
    const old = list?.[revision];
    if (!list || !old) throw new RangeError(`no event ${stream}@${revision} to tamper with`);
    const changed: StoredEvent = { ...old, data };
    list[revision] = changed;
    this.events[this.byPosition.get(old.position)!] = changed;
  }

  write(stream: string, proposed: readonly ProposedEvent[]): StoredEvent[] {
    let list = this.streams.get(stream);
    if (!list) {
      list = [];
      this.streams.set(stream, list);
    }
    const written: StoredEvent[] = [];
    const created = BigInt(Date.now()) * TICKS_PER_MS;
    for (const p of proposed) {
      const event: StoredEvent = { position: this.end, stream, revision: list.length, created, ...p };
      // Roughly a prepare record: fixed header, names, payloads, length prefix and suffix.
      this.end += 96 + 2 * (stream.length + p.type.length) + p.data.length + p.metadata.length;
      list.push(event);
      this.byPosition.set(event.position, this.events.length);
      this.events.push(event);
      written.push(event);
    }
    this.appended.emit('appended');
    return written;
  }
}

/** Recently written event ids (KurrentDB's committed-events cache): bounded, volatile. */
class IdempotencyCache {
  private readonly entries = new Map<string, { readonly stream: string; readonly revision: number }>();
  constructor(private readonly capacity: number) {}

  get(id: string): { readonly stream: string; readonly revision: number } | undefined {
    return this.entries.get(id);
  }

  add(events: readonly StoredEvent[]): void {
    for (const e of events) {
      this.entries.delete(e.id);
      this.entries.set(e.id, { stream: e.stream, revision: e.revision });
      if (this.entries.size > this.capacity) {
        const oldest = this.entries.keys().next();
        if (!oldest.done) this.entries.delete(oldest.value);
      }
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

/** IndexWriter.CheckCommit without deleted streams (none can exist here), then the write. */
function appendToLog(log: InMemoryLog, cache: IdempotencyCache, stream: string, expected: Expectation, proposed: readonly ProposedEvent[]): AppendOutcome {
  const current = log.lastRevision(stream);
  const events = log.stream(stream);
  const wrong = { kind: 'wrong_expected_version', currentRevision: current } as const;

  if (expected.kind === 'stream_exists' && current < 0) return wrong;

  if (expected.kind === 'any' || expected.kind === 'stream_exists') {
    let first: number | null = null;
    let last = -1;
    for (let i = 0; i < proposed.length; i++) {
      const known = cache.get(proposed[i]!.id);
      if (!known || known.stream !== stream) {
        if (i > 0) return wrong; // part of the batch was written, part not
        return write();
      }
      first ??= known.revision;
      last = known.revision;
    }
    if (first === null) return { kind: 'empty', currentRevision: current };
    return { kind: 'idempotent', lastRevision: last, position: events[last]!.position };
  }

  const revision = expected.revision; // -1 = no_stream
  if (revision < current) {
    let eventNumber = revision;
    for (const p of proposed) {
      eventNumber += 1;
      const known = cache.get(p.id);
      if (known && known.stream === stream && known.revision === eventNumber) continue;
      if (events[eventNumber]?.id === p.id) continue;
      return wrong; // first id differs: a real conflict; a later one: "corrupted idempotency"
    }
    if (proposed.length === 0) return wrong;
    return { kind: 'idempotent', lastRevision: eventNumber, position: events[eventNumber]!.position };
  }
  if (revision > current) return wrong;
  return write();

  function write(): AppendOutcome {
    if (proposed.length === 0) return { kind: 'empty', currentRevision: current };
    const written = log.write(stream, proposed);
    cache.add(written);
    const last = written[written.length - 1]!;
    return { kind: 'written', lastRevision: last.revision, position: last.position };
  }
}

// --- message helpers -------------------------------------------------------------------------------

function grpcError(code: number, details: string, exception?: Record<string, string>): GrpcError {
  if (!exception) return { code, details };
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(exception)) metadata.set(k, v);
  return { code, details, metadata };
}

const unimplemented = (what: string): GrpcError => grpcError(grpc.status.UNIMPLEMENTED, `${what} is not implemented by the KurrentDB protocol test server`);
const invalidArgument = (details: string): GrpcError => grpcError(grpc.status.INVALID_ARGUMENT, details);
const invalidPosition = (): GrpcError => invalidArgument('Trying to read from an invalid position.');

function streamNameOf(identifier: SharedPb.StreamIdentifier | undefined): string {
  return Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');
}

function streamIdentifier(name: string): SharedPb.StreamIdentifier {
  return new sharedPb.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));
}

function empty(): SharedPb.Empty {
  return new sharedPb.Empty();
}

/** The UUID as the server's Guid holds it, or null when it is not one. */
function parseUuid(uuid: SharedPb.UUID | undefined): string | null {
  if (!uuid) return null;
  if (uuid.hasStructured()) {
    const s = uuid.getStructured()!;
    const hex = (v: string) => BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0');
    const ms = hex(s.getMostSignificantBits());
    const ls = hex(s.getLeastSignificantBits());
    return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-${ms.slice(12)}-${ls.slice(0, 4)}-${ls.slice(4)}`;
  }
  const text = uuid.getString().trim().replace(/^\{(.*)\}$/, '$1');
  if (!UUID_TEXT.test(text)) return null;
  const hex = text.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function uuidMessage(id: string, structured: boolean): SharedPb.UUID {
  const uuid = new sharedPb.UUID();
  if (!structured) return uuid.setString(id);
  const hex = id.replace(/-/g, '');
  const bits = new sharedPb.UUID.Structured()
    .setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString())
    .setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
  return uuid.setStructured(bits);
}

function eventResponse(e: StoredEvent, structuredIds: boolean): StreamsPb.ReadResp {
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent()
    .setId(uuidMessage(e.id, structuredIds))
    .setStreamIdentifier(streamIdentifier(e.stream))
    .setStreamRevision(String(e.revision))
    .setPreparePosition(String(e.position))
    .setCommitPosition(String(e.position))
    .setCustomMetadata(e.metadata)
    .setData(e.data);
  const map = recorded.getMetadataMap();
  map.set('type', e.type);
  map.set('created', e.created.toString());
  map.set('content-type', e.isJson ? 'application/json' : 'application/octet-stream');
  const read = new streamsPb.ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(String(e.position));
  return new streamsPb.ReadResp().setEvent(read);
}

function checkpointResponse(position: number): StreamsPb.ReadResp {
  const checkpoint = new streamsPb.ReadResp.Checkpoint()
    .setCommitPosition(String(position))
    .setPreparePosition(String(position))
    .setTimestamp(Timestamp.fromDate(new Date()));
  return new streamsPb.ReadResp().setCheckpoint(checkpoint);
}

function caughtUpResponse(at: { readonly position?: number; readonly revision?: number }): StreamsPb.ReadResp {
  const caughtUp = new streamsPb.ReadResp.CaughtUp().setTimestamp(Timestamp.fromDate(new Date()));
  if (at.revision !== undefined) caughtUp.setStreamRevision(String(at.revision));
  if (at.position !== undefined) {
    caughtUp.setPosition(new streamsPb.ReadResp.Position().setCommitPosition(String(at.position)).setPreparePosition(String(at.position)));
  }
  return new streamsPb.ReadResp().setCaughtUp(caughtUp);
}

/** uint64 as sent (a decimal string); anything past 2^53 is past any log this server holds. */
function toNumber(uint64: string): number {
  const n = BigInt(uint64 || '0');
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
}

// --- filters ---------------------------------------------------------------------------------------

interface EventFilter {
  allows(e: StoredEvent): boolean;
  /** Checkpoint interval in considered events (subscriptions). */
  readonly checkpointInterval: number;
}

function parseFilter(options: StreamsPb.ReadReq.Options): EventFilter | null | GrpcError {
  if (!options.hasFilter()) return null;
  const f = options.getFilter()!;
  const onType = f.hasEventType();
  const expression = onType ? f.getEventType() : f.getStreamIdentifier();
  if (!expression) return invalidArgument("'filter' is not a valid event or stream filter");
  const field = (e: StoredEvent) => (onType ? e.type : e.stream);
  let test: (value: string) => boolean;
  const regex = expression.getRegex();
  if (regex) {
    let compiled: RegExp;
    try {
      compiled = new RegExp(regex);
    } catch (error) {
      return invalidArgument(`invalid filter regex ${JSON.stringify(regex)}: ${(error as Error).message}`);
    }
    test = (value) => compiled.test(value);
  } else {
    const prefixes = expression.getPrefixList();
    test = (value) => prefixes.some((p) => value.startsWith(p));
  }
  const window = f.hasMax() ? f.getMax() : DEFAULT_FILTER_WINDOW;
  const multiplier = f.getCheckpointintervalmultiplier();
  return { allows: (e) => test(field(e)), checkpointInterval: Math.max(1, multiplier) * Math.max(1, window) };
}

// --- catch-up subscriptions ------------------------------------------------------------------------

interface AllSubscriptionSpec {
  readonly kind: 'all';
  /** Exclusive start: events at or before it are not sent; null = from the start of the log. */
  readonly after: number | null;
  readonly filter: EventFilter | null;
}
interface StreamSubscriptionSpec {
  readonly kind: 'stream';
  readonly stream: string;
  /** Exclusive start revision; null = from the stream's first event. */
  readonly afterRevision: number | null;
}

/**
 * One subscription call: reads the log from its cursor whenever the call can take more, so history
 * and live events come from the same place and in commit order, paced by flow control.
 */
class Subscription {
  private index: number;
  private nextRevision: number;
  /** Resume point: the position (or revision) of the last event considered. */
  private checkpoint: number | null;
  private lastCheckpointSent: number | null = null;
  private considered = 0;
  private caughtUp = false;
  private closed = false;
  private waitingForDrain = false;
  private readonly onAppend = () => this.pump();

  constructor(
    private readonly log: InMemoryLog,
    private readonly call: ReadCall,
    private readonly spec: AllSubscriptionSpec | StreamSubscriptionSpec,
    private readonly structuredIds: boolean,
    private readonly onClose: (s: Subscription) => void,
  ) {
    if (spec.kind === 'all') {
      this.index = spec.after === null ? 0 : log.firstIndexAtOrAfter(spec.after + 1);
      this.nextRevision = 0;
      this.checkpoint = spec.after;
    } else {
      this.index = 0;
      this.nextRevision = spec.afterRevision === null ? 0 : spec.afterRevision + 1;
      this.checkpoint = spec.afterRevision;
    }
    log.appended.on('appended', this.onAppend);
    call.on('cancelled', () => this.close());
    call.on('error', () => this.close());
    call.on('close', () => this.close());
  }

  start(): void {
    const confirmation = new streamsPb.ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID());
    this.send(new streamsPb.ReadResp().setConfirmation(confirmation));
    this.pump();
  }

  /** Forgets the call; the server's shutdown cancels it. */
  drop(): void {
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.log.appended.off('appended', this.onAppend);
    this.onClose(this);
  }

  /** False when the call wants no more for now (flow control), or is gone. */
  private send(message: StreamsPb.ReadResp): boolean {
    if (this.closed || this.call.cancelled) return false;
    if (this.call.write(message)) return true; // false: buffered, but wait for 'drain' before more
    if (!this.waitingForDrain) {
      this.waitingForDrain = true;
      this.call.once('drain', () => {
        this.waitingForDrain = false;
        this.pump();
      });
    }
    return false;
  }

  private pump(): void {
    while (!this.closed && !this.waitingForDrain) {
      const sent = this.spec.kind === 'all' ? this.nextAll(this.spec) : this.nextInStream(this.spec);
      if (sent === 'idle') {
        if (!this.caughtUp) this.becomeLive();
        return;
      }
      if (!sent) return;
    }
  }

  private nextAll(spec: AllSubscriptionSpec): boolean | 'idle' {
    const e = this.log.events[this.index];
    if (!e) return 'idle';
    this.index += 1;
    // Started past the end of the log: events up to the start position are not wanted (nor considered).
    if (spec.after !== null && e.position <= spec.after) return true;
    this.checkpoint = e.position;
    let ok = true;
    if (!spec.filter || spec.filter.allows(e)) ok = this.send(eventResponse(e, this.structuredIds));
    if (spec.filter) {
      this.considered += 1;
      if (this.considered >= spec.filter.checkpointInterval) {
        this.considered = 0;
        ok = this.sendCheckpoint(e.position) && ok;
      }
    }
    return ok;
  }

  private nextInStream(spec: StreamSubscriptionSpec): boolean | 'idle' {
    const e = this.log.stream(spec.stream)[this.nextRevision];
    if (!e) return 'idle';
    this.nextRevision += 1;
    this.checkpoint = e.revision;
    return this.send(eventResponse(e, this.structuredIds));
  }

  private sendCheckpoint(position: number): boolean {
    this.lastCheckpointSent = position;
    return this.send(checkpointResponse(position));
  }

  private becomeLive(): void {
    this.caughtUp = true;
    const resume = this.checkpoint; // null only when there was nothing at all to consider
    if (this.spec.kind === 'all') {
      if (this.spec.filter && resume !== null && resume !== this.lastCheckpointSent) this.sendCheckpoint(resume);
      this.send(caughtUpResponse(resume === null ? {} : { position: resume }));
    } else {
      this.send(caughtUpResponse(resume === null ? {} : { revision: resume }));
    }
  }
}

// --- the server ------------------------------------------------------------------------------------

export class KurrentDbTestServer {
  private log = new InMemoryLog();
  private readonly cache: IdempotencyCache;
  private readonly subscriptions = new Set<Subscription>();
  private server: GrpcServer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private boundPort: number;
  private systemEventCount = 0;
  readonly stats: KurrentDbTestServerStats;

  private constructor(private readonly options: KurrentDbTestServerOptions) {
    this.boundPort = options.port ?? 0;
    this.cache = new IdempotencyCache(Math.max(0, options.idempotencyCacheSize ?? 10_000));
    const subscriptions = this.subscriptions;
    this.stats = {
      appends: 0,
      reads: 0,
      subscriptions: 0,
      invalidPositions: 0,
      starts: 0,
      get activeSubscriptions() {
        return subscriptions.size;
      },
    };
    this.seedSystemEvents();
  }

  /** Starts a server with a fresh log on 127.0.0.1. */
  static async start(options: KurrentDbTestServerOptions = {}): Promise<KurrentDbTestServer> {
    const server = new KurrentDbTestServer(options);
    await server.start();
    return server;
  }

  get port(): number {
    return this.boundPort;
  }

  get running(): boolean {
    return this.server !== null;
  }

  /** For `KurrentDBClient.connectionString`. */
  get connectionString(): string {
    return `kurrentdb://127.0.0.1:${this.boundPort}?tls=false`;
  }

  /** The log position the next record will take (the writer checkpoint). */
  get endPosition(): number {
    return this.log.end;
  }

  /**
   * (Re)starts on the same port. keepLog (default true) keeps every event, revision and position, as a
   * restarted node keeps its disk; false starts from an empty log, as a fresh node.
   */
  async start({ keepLog = true }: { keepLog?: boolean } = {}): Promise<void> {
    if (this.server) return;
    if (this.stats.starts > 0) {
      this.cache.clear();
      if (keepLog) {
        this.log.writeEpoch();
      } else {
        this.log = new InMemoryLog();
        this.systemEventCount = 0;
        this.seedSystemEvents();
      }
    }
    const server = new grpc.Server();
    server.addService(streamsGrpc.StreamsService, {
      read: (call: ReadCall) => this.read(call),
      append: (call: AppendCall, callback: AppendCallback) => this.append(call, callback),
      delete: (_call: unknown, callback: (error: GrpcError) => void) => callback(unimplemented('Streams/Delete')),
      tombstone: (_call: unknown, callback: (error: GrpcError) => void) => callback(unimplemented('Streams/Tombstone')),
      batchAppend: (call: { emit(event: 'error', error: GrpcError): void }) => call.emit('error', unimplemented('Streams/BatchAppend')),
    });
    server.addService(featuresGrpc.ServerFeaturesService, {
      getSupportedMethods: (_call: unknown, callback: (error: null, value: FeaturesPb.SupportedMethods) => void) => callback(null, this.supportedMethods()),
    });
    this.boundPort = await bind(server, this.boundPort);
    this.server = server;
    this.stats.starts += 1;
    const every = this.options.systemEventIntervalMs;
    if (every && every > 0) {
      this.timer = setInterval(() => this.writeSystemEvent(), every);
      this.timer.unref();
    }
  }

  /**
   * Stops at once. Open calls are cancelled, as KurrentDB's shutdown cancels its streaming calls (the
   * client sees CANCELLED); until start(), connecting fails (UNAVAILABLE). The log stays in memory.
   */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const s of [...this.subscriptions]) s.drop();
    server.forceShutdown();
    await new Promise((resolve) => setImmediate(resolve));
  }

  async restart(options: { keepLog?: boolean } = {}): Promise<void> {
    await this.stop();
    await this.start(options);
  }

  /** Appends a system event (a `$statsCollected` in a `$stats-…` stream), as a node does by itself. */
  writeSystemEvent(): void {
    this.systemEventCount += 1;
    const data = Buffer.from(JSON.stringify({ 'proc-id': process.pid, 'sys-loadavg-1m': 0, n: this.systemEventCount }));
    this.log.write('$stats-127.0.0.1:2113', [{ id: randomUUID(), type: '$statsCollected', isJson: true, data, metadata: new Uint8Array() }]);
  }

  /**
   * Changes one stored event's data bytes, as an intruder with access to a node's disk could (no
   * protocol operation can): for tests that tampering is detected. Positions and sizes are unchanged.
   */
  tamperWithEvent(stream: string, revision: number, change: (data: Buffer) => Buffer): void {
    const event = this.log.stream(stream)[revision];
    if (!event) throw new RangeError(`no event ${stream}@${revision} to tamper with`);
    this.log.replaceData(stream, revision, Uint8Array.from(change(Buffer.from(event.data))));
  }

  private seedSystemEvents(): void {
    const none = new Uint8Array();
    this.log.write('$settings', [{ id: randomUUID(), type: '$settings', isJson: true, data: Buffer.from('{"$userStreamAcl":{},"$systemStreamAcl":{}}'), metadata: none }]);
    this.log.write('$users', [{ id: randomUUID(), type: '$User', isJson: false, data: Buffer.from('admin'), metadata: none }]);
    this.writeSystemEvent();
  }

  private supportedMethods(): FeaturesPb.SupportedMethods {
    const method = (service: string, name: string, features: string[] = []) =>
      new featuresPb.SupportedMethod().setServiceName(service).setMethodName(name).setFeaturesList(features);
    return new featuresPb.SupportedMethods()
      .setEventStoreServerVersion(this.options.serverVersion ?? '25.0.0')
      .setMethodsList([
        method('event_store.client.streams.streams', 'read', ['position', 'events']),
        method('event_store.client.streams.streams', 'append'),
        method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
      ]);
  }

  // --- Streams/Append ----------------------------------------------------------------------------

  private append(call: AppendCall, callback: AppendCallback): void {
    let options: StreamsPb.AppendReq.Options | null = null;
    const proposed: ProposedEvent[] = [];
    let size = 0;
    let failed = false;
    const fail = (error: GrpcError) => {
      if (failed) return;
      failed = true;
      callback(error as unknown as Parameters<AppendCallback>[0]);
    };
    call.on('data', (req: StreamsPb.AppendReq) => {
      if (failed) return;
      if (options === null) {
        if (!req.hasOptions()) return fail(grpcError(grpc.status.UNKNOWN, 'Exception was thrown by handler. (the first append message must carry the options)'));
        options = req.getOptions()!;
        return;
      }
      const message = req.getProposedMessage();
      if (!message) return fail(grpcError(grpc.status.UNKNOWN, 'Exception was thrown by handler. (options sent twice)'));
      const metadata = message.getMetadataMap();
      const type = metadata.get('type');
      if (type === undefined) return fail(missingMetadata('type'));
      const contentType = metadata.get('content-type');
      if (contentType === undefined) return fail(missingMetadata('content-type'));
      const id = parseUuid(message.getId());
      if (id === null) return fail(grpcError(grpc.status.UNKNOWN, 'Exception was thrown by handler. (the event id is not a UUID)'));
      const data = message.getData_asU8();
      const custom = message.getCustomMetadata_asU8();
      size += data.length + custom.length + 2 * type.length;
      const max = this.options.maxAppendSize ?? 1_048_576;
      if (size > max) {
        return fail(grpcError(grpc.status.INVALID_ARGUMENT, `Maximum Append Size of ${max} Exceeded.`, { exception: 'maximum-append-size-exceeded', 'maximum-append-size': String(max) }));
      }
      proposed.push({ id, type, isJson: contentType === 'application/json', data: Uint8Array.from(data), metadata: Uint8Array.from(custom) });
    });
    call.on('error', () => {
      failed = true;
    });
    call.on('end', () => {
      if (failed) return;
      if (options === null) return fail(grpcError(grpc.status.UNKNOWN, 'Exception was thrown by handler. (no append options)'));
      const stream = streamNameOf(options.getStreamIdentifier());
      if (stream.startsWith('$$')) return fail(unimplemented(`Appending to the metadata stream ${stream} (stream metadata)`));
      if (proposed.some((p) => p.type === '$>')) return fail(unimplemented('Appending link events ($>)'));
      const expected = expectationOf(options);
      if (expected === null) return fail(invalidArgument("'expected_stream_revision' is required"));
      this.stats.appends += 1;
      const outcome = appendToLog(this.log, this.cache, stream, expected, proposed);
      callback(null, appendResponse(outcome, options));
    });
  }

  // --- Streams/Read ------------------------------------------------------------------------------

  private read(call: ReadCall): void {
    const options = call.request.getOptions();
    const fail = (error: GrpcError): void => {
      call.emit('error', error);
    };
    if (!options) return fail(invalidArgument("'options' is a required argument"));
    if (!options.hasUuidOption()) return fail(invalidArgument("'uuidOption' is a required argument of type UUIDOption"));
    const structuredIds = !options.getUuidOption()!.hasString();
    const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
    const subscription = options.hasSubscription();
    const onStream = options.hasStream();
    const combination = () =>
      invalidArgument(`The combination of (${onStream ? 'Stream' : 'All'}, ${subscription ? 'Subscription' : 'Count'}, ${backwards ? 'Backwards' : 'Forwards'}, ${options.hasFilter() ? 'Filter' : 'NoFilter'}) is invalid.`);
    if ((!onStream && !options.hasAll()) || (!subscription && !options.hasCount())) return fail(combination());
    if (!options.hasFilter() && !options.hasNoFilter()) return fail(combination());
    if (subscription && backwards) return fail(combination());
    if (onStream && options.hasFilter()) return fail(combination());
    const filter = parseFilter(options);
    if (filter !== null && 'code' in filter) return fail(filter);

    if (subscription) {
      this.stats.subscriptions += 1;
      let spec: AllSubscriptionSpec | StreamSubscriptionSpec;
      let startsInsideRecord = false;
      if (onStream) {
        const so = options.getStream()!;
        const stream = streamNameOf(so.getStreamIdentifier());
        const afterRevision = so.hasStart() ? null : so.hasEnd() ? this.log.lastRevision(stream) : toNumber(so.getRevision());
        spec = { kind: 'stream', stream, afterRevision: afterRevision !== null && afterRevision < 0 ? null : afterRevision };
      } else {
        const ao = options.getAll()!;
        let after: number | null = null;
        if (ao.hasEnd()) after = this.log.events[this.log.events.length - 1]?.position ?? null;
        else if (ao.hasPosition()) {
          after = toNumber(ao.getPosition()!.getCommitPosition());
          startsInsideRecord = !this.log.isReadablePosition(after);
        }
        spec = { kind: 'all', after, filter };
      }
      if (startsInsideRecord) {
        // The server confirms first, then fails the catch-up read.
        call.write(new streamsPb.ReadResp().setConfirmation(new streamsPb.ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
        this.stats.invalidPositions += 1;
        return fail(invalidPosition());
      }
      const sub = new Subscription(this.log, call, spec, structuredIds, (s) => this.subscriptions.delete(s));
      this.subscriptions.add(sub);
      sub.start();
      return;
    }

    this.stats.reads += 1;
    const count = toNumber(options.getCount());
    if (onStream) {
      const so = options.getStream()!;
      const name = streamNameOf(so.getStreamIdentifier());
      const events = this.log.stream(name);
      if (events.length === 0) {
        const notFound = new streamsPb.ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name));
        return void writeAll(call, [new streamsPb.ReadResp().setStreamNotFound(notFound)]);
      }
      const last = events.length - 1;
      let out: StoredEvent[];
      if (backwards) {
        const from = so.hasStart() ? 0 : so.hasEnd() ? last : Math.min(last, toNumber(so.getRevision()));
        out = events.slice(Math.max(0, from - count + 1), from + 1).reverse();
      } else {
        const from = so.hasStart() ? 0 : so.hasEnd() ? events.length : toNumber(so.getRevision());
        out = events.slice(from, from + count);
      }
      return void writeAll(call, out.map((e) => eventResponse(e, structuredIds)));
    }

    const ao = options.getAll()!;
    let from: number;
    if (ao.hasStart()) from = 0;
    else if (ao.hasEnd()) from = this.log.end;
    else {
      from = toNumber(ao.getPosition()!.getCommitPosition());
      if (!this.log.isReadablePosition(from)) {
        this.stats.invalidPositions += 1;
        return fail(invalidPosition());
      }
    }
    const out: StoredEvent[] = [];
    const all = this.log.events;
    if (backwards) {
      for (let i = this.log.firstIndexAtOrAfter(from) - 1; i >= 0 && out.length < count; i--) {
        if (!filter || filter.allows(all[i]!)) out.push(all[i]!);
      }
    } else {
      for (let i = this.log.firstIndexAtOrAfter(from); i < all.length && out.length < count; i++) {
        if (!filter || filter.allows(all[i]!)) out.push(all[i]!);
      }
    }
    void writeAll(call, out.map((e) => eventResponse(e, structuredIds)));
  }
}

function missingMetadata(property: string): GrpcError {
  return grpcError(grpc.status.INVALID_ARGUMENT, `Required Metadata Property '${property}' is missing`, {
    exception: 'missing-required-metadata-property',
    'required-metadata-properties': 'type,content-type',
  });
}

function expectationOf(options: StreamsPb.AppendReq.Options): Expectation | null {
  if (options.hasAny()) return { kind: 'any' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  if (options.hasNoStream()) return { kind: 'revision', revision: -1 };
  if (options.hasRevision()) return { kind: 'revision', revision: toNumber(options.getRevision()) };
  return null;
}

function appendResponse(outcome: AppendOutcome, options: StreamsPb.AppendReq.Options): StreamsPb.AppendResp {
  const resp = new streamsPb.AppendResp();
  if (outcome.kind === 'wrong_expected_version') {
    const w = new streamsPb.AppendResp.WrongExpectedVersion();
    if (outcome.currentRevision < 0) w.setCurrentNoStream(empty());
    else w.setCurrentRevision(String(outcome.currentRevision));
    if (options.hasAny()) w.setExpectedAny(empty());
    else if (options.hasStreamExists()) w.setExpectedStreamExists(empty());
    else if (options.hasNoStream()) w.setExpectedNoStream(empty());
    else w.setExpectedRevision(options.getRevision());
    return resp.setWrongExpectedVersion(w);
  }
  const success = new streamsPb.AppendResp.Success();
  if (outcome.kind === 'empty') {
    if (outcome.currentRevision < 0) success.setNoStream(empty());
    else success.setCurrentRevision(String(outcome.currentRevision));
    success.setNoPosition(empty());
  } else {
    success.setCurrentRevision(String(outcome.lastRevision));
    success.setPosition(new streamsPb.AppendResp.Position().setCommitPosition(String(outcome.position)).setPreparePosition(String(outcome.position)));
  }
  return resp.setSuccess(success);
}

/** Writes a finite read's answers with flow control, then ends the call (unless the client left). */
async function writeAll(call: ReadCall, messages: readonly StreamsPb.ReadResp[]): Promise<void> {
  for (const m of messages) {
    if (call.cancelled || call.destroyed) return;
    if (!call.write(m)) {
      const ok = await new Promise<boolean>((resolve) => {
        const onDrain = () => {
          call.off('close', onClose);
          resolve(true);
        };
        const onClose = () => {
          call.off('drain', onDrain);
          resolve(false);
        };
        call.once('drain', onDrain);
        call.once('close', onClose);
      });
      if (!ok) return;
    }
  }
  if (!call.cancelled && !call.destroyed) call.end();
}

async function bind(server: GrpcServer, port: number): Promise<number> {
  // A port just released by stop() can take a moment to be free again.
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Promise<number>((resolve, reject) =>
        server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
      );
    } catch (error) {
      if (port === 0 || attempt >= 50 || !/EADDRINUSE|address already in use/i.test(String((error as Error).message))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
