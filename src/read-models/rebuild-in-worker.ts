import type Database from 'better-sqlite3';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { ProjectionEvent } from '../event-store/event-store.port.js';
import { READ_FOR_PROJECTIONS_SQL, type ProjectionSource } from '../event-store/sqlite/sqlite-event-store.js';
import { ALL_PROJECTIONS } from './all-projections.js';
import { buildIndexes, caseLoader, dropIndexes, KeyOrderWriter, type CaseFold } from './case-fold.js';
import { FoldCache, type FoldOps } from './fold-cache.js';
import type { Projection } from './projection.js';
import { startWorkerThread } from '../shared/worker-thread.js';

export interface RebuildWorkerData {
  readonly logPath: string;
  readonly readPath: string;
  /** The log's light read (READ_FOR_PROJECTIONS_SQL), passed so the worker need not load the store's module. */
  readonly sql: string;
  readonly projections: readonly string[];
  readonly versions: Readonly<Record<string, number>>;
  readonly types: readonly string[];
  readonly currentVersions: Readonly<Record<string, number>>;
  readonly cacheCases: number;
  readonly batchSize: number;
  readonly fromPosition: number;
  /**
   * Which cases this worker folds (ownerOf in fold-cache.ts): the writing thread folds those whose
   * share is below `own` (per mille), the workers the rest. Every worker reads the whole log; worker 0
   * also sends the writing thread the events of its share.
   */
  readonly share: { readonly own: number; readonly workers: number; readonly index: number };
  /** Float64Array[0]: how long (ms) the writing thread has waited for the worker's batches so far. */
  readonly idle: SharedArrayBuffer;
  /** Int32Array[0]: the last batch the writer has applied (the worker stays at most maxAhead batches ahead). */
  readonly applied: SharedArrayBuffer;
  readonly maxAhead: number;
  /** The writer tells here which batch is committed ({ committed: seq }): the worker may then read those cases back from the read DB. */
  readonly acks: MessagePort;
}

export type FromWorker =
  /** `forwarded`: the writing thread's share of the batch's events, FORWARDED_CELLS cells each (position, stream, version, type, schema version, data as JSON). */
  | { kind: 'batch'; seq: number; scanned: number; lastPosition: number; ops: FoldOps; forwarded: Array<string | number> }
  | { kind: 'done'; events: number; lastPosition: number; evictions: number }
  | { kind: 'fallback'; reason: string }
  | { kind: 'failed'; error: string };

const FORWARDED_CELLS = 6;
/** A case of this thread's share untouched for this many batches is written out while it waits for the workers. */
const IDLE_BATCHES = 8;
const CASE_PREFIX = 'case-';

type FoldProjection = Projection & { readonly fold: CaseFold<unknown> };

/**
 * Whether a rebuild can fold in a worker thread: every projection is one of the service's case folds
 * (the worker finds them by name), the log is a file the worker can open, and the read DB is a WAL
 * file (the worker reads committed rows of cases that left its cache with its own connection).
 */
export function workerRebuildPossible(db: Database.Database, chosen: readonly Projection[], source: ProjectionSource | null): chosen is readonly FoldProjection[] {
  if (!source || db.memory || chosen.length === 0) return false;
  if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return false;
  return chosen.every((p) => ALL_PROJECTIONS.includes(p) && 'fold' in p);
}

export interface WorkerRebuildOptions {
  readonly types: readonly string[];
  readonly cacheCases: number;
  readonly batchSize: number;
  readonly eventsPerTransaction: number;
  /** Fold workers, each reading the whole log and folding its share of the cases (default 1). */
  readonly workers?: number;
  /** The writing thread's share of the cases, which it folds itself, in per mille (default DEFAULT_OWN_SHARE). */
  readonly ownShare?: number;
  readonly onBatch?: (position: number, events: number) => void;
}

/**
 * The writing thread's share to begin with when it folds beside one worker, which moves it (for the
 * cases it has not seen yet) towards the thread that waits for the other: on the 2 000-household
 * log it ends near 600–750 (nothing is written until the end), on the 20 000-household one near 450–550.
 */
export const DEFAULT_OWN_SHARE = 500;

