import type { ProjectionEvent } from '../event-store/event-store.port.js';
import type { CaseFold, Row } from './case-fold.js';

/**
 * Cases that left a cache, flat: for each case in the order they left, its id, then per fold the
 * JSON of its rows (Row[][]; null where the fold has no state). A later record of a case replaces an earlier.
 */
export type StashOps = Array<string | null>;

/** A case's rows per fold as a stash record holds them (JSON of Row[][], or null). */
export type StashRecord = Array<string | null>;

interface Entry {
  /** Per fold: the case's state (null until the fold has an event of it in this stay). */
  readonly states: unknown[];
  /** The case's last record (null when it was never written): the folds not loaded in this stay keep theirs. */
  readonly stored: StashRecord | null;
  /** The folds (bits) that have the case's state here. */
  loaded: number;
  /** Touched since it was last at the head of the cache (second chance: see evictOne). */
  used: boolean;
  /** The batch of its last event. */
  seq: number;
}

/**
 * A rebuild's write-back cache for several case folds at once, used by the fold worker and by the
 * thread that writes (each for its share of the cases). A case's states stay together: one LRU entry
 * per case and event, not one per fold. A case that leaves the cache becomes one stash record (its
 * rows of every fold, rebuild-stash.ts); one that comes back is read back from its last record.
 */
export class FoldCache {
  private readonly cache = new Map<string, Entry>();
  /** Cases whose record has gone to the writer. */
  private readonly written = new Set<string>();
  /** Records sent but maybe not committed yet (another connection cannot see them), with the batch that carried them. */
  private readonly pending = new Map<string, { seq: number; record: StashRecord }>();
  /** Fold states written out because the cache was full. */
  evictions = 0;

  constructor(
    readonly folds: readonly CaseFold<unknown>[],
    private readonly cap: number,
    /** The case's committed record, if any. */
    private readonly load: (caseId: string) => StashRecord | undefined,
    /** Whether `load` sees records only once committed (a connection of its own): then records sent are kept until then. */
    private readonly keepUntilCommitted: boolean,
  ) {
    if (folds.length > 30) throw new RangeError('at most 30 folds');
  }

  emptyOps(): StashOps {
    return [];
  }

  /** One event of the case folded by the folds `targets` (indexes); what leaves the cache goes to `out`. */
  apply(caseId: string, e: ProjectionEvent, targets: readonly number[], out: StashOps, seq: number): void {
    const { cache } = this;
    let entry = cache.get(caseId);
    if (entry) entry.used = true;
    else {
      let stored: StashRecord | null = null;
      if (this.written.has(caseId)) {
        stored = this.pending.get(caseId)?.record ?? this.load(caseId) ?? null;
        if (!stored) throw new Error(`the rebuild lost the rows of case ${caseId}`);
      }
      cache.set(caseId, (entry = { states: this.folds.map(() => null), stored, loaded: 0, used: true, seq }));
    }
    entry.seq = seq;
    for (let k = 0; k < targets.length; k++) {
      const i = targets[k]!;
      const fold = this.folds[i]!;
      const bit = 1 << i;
      if ((entry.loaded & bit) === 0) {
        entry.loaded |= bit;
        const json = entry.stored?.[i];
        if (json) entry.states[i] = fold.fromRows(caseId, JSON.parse(json) as Row[][]);
      }
      entry.states[i] = fold.evolve(entry.states[i], caseId, e);
    }
    if (cache.size > this.cap) this.evictOne(out, seq);
  }

  /**
   * Writes out the case at the head of the cache (Map order is insertion order) unless it was
   * touched since it was last there: then it goes to the tail (its flag cleared) and the next one is
   * looked at. Nearly least recently used, without moving every case at every event.
   */
  private evictOne(out: StashOps, seq: number): void {
    const { cache } = this;
    for (;;) {
      const [oldest, left] = cache.entries().next().value as [string, Entry];
      cache.delete(oldest);
      if (left.used) {
        left.used = false;
        cache.set(oldest, left);
        continue;
      }
      this.evictions += bitCount(left.loaded);
      this.writeOut(oldest, left, out, seq);
      return;
    }
  }

  /**
   * Writes out (and forgets) cases whose last event came before batch `before`, looking at most at
   * `limit` cases from the head; the others go to the tail. For a thread with time to spare: rows
   * of cases gone quiet are written while the log is read instead of all at its end.
   */
  evictIdle(before: number, limit: number, out: StashOps, seq: number): number {
    const { cache } = this;
    let written = 0;
    for (let looked = 0; looked < limit && cache.size > 0; looked++) {
      const [oldest, left] = cache.entries().next().value as [string, Entry];
      cache.delete(oldest);
      if (left.seq >= before) {
        cache.set(oldest, left);
        continue;
      }
      this.evictions += bitCount(left.loaded);
      this.writeOut(oldest, left, out, seq);
      written += 1;
    }
    return written;
  }

  /** The cases still here (the stash puts records in case order when it writes them). */
  remaining(): string[] {
    return [...this.cache.keys()];
  }

  /** Writes a case out and forgets it (the rebuild's end). */
  finish(caseId: string, out: StashOps, seq: number): void {
    const entry = this.cache.get(caseId);
    if (!entry) return;
    this.cache.delete(caseId);
    this.writeOut(caseId, entry, out, seq);
  }

  /** The batches up to `seq` are committed: their records can be read back from the stash. */
  committed(seq: number): void {
    for (const [caseId, p] of this.pending) if (p.seq <= seq) this.pending.delete(caseId);
  }

  private writeOut(caseId: string, entry: Entry, out: StashOps, seq: number): void {
    // The folds without an event in this stay keep their rows as they were (not even parsed).
    const record: StashRecord = this.folds.map((fold, i) => {
      if ((entry.loaded & (1 << i)) === 0) return entry.stored?.[i] ?? null;
      const state = entry.states[i];
      return state ? JSON.stringify(fold.rows(caseId, state)) : null;
    });
    out.push(caseId, ...record);
    if (this.keepUntilCommitted) this.pending.set(caseId, { seq, record });
    this.written.add(caseId);
  }
}

/** An event as the rebuild's log read hands it over (position, stream, version, type, schema version, data as JSON), for the folds. */
export function rebuildEvent(position: number, stream: string, version: number, type: string, schemaVersion: number, json: string): ProjectionEvent {
  return { globalPosition: position, stream, version, type, schemaVersion, data: JSON.parse(json) } as unknown as ProjectionEvent;
}

function bitCount(n: number): number {
  let c = 0;
  for (let x = n; x !== 0; x &= x - 1) c++;
  return c;
}

/**
 * Which thread folds a case, as a number in [0, 1000): a hash of its stream's last characters
 * (random in a case id). The same for every event of the case, so a case is folded by one thread.
 */
export function shareOf(stream: string): number {
  let h = 0;
  for (let i = Math.max(0, stream.length - 8); i < stream.length; i++) h = (Math.imul(h, 31) + stream.charCodeAt(i)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return ((h ^ (h >>> 16)) >>> 0) % 1000;
}

/** The thread that folds a case's events: -1 for the writing thread (its share in per mille is `own`), else a fold worker's index. */
export function ownerOf(stream: string, own: number, workers: number): number {
  const s = shareOf(stream);
  return s < own ? -1 : Math.floor(((s - own) * workers) / (1000 - own));
}
