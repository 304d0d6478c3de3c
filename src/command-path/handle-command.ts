import { ConcurrencyError, type EventStore, type NewEvent, type RecordedEvent } from '../event-store/event-store.port.js';
import { DomainRuleError } from '../shared/errors.js';
import type { CommandContext, Decider, DomainEvent } from './decider.js';
import { uuidFromSeed, uuidV7 } from '../shared/ids.js';
import { foldAll, foldOn, learnKey, stateCacheOf, type Fold } from './state-cache.js';

export interface CommandResult<S> {
  readonly stream: string;
  /** The stream's version after the command: the ETag of the aggregate. */
  readonly version: number;
  readonly events: ReadonlyArray<Pick<RecordedEvent, 'id' | 'type' | 'data' | 'version' | 'globalPosition'>>;
  readonly state: S;
  /** True when this answers a retried request from the log instead of deciding again. */
  readonly replayed: boolean;
}

export class IdempotencyKeyReusedError extends DomainRuleError {
  constructor(key: string) {
    super('idempotency_key_reused', `Idempotency-Key "${key}" användes redan för en annan begäran.`, 422, { idempotencyKey: key });
  }
}

const MAX_ATTEMPTS = 4;

export interface LoadedStream<S> {
  readonly state: S;
  readonly version: number;
  readonly events: readonly RecordedEvent[];
}

/**
 * The stream, its chain verified (a broken chain throws ChainBrokenError: nothing is decided or
 * shown from events the store cannot vouch for), folded into state.
 */
export async function loadStream<S>(store: EventStore, stream: string, decider: Pick<Decider<S, unknown>, 'initialState' | 'evolve'>): Promise<LoadedStream<S>> {
  const events = await store.readStream(stream, { verify: true });
  let state = decider.initialState;
  for (const e of events) state = decider.evolve(state, { type: e.type, data: e.data, schemaVersion: e.schemaVersion });
  return { state, version: events.length, events };
}

/**
 * The stream folded up to its head. A recently used stream comes from the state cache: the store is
 * asked only for what came after the cached (version, hash), verified from there on; a stream that
 * no longer holds that hash there (changed behind this process, or anything that does not check
 * out) is read whole and verified, as a stream not in the cache is.
 */
async function loadFold<S>(store: EventStore, stream: string, decider: Pick<Decider<S, unknown>, 'initialState' | 'evolve'>): Promise<Fold<S>> {
  const cache = stateCacheOf(store);
  const cached = cache.get(stream, decider);
  if (cached) {
    const after = await store.readStreamSince(stream, { version: cached.version, hash: cached.hash });
    if (after) {
      if (after.length === 0) return cached;
      const next = foldOn(cached, after);
      cache.put(stream, next);
      return next;
    }
  }
  const fold = foldAll(decider, await store.readStream(stream, { verify: true }));
  if (fold.version > 0) cache.put(stream, fold);
  else cache.delete(stream);
  return fold;
}

/**
 * The one command path: load the stream, fold evolve, decide, append with the loaded version.
 * A concurrency conflict is retried (bounded) only when the client gave no If-Match; a request
 * retried with the same Idempotency-Key is answered from the log, so it never writes twice.
 */
export async function handleCommand<S, C>(
  store: EventStore,
  stream: string,
  decider: Decider<S, C>,
  command: C,
  ctx: CommandContext,
): Promise<CommandResult<S>> {
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadFold(store, stream, decider);
    // Keys of the log's events up to the loaded version (the cache may know later ones: ignored).
    const earlier = ctx.idempotencyKey ? loaded.keys.get(ctx.idempotencyKey) : undefined;
    if (earlier && earlier.version <= loaded.version) {
      if (ctx.requestHash && earlier.requestHash !== ctx.requestHash) throw new IdempotencyKeyReusedError(ctx.idempotencyKey!);
      return { stream, version: earlier.version, events: earlier.events, state: loaded.state, replayed: true };
    }
    if (ctx.expectedVersion !== undefined && ctx.expectedVersion !== loaded.version) {
      throw new ConcurrencyError(stream, ctx.expectedVersion, loaded.version);
    }
    const decided = decider.decide(command, loaded.state);
    const toAppend = decided.map((e, i) => toNewEvent(stream, e, i, ctx));
    if (toAppend.length === 0) return { stream, version: loaded.version, events: [], state: loaded.state, replayed: false };
    try {
      const result = await store.append(stream, toAppend, { expectedVersion: ctx.expectedVersion ?? (loaded.version === 0 ? 'no_stream' : loaded.version) });
      let state = loaded.state;
      for (const e of decided) state = decider.evolve(state, e);
      const events = toAppend.map((e, i) => ({ id: e.id, type: e.type, data: e.data, version: result.nextVersion - toAppend.length + i + 1, globalPosition: result.positions[i]! }));
      if (!result.duplicate) {
        // Appended right after the loaded version (the expectation held): the cache follows.
        toAppend.forEach((e, i) => learnKey(loaded.keys, { ...events[i]!, metadata: e.metadata }));
        stateCacheOf(store).put(stream, { ...loaded, state, version: result.nextVersion, hash: result.lastHash });
      }
      return { stream, version: result.nextVersion, events, state, replayed: result.duplicate };
    } catch (error) {
      if (error instanceof ConcurrencyError && ctx.expectedVersion === undefined && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
  }
}

function pick(e: RecordedEvent) {
  return { id: e.id, type: e.type, data: e.data, version: e.version, globalPosition: e.globalPosition };
}

/**
 * With an Idempotency-Key the event ids are derived from it, so two copies of one request racing
 * past every other check still collapse into one write in the store.
 */
function toNewEvent(stream: string, e: DomainEvent, index: number, ctx: CommandContext): NewEvent {
  const id = ctx.idempotencyKey ? uuidFromSeed(`${stream}\u0000${ctx.idempotencyKey}\u0000${index}`) : uuidV7();
  return {
    id,
    type: e.type,
    schemaVersion: e.schemaVersion ?? 1,
    data: e.data,
    metadata: {
      actor: ctx.actor,
      role: ctx.role,
      correlationId: ctx.correlationId,
      causationId: ctx.causationId ?? null,
      idempotencyKey: ctx.idempotencyKey ?? null,
      requestHash: ctx.requestHash ?? null,
      recordedAt: ctx.now.toISOString(),
    },
  };
}
