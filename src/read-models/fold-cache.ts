import type { ProjectionEvent } from '../event-store/event-store.port.js';
import { diffRows, emptyOps, type CaseFold, type Row, type TableOps } from './case-fold.js';

/** Row changes in sets applied one after the other; in each, per fold, per table. */
export type FoldOps = TableOps[][][];

interface Entry {
  /** Per fold: the case's state (null until the fold has an event of it in this stay). */
  readonly states: unknown[];
  /** Per fold: the case's rows as the read DB has them (or will, once the batch that wrote them is committed). */
  readonly stored: (Row[][] | null)[];
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
 * per case and event, not one per fold. A case that leaves the cache becomes row changes (each fold
 * it has, diffed against the rows stored before); one that comes back is read back from its rows.
 */
export class FoldCache {
  private readonly cache = new Map<string, Entry>();
  /** Per case: the folds (bits) whose rows have gone to the writer. */
  private readonly written = new Map<string, number>();
  /** Rows sent but maybe not committed yet (another connection cannot see them), with the batch that carried them. */
  private readonly pending = new Map<string, { seq: number; rows: Array<Row[][] | undefined> }>();
  /** Fold states written out because the cache was full. */
  evictions = 0;
  /** The cases written into the last op set of `lastOut` (see writeOut). */
  private inSet = new Set<string>();
  private lastOut: FoldOps | null = null;

  constructor(
    readonly folds: readonly CaseFold<unknown>[],
    private readonly cap: number,
    /** The case's committed rows of fold `i`. */
    private readonly load: (i: number, caseId: string) => Row[][],
    /** Whether `load` sees rows only once committed (a connection of its own): then rows sent are kept until then. */
    private readonly keepUntilCommitted: boolean,
  ) {
    if (folds.length > 30) throw new RangeError('at most 30 folds');
  }

  emptyOps(): FoldOps {
    return [this.folds.map((f) => emptyOps(f.tables))];
  }

  /** One event of the case folded by the folds `targets` (indexes); what leaves the cache goes to `out`. */
  apply(caseId: string, e: ProjectionEvent, targets: readonly number[], out: FoldOps, seq: number): void {
    const { cache } = this;
    let entry = cache.get(caseId);
    if (entry) entry.used = true;
    else cache.set(caseId, (entry = { states: this.folds.map(() => null), stored: this.folds.map(() => null), loaded: 0, used: true, seq }));
    entry.seq = seq;
    for (let k = 0; k < targets.length; k++) {
      const i = targets[k]!;
      const fold = this.folds[i]!;
      const bit = 1 << i;
      if ((entry.loaded & bit) === 0) {
        entry.loaded |= bit;
        if (((this.written.get(caseId) ?? 0) & bit) !== 0) {
          const rows = this.pending.get(caseId)?.rows[i] ?? this.load(i, caseId);
          entry.stored[i] = rows;
          entry.states[i] = fold.fromRows(caseId, rows);
        }
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
  private evictOne(out: FoldOps, seq: number): void {
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
  evictIdle(before: number, limit: number, out: FoldOps, seq: number): number {
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

  /** The cases still here, in case order (at the end their rows go to the end of each table's B-tree). */
  remaining(): string[] {
    return [...this.cache.keys()].sort();
  }

  /** Writes a case out and forgets it (the rebuild's end). */
  finish(caseId: string, out: FoldOps, seq: number): void {
    const entry = this.cache.get(caseId);
    if (!entry) return;
    this.cache.delete(caseId);
    this.writeOut(caseId, entry, out, seq);
  }

  /** The batches up to `seq` are committed: their rows can be read back from the read DB. */
  committed(seq: number): void {
    for (const [caseId, p] of this.pending) if (p.seq <= seq) this.pending.delete(caseId);
  }

  private writeOut(caseId: string, entry: Entry, out: FoldOps, seq: number): void {
    // A set's deletes are applied before its upserts: a case written twice into one set (it left,
    // came back and left again) could see a row it deleted the second time put back by the first.
    if (out !== this.lastOut) {
      this.lastOut = out;
      this.inSet.clear();
    }
    if (this.inSet.has(caseId)) {
      out.push(this.folds.map((f) => emptyOps(f.tables)));
      this.inSet.clear();
    }
    this.inSet.add(caseId);
    const set = out[out.length - 1]!;
    let p = this.keepUntilCommitted ? this.pending.get(caseId) : undefined;
    for (let i = 0; i < this.folds.length; i++) {
      if ((entry.loaded & (1 << i)) === 0) continue;
      const fold = this.folds[i]!;
      const state = entry.states[i];
      const after = state ? fold.rows(caseId, state) : fold.tables.map(() => []);
      diffRows(fold.tables, entry.stored[i] ?? null, after, set[i]!);
      if (this.keepUntilCommitted) {
        if (!p) this.pending.set(caseId, (p = { seq, rows: [] }));
        p.seq = seq;
        p.rows[i] = after;
      }
    }
    this.written.set(caseId, (this.written.get(caseId) ?? 0) | entry.loaded);
  }
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