/**
 * Batches a worker may be ahead of the writer. Commits and bursts of cases written out stall the
 * writer now and then; with 4 both threads waited for each other ≈ 10 % of the time each on the
 * 20 000-household log, with 16 ≈ 4 %. Each batch in flight holds its row changes and forwarded
 * events: peak RSS there ≈ 660 MB with 6, ≈ 690–760 with 12.
 */
const MAX_AHEAD = 8;

/**
 * A rebuild on two threads (or more): the worker (rebuild.worker.ts) reads the log and folds its
 * share of the cases; this thread, which owns the read DB, folds the rest (the events of those cases
 * come with the worker's batches), writes the row changes of both, commits now and then and tells
 * the worker which batch is committed. The caller has reset the projections and opened a
 * transaction (BEGIN); on return it is still open. Resolves null when the worker cannot do it (an
 * event that needs an upcaster): the caller rolls back and rebuilds in-thread.
 */
export async function rebuildInWorker(
  db: Database.Database,
  chosen: readonly FoldProjection[],
  source: ProjectionSource,
  options: WorkerRebuildOptions,
): Promise<{ events: number; lastPosition: number; evictions: number; workers: number } | null> {
  // Cases, not projections, are split over the threads: each case's rows come from one thread, the
  // work divides evenly whatever the projections weigh, and a thread parses only its cases' events.
  const count = Math.max(1, Math.min(options.workers ?? 1, 8));
  const own = Math.max(0, Math.min(options.ownShare ?? (count === 1 ? DEFAULT_OWN_SHARE : 0), 900));
  for (const p of chosen) dropIndexes(db, p.fold.tables);
  // The workers' own connections see the (empty, freshly set up) tables only once they are committed.
  db.exec('COMMIT');
  db.exec('BEGIN');
  const folds = chosen.map((p) => p.fold);
  const types = options.types.filter((t) => folds.some((f) => f.eventTypes.has(t)));
  const inbox: Array<{ w: number; m: FromWorker }> = [];
  let wake: (() => void) | null = null;
  let exited: Error | null = null;
  const idleBuffer = new SharedArrayBuffer(8);
  const idle = new Float64Array(idleBuffer);
  const workers = Array.from({ length: count }, (_, w) => {
    const applied = new SharedArrayBuffer(4);
    const channel = new MessageChannel();
    const data: RebuildWorkerData = {
      logPath: source.path,
      readPath: db.name,
      sql: READ_FOR_PROJECTIONS_SQL,
      projections: chosen.map((p) => p.name),
      versions: Object.fromEntries(chosen.map((p) => [p.name, p.version])),
      types,
      currentVersions: source.currentVersions,
      cacheCases: Math.max(1, Math.round((options.cacheCases * (1000 - own)) / 1000 / count)),
      batchSize: options.batchSize,
      fromPosition: 0,
      share: { own, workers: count, index: w },
      idle: idleBuffer,
      applied,
      maxAhead: MAX_AHEAD,
      acks: channel.port2,
    };
    const worker = startWorker(data, [channel.port2]);
    worker.on('message', (m: FromWorker) => {
      inbox.push({ w, m });
      wake?.();
    });
    worker.on('error', (e) => {
      exited ??= e;
      wake?.();
    });
    worker.on('exit', (code) => {
      if (!done[w]) exited ??= new Error(`the rebuild worker exited (${code})`);
      wake?.();
    });
    return { worker, channel, seen: new Int32Array(applied), lastSeq: 0 };
  });
  const done: boolean[] = workers.map(() => false);
  let lastSeq = 0;
  const next = async (): Promise<{ w: number; m: FromWorker }> => {
    for (;;) {
      const m = inbox.shift();
      if (m) return m;
      if (exited) throw exited;
      // Nothing to write: this thread's cases that have gone quiet meanwhile (they would otherwise
      // all be written at the end, after the workers are done).
      if (ownLeft && writeIdle(lastSeq - IDLE_BATCHES)) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      const t = performance.now();
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      // Counted once the worker is reading (its start is no one's imbalance).
      if (lastSeq > 0) idle[0]! += performance.now() - t;
    }
  };
  // Row changes wait for the next commit and are written then, in key order.
  const writers = folds.map((f) => new KeyOrderWriter(db, f.tables));
  const write = (ops: FoldOps) => {
    for (const set of ops) for (let i = 0; i < writers.length; i++) writers[i]!.add(set[i]!);
  };
  const flush = () => {
    for (const w of writers) w.flush();
    // This thread's cache may now read its cases back from the tables.
    mine.committed(Number.MAX_SAFE_INTEGER);
  };
  // This thread's share: its cache reads a case back through this connection once its rows are
  // written (at the next commit: until then the cache keeps them).
  const loaders = folds.map((f) => caseLoader(db, f.tables));
  const mine = new FoldCache(folds, Math.max(1, Math.round((options.cacheCases * own) / 1000)), (i, caseId) => loaders[i]!(caseId), true);
  const targetsOf = new Map<string, number[]>(types.map((t) => [t, folds.flatMap((f, i) => (f.eventTypes.has(t) ? [i] : []))]));
  const foldForwarded = (cells: ReadonlyArray<string | number>, seq: number) => {
    if (cells.length === 0) return;
    const ops = mine.emptyOps();
    for (let k = 0; k < cells.length; k += FORWARDED_CELLS) {
      const stream = cells[k + 1] as string;
      const type = cells[k + 3] as string;
      const e = { globalPosition: cells[k], stream, version: cells[k + 2], type, schemaVersion: cells[k + 4], data: JSON.parse(cells[k + 5] as string) } as unknown as ProjectionEvent;
      mine.apply(stream.slice(CASE_PREFIX.length), e, targetsOf.get(type)!, ops, seq);
    }
    write(ops);
  };
  const writeIdle = (before: number): boolean => {
    if (before <= 0) return false;
    const ops = mine.emptyOps();
    if (mine.evictIdle(before, 256, ops, lastSeq) === 0) return false;
    write(ops);
    return true;
  };
  // Once worker 0 has read the whole log this thread's cases are complete: their rows are written
  // (in case order) while the workers turn theirs into rows.
  let ownLeft = true;
  const writeOwnLeft = () => {
    ownLeft = false;
    const left = mine.remaining();
    for (let from = 0; from < left.length; from += 2000) {
      const ops = mine.emptyOps();
      for (const caseId of left.slice(from, from + 2000)) mine.finish(caseId, ops, 0);
      write(ops);
    }
  };
  let sinceCommit = 0;
  let events = 0;
  let lastPosition = 0;
  let evictions = 0;
  try {
    while (done.includes(false)) {
      const { w, m } = await next();
      if (m.kind === 'failed') throw new Error(`rebuild worker: ${m.error}`);
      if (m.kind === 'fallback') return null;
      if (ownLeft && w === 0 && (m.kind === 'done' || m.scanned === 0)) writeOwnLeft();
      if (m.kind === 'done') {
        done[w] = true;
        evictions += m.evictions;
        if (w === 0) ({ events, lastPosition } = m);
        continue;
      }
      const x = workers[w]!;
      write(m.ops);
      if (w === 0) lastSeq = m.seq;
      foldForwarded(m.forwarded, m.seq);
      x.lastSeq = m.seq;
      // Worker 0's batches count the log (every worker scans all of it).
      if (w === 0) sinceCommit += m.scanned;
      if (sinceCommit >= options.eventsPerTransaction) {
        flush();
        db.exec('COMMIT');
        db.exec('BEGIN');
        sinceCommit = 0;
        for (const y of workers) y.channel.port1.postMessage({ committed: y.lastSeq });
      }
      Atomics.store(x.seen, 0, m.seq);
      Atomics.notify(x.seen, 0);
      if (w === 0 && m.scanned > 0) options.onBatch?.(m.lastPosition, (events += m.scanned));
    }
    evictions += mine.evictions;
    flush();
    buildIndexes(db, chosen.flatMap((p) => p.fold.tables));
    return { events, lastPosition, evictions, workers: workers.length };
  } finally {
    for (const x of workers) {
      x.channel.port1.close();
      await x.worker.terminate();
    }
  }
}

function startWorker(data: RebuildWorkerData, transfer: MessagePort[]): Worker {
  return startWorkerThread(import.meta.url, 'rebuild.worker', { workerData: data, transferList: transfer });
}
