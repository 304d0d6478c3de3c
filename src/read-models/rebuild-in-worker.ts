import type Database from 'better-sqlite3';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { READ_FOR_PROJECTIONS_SQL, type ProjectionSource } from '../event-store/sqlite/sqlite-event-store.js';
import { ALL_PROJECTIONS } from './all-projections.js';
import { buildIndexes, dropIndexes, indexDdl, type CaseFold, type CaseTable } from './case-fold.js';
import { FoldCache, rebuildEvent, type StashOps } from './fold-cache.js';
import { RebuildStash, removeDbFiles, StashReader } from './rebuild-stash.js';
import type { Projection } from './projection.js';
import { startWorkerThread } from '../shared/worker-thread.js';

export interface RebuildWorkerData {
  readonly logPath: string;
  /** The rebuild's stash (rebuild-stash.ts): the worker reads the committed records of cases that come back. */
  readonly stashPath: string;
  /**
   * Worker 0 fills the tables of these folds (indexes into `projections`) into a file of its own at
   * `path` once `start` (Int32Array[0]) turns 1, builds their indexes there and says `filled`.
   */
  readonly fill: { readonly folds: readonly number[]; readonly path: string; readonly start: SharedArrayBuffer };
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
  /** The writer tells here which batch is committed ({ committed: seq }): the worker may then read those cases back from the stash. */
  readonly acks: MessagePort;
}

export type FromWorker =
  /** `forwarded`: the writing thread's share of the batch's events, FORWARDED_CELLS cells each (position, stream, version, type, schema version, data as JSON). */
  | { kind: 'batch'; seq: number; scanned: number; lastPosition: number; ops: StashOps; forwarded: Array<string | number> }
  | { kind: 'done'; events: number; lastPosition: number; evictions: number }
  | { kind: 'filled' }
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
 * file (the stash and the worker's tables go beside it; its tables are filled outside the WAL).
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
 * share of the cases; this thread folds the rest (the events of those cases come with the worker's
 * batches), writes the cases that leave either cache to the stash (rebuild-stash.ts), commits it now
 * and then and tells the worker which batch is committed. At the end both threads fill the tables
 * from the stash (worker 0 in a file of its own, copied in). The caller has reset the projections and opened a
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
  const folds = chosen.map((p) => p.fold);
  const stash = new RebuildStash(db.name, folds.length);
  // At the end the tables are filled from the stash on both threads: worker 0 takes the folds with
  // indexes (it builds them in its file, beside this thread's filling), this thread the others.
  const workerFills = folds.flatMap((f, i) => (indexDdl(f.tables).length > 0 ? [i] : []));
  const ownFills = folds.flatMap((_, i) => (workerFills.includes(i) ? [] : [i]));
  const fill = { folds: workerFills, path: `${db.name}-rebuild-fill`, start: new SharedArrayBuffer(4) };
  let filled = false;
  let removing: Promise<void> | null = null;
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
      stashPath: stash.path,
      fill,
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
      if (m.kind === 'filled') filled = true;
      inbox.push({ w, m });
      wake?.();
    });
    worker.on('error', (e) => {
      exited ??= e;
      wake?.();
    });
    worker.on('exit', (code) => {
      if (!done[w] || (w === 0 && fill.folds.length > 0 && !filled)) exited ??= new Error(`the rebuild worker exited (${code})`);
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
  // Records wait for the next commit of the stash and are written then, in case order.
  const write = (ops: StashOps) => stash.add(ops);
  const flush = () => {
    stash.flush();
    // This thread's cache may now read its cases back from the stash.
    mine.committed(Number.MAX_SAFE_INTEGER);
  };
  // This thread's share: its cache reads a case back from the stash once its record is written (at
  // the next commit: until then the cache keeps it).
  const reader = new StashReader(stash.path, folds.length);
  const mine = new FoldCache(folds, Math.max(1, Math.round((options.cacheCases * own) / 1000)), (caseId) => reader.load(caseId), true);
  const targetsOf = new Map<string, number[]>(types.map((t) => [t, folds.flatMap((f, i) => (f.eventTypes.has(t) ? [i] : []))]));
  const foldForwarded = (cells: ReadonlyArray<string | number>, seq: number) => {
    if (cells.length === 0) return;
    const ops = mine.emptyOps();
    for (let k = 0; k < cells.length; k += FORWARDED_CELLS) {
      const stream = cells[k + 1] as string;
      const type = cells[k + 3] as string;
      const e = rebuildEvent(cells[k] as number, stream, cells[k + 2] as number, type, cells[k + 4] as number, cells[k + 5] as string);
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
  // Once worker 0 has read the whole log this thread's cases are complete: they go to the stash
  // while the workers turn theirs into records.
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
      if (m.kind === 'filled') throw new Error('the rebuild worker filled tables before the end');
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
        sinceCommit = 0;
        for (const y of workers) y.channel.port1.postMessage({ committed: y.lastSeq });
      }
      Atomics.store(x.seen, 0, m.seq);
      Atomics.notify(x.seen, 0);
      if (w === 0 && m.scanned > 0) options.onBatch?.(m.lastPosition, (events += m.scanned));
    }
    evictions += mine.evictions;
    // Every case is in the stash now: both threads fill tables from it, each table once, in case order.
    flush();
    const start = new Int32Array(fill.start);
    Atomics.store(start, 0, 1);
    Atomics.notify(start, 0);
    // Nothing else reads the read DB before the rebuild ends: the tables are filled with a rollback
    // journal (pages the file did not have are not journaled) instead of through the WAL, where
    // every page is written twice (the WAL, then the checkpoint). ATTACH and DETACH (copyFilled)
    // cannot run inside a transaction either: what is written is committed (the versions are not yet).
    db.exec('COMMIT');
    const journal = switchJournal(db, 'DELETE');
    try {
      db.exec('BEGIN');
      reader.fill(db, folds, ownFills);
      buildIndexes(db, ownFills.flatMap((i) => folds[i]!.tables));
      db.exec('COMMIT');
      if (workerFills.length > 0) {
        const { m } = await next();
        if (m.kind === 'failed') throw new Error(`rebuild worker: ${m.error}`);
        if (m.kind !== 'filled') throw new Error(`the rebuild worker sent ${m.kind} instead of filled`);
        reader.close();
        removing = stash.close();
        copyFilled(db, fill.path, workerFills.flatMap((i) => folds[i]!.tables));
      }
    } finally {
      if (db.inTransaction) db.exec('ROLLBACK');
      if (journal === 'delete') switchJournal(db, 'WAL');
      db.exec('BEGIN');
    }
    return { events, lastPosition, evictions, workers: workers.length };
  } finally {
    for (const x of workers) {
      x.channel.port1.close();
      await x.worker.terminate();
    }
    if (reader.open) reader.close();
    await (removing ?? stash.close());
    removeDbFiles(fill.path);
  }
}

