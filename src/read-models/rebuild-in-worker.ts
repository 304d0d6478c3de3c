import type Database from 'better-sqlite3';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { ProjectionSource } from '../event-store/sqlite/sqlite-event-store.js';
import { ALL_PROJECTIONS } from './all-projections.js';
import { caseStatements, dropIndexes, indexDdl, type CaseFold, type TableOps } from './case-fold.js';
import type { Projection } from './projection.js';
import { startWorkerThread } from '../shared/worker-thread.js';

export interface RebuildWorkerData {
  readonly logPath: string;
  readonly readPath: string;
  readonly projections: readonly string[];
  readonly versions: Readonly<Record<string, number>>;
  readonly types: readonly string[];
  readonly currentVersions: Readonly<Record<string, number>>;
  readonly cacheCases: number;
  readonly batchSize: number;
  readonly fromPosition: number;
  /** This worker folds the cases whose stream hashes to `index` of `of` (every worker reads the whole log). */
  readonly partition: { readonly index: number; readonly of: number };
  /** Int32Array[0]: the last batch the writer has applied (the worker stays at most maxAhead batches ahead). */
  readonly applied: SharedArrayBuffer;
  readonly maxAhead: number;
  /** The writer tells here which batch is committed ({ committed: seq }): the worker may then read those cases back from the read DB. */
  readonly acks: MessagePort;
}

export type FromWorker =
  | { kind: 'batch'; seq: number; scanned: number; lastPosition: number; ops: TableOps[][] }
  | { kind: 'done'; events: number; lastPosition: number; evictions: number }
  | { kind: 'fallback'; reason: string }
  | { kind: 'failed'; error: string };

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
  /** Fold workers, each reading the whole log and folding every projection for its share of the cases (default 1). */
  readonly workers?: number;
  readonly onBatch?: (position: number, events: number) => void;
}

/**
 * A rebuild on two threads: the worker (rebuild.worker.ts) reads the log and folds; this thread,
 * which owns the read DB, writes the row changes it sends, commits now and then and tells the worker
 * which batch is committed. The caller has reset the projections and opened a transaction (BEGIN);
 * on return it is still open. Resolves null when the worker cannot do it (an event that needs an
 * upcaster): the caller rolls back and rebuilds in-thread.
 */
export async function rebuildInWorker(
  db: Database.Database,
  chosen: readonly FoldProjection[],
  source: ProjectionSource,
  options: WorkerRebuildOptions,
): Promise<{ events: number; lastPosition: number; evictions: number; workers: number } | null> {
  // Cases, not projections, are split over the workers: each case's rows come from one worker, the
  // work divides evenly whatever the projections weigh, and a worker parses only its cases' events.
  const count = Math.max(1, Math.min(options.workers ?? 1, 8));
  const groups: FoldProjection[][] = Array.from({ length: count }, () => [...chosen]);
  for (const p of chosen) dropIndexes(db, p.fold.tables);
  // The workers' own connections see the (empty, freshly set up) tables only once they are committed.
  db.exec('COMMIT');
  db.exec('BEGIN');
  const inbox: Array<{ w: number; m: FromWorker }> = [];
  let wake: (() => void) | null = null;
  let exited: Error | null = null;
  const workers = groups.map((group, w) => {
    const applied = new SharedArrayBuffer(4);
    const channel = new MessageChannel();
    const data: RebuildWorkerData = {
      logPath: source.path,
      readPath: db.name,
      projections: group.map((p) => p.name),
      versions: Object.fromEntries(group.map((p) => [p.name, p.version])),
      types: options.types.filter((t) => group.some((p) => p.fold.eventTypes.has(t))),
      currentVersions: source.currentVersions,
      cacheCases: options.cacheCases,
      batchSize: options.batchSize,
      fromPosition: 0,
      partition: { index: w, of: count },
      applied,
      maxAhead: 4,
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
    return { worker, channel, seen: new Int32Array(applied), statements: group.map((p) => caseStatements(db, p.fold.tables)), lastSeq: 0 };
  });
  const done: boolean[] = workers.map(() => false);
  const next = async (): Promise<{ w: number; m: FromWorker }> => {
    for (;;) {
      const m = inbox.shift();
      if (m) return m;
      if (exited) throw exited;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
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
      if (m.kind === 'done') {
        done[w] = true;
        evictions += m.evictions;
        if (w === 0) ({ events, lastPosition } = m);
        continue;
      }
      const x = workers[w]!;
      for (let i = 0; i < x.statements.length; i++) x.statements[i]!.run(m.ops[i]!);
      x.lastSeq = m.seq;
      // Worker 0's batches count the log (every worker scans all of it).
      if (w === 0) sinceCommit += m.scanned;
      if (sinceCommit >= options.eventsPerTransaction) {
        db.exec('COMMIT');
        db.exec('BEGIN');
        sinceCommit = 0;
        for (const y of workers) y.channel.port1.postMessage({ committed: y.lastSeq });
      }
      Atomics.store(x.seen, 0, m.seq);
      Atomics.notify(x.seen, 0);
      if (w === 0 && m.scanned > 0) options.onBatch?.(m.lastPosition, (events += m.scanned));
    }
    for (const p of chosen) for (const ix of indexDdl(p.fold.tables)) db.exec(ix);
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
