import type { EventStore, RecordedEvent } from '../event-store/event-store.port.js';
import type { Decider } from './decider.js';

/** What an idempotent retry is answered with: the events its first request appended. */
export interface Replay {
  readonly requestHash: string | null;
  /** Version of the last of those events. */
  readonly version: number;
  readonly events: ReadonlyArray<Pick<RecordedEvent, 'id' | 'type' | 'data' | 'version' | 'globalPosition'>>;
}

/**
 * A stream folded by one decider's evolve from one initial state, up to `version` whose event
 * carries `hash`. Immutable except `keys`, which is shared along one chain of folds and only ever
 * learns events that are in the log (a reader ignores entries past its own version).
 */
export interface Fold<S> {
  readonly evolve: Decider<S, unknown>['evolve'];
  readonly initialState: S;
  readonly state: S;
  readonly version: number;
  readonly hash: string;
  readonly keys: Map<string, Replay>;
}

type FoldOf = Pick<Decider<unknown, unknown>, 'evolve' | 'initialState'>;

/** Different deciders may fold the same stream; a few folds per stream are kept. */
const FOLDS_PER_STREAM = 4;

/**
 * Recently used streams, folded, so a command reads only what came after (see handleCommand).
 * Bounded LRU by stream. Never trusted alone: every use asks the store for what came after the
 * fold's (version, hash), and a stream that no longer holds that hash is read whole, verified.
 */
export class StreamStateCache {
  private readonly streams = new Map<string, Fold<unknown>[]>();

  constructor(readonly maxStreams: number = DEFAULT_MAX_STREAMS) {
    if (!Number.isSafeInteger(maxStreams) || maxStreams < 0) throw new RangeError(`maxStreams must be a whole number ≥ 0, got ${maxStreams}`);
  }

  get size(): number {
    return this.streams.size;
  }

  get<S>(stream: string, decider: Pick<Decider<S, unknown>, 'evolve' | 'initialState'>): Fold<S> | undefined {
    const folds = this.streams.get(stream);
    if (!folds) return undefined;
    const fold = folds.find((f) => f.evolve === (decider.evolve as unknown) && f.initialState === decider.initialState);
    if (!fold) return undefined;
    // Most recently used last.
    this.streams.delete(stream);
    this.streams.set(stream, folds);
    return fold as Fold<S>;
  }

  /** Keeps `fold` unless a fold of the same decider further along is there already. */
  put<S>(stream: string, fold: Fold<S>): void {
    if (this.maxStreams === 0) return;
    const folds = this.streams.get(stream) ?? [];
    const i = folds.findIndex((f) => f.evolve === (fold.evolve as unknown) && f.initialState === fold.initialState);
    if (i >= 0) {
      if (folds[i]!.version > fold.version) return;
      folds.splice(i, 1);
    } else if (folds.length >= FOLDS_PER_STREAM) folds.shift();
    folds.push(fold as Fold<unknown>);
    this.streams.delete(stream);
    this.streams.set(stream, folds);
    while (this.streams.size > this.maxStreams) {
      const oldest = this.streams.keys().next();
      if (oldest.done) break;
      this.streams.delete(oldest.value);
    }
  }

  delete(stream: string): void {
    this.streams.delete(stream);
  }

  has(stream: string, decider?: FoldOf): boolean {
    const folds = this.streams.get(stream);
    if (!folds) return false;
    return decider ? folds.some((f) => f.evolve === decider.evolve && f.initialState === decider.initialState) : true;
  }
}

export const DEFAULT_MAX_STREAMS = 10_000;

const caches = new WeakMap<EventStore, StreamStateCache>();

/** The command path's cache for one store (one per store object: another store is another log). */
export function stateCacheOf(store: EventStore): StreamStateCache {
  let cache = caches.get(store);
  if (!cache) {
    cache = new StreamStateCache();
    caches.set(store, cache);
  }
  return cache;
}

/** Sets how many streams the command path keeps folded for this store (0 turns the cache off). */
export function configureStateCache(store: EventStore, options: { readonly maxStreams: number }): StreamStateCache {
  const cache = new StreamStateCache(options.maxStreams);
  caches.set(store, cache);
  return cache;
}

/** A fold taken further by events read from the log (in order, right after `fold.version`). */
export function foldOn<S>(fold: Fold<S>, events: readonly RecordedEvent[]): Fold<S> {
  let state = fold.state;
  for (const e of events) {
    state = fold.evolve(state, { type: e.type, data: e.data, schemaVersion: e.schemaVersion });
    learnKey(fold.keys, e);
  }
  const last = events[events.length - 1];
  return last ? { ...fold, state, version: last.version, hash: last.hash } : fold;
}

/** A fold of a whole stream as read from the log. */
export function foldAll<S>(decider: Pick<Decider<S, unknown>, 'evolve' | 'initialState'>, events: readonly RecordedEvent[]): Fold<S> {
  const start: Fold<S> = { evolve: decider.evolve, initialState: decider.initialState, state: decider.initialState, version: 0, hash: '', keys: new Map() };
  return foldOn(start, events);
}

export function learnKey(keys: Map<string, Replay>, e: Pick<RecordedEvent, 'id' | 'type' | 'data' | 'version' | 'globalPosition' | 'metadata'>): void {
  const key = e.metadata.idempotencyKey;
  if (!key) return;
  const pick = { id: e.id, type: e.type, data: e.data, version: e.version, globalPosition: e.globalPosition };
  const known = keys.get(key);
  if (known && known.version >= e.version) return;
  // The first request's hash counts, as when the log was scanned for the key.
  keys.set(key, known ? { ...known, version: e.version, events: [...known.events, pick] } : { requestHash: e.metadata.requestHash ?? null, version: e.version, events: [pick] });
}