/**
 * Switches the read DB's journal mode if SQLite can have the file to itself (no other connection,
 * e.g. a CLI rebuild beside the running service): else it stays as it is, at once (no busy wait).
 * Returns the mode in force after.
 */
function switchJournal(db: Database.Database, mode: 'DELETE' | 'WAL'): string {
  const timeout = Number(db.pragma('busy_timeout', { simple: true }));
  db.pragma('busy_timeout = 0');
  try {
    return String(db.pragma(`journal_mode = ${mode}`, { simple: true })).toLowerCase();
  } catch {
    return String(db.pragma('journal_mode', { simple: true })).toLowerCase();
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}

/**
 * The tables (and their indexes) the worker filled in its own file, copied into the read DB (no
 * transaction open). The tables here are empty and get the same indexes first, so SQLite copies the
 * records as they are (its transfer optimisation: no decoding, no sorting, no index build).
 */
function copyFilled(db: Database.Database, path: string, tables: readonly CaseTable[]): void {
  db.prepare('ATTACH DATABASE ? AS rebuild_fill').run(path);
  try {
    db.exec('BEGIN');
    for (const ix of indexDdl(tables)) db.exec(ix);
    for (const t of tables) db.exec(`INSERT INTO main.${t.name} SELECT * FROM rebuild_fill.${t.name}`);
    db.exec('COMMIT');
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.exec('DETACH DATABASE rebuild_fill');
  }
}

function startWorker(data: RebuildWorkerData, transfer: MessagePort[]): Worker {
  return startWorkerThread(import.meta.url, 'rebuild.worker', { workerData: data, transferList: transfer });
}
