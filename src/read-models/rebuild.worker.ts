/**
 * A rebuild's fold worker: reads the log on its own read-only connection, folds its share of the
 * cases (the same `evolve` and `rows` as live) in a bounded write-back cache, and sends the resulting
 * row changes to the thread that owns the read DB. Worker 0 also passes that thread the events of
 * the cases it folds itself, as read. See rebuild-in-worker.ts for the protocol.
 */
import Database from 'better-sqlite3';
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { ProjectionRow } from '../event-store/sqlite/sqlite-event-store.js';
import { loadZstd } from '../event-store/sqlite/zstd.js';
import { ALL_PROJECTIONS } from './all-projections.js';
import { buildIndexes, type CaseFold } from './case-fold.js';
import { FoldCache, ownerOf, rebuildEvent, shareOf } from './fold-cache.js';
import type { FromWorker, RebuildWorkerData } from './rebuild-in-worker.js';
import { removeDbFiles, StashReader } from './rebuild-stash.js';

const data = workerData as RebuildWorkerData;
const acks = data.acks as MessagePort;
const CASE_PREFIX = 'case-';
/** Bounds of the writing thread's share (per mille) when the worker moves it. */
const MIN_OWN = 50;
const MAX_OWN = 900;

function post(message: FromWorker): void {
  parentPort!.postMessage(message);
}

function main(): void {
  const folds = data.projections.map((name) => {
    const p = ALL_PROJECTIONS.find((x) => x.name === name) as { fold?: CaseFold<unknown>; version: number } | undefined;
    if (!p?.fold || p.version !== data.versions[name]) throw new Error(`the rebuild worker does not know projection ${name} at this version`);
    return p.fold;
  });
  const log = new Database(data.logPath, { readonly: true, fileMustExist: true });
  loadZstd(log);
  const read = log.prepare<[{ from: number; types: string; limit: number }], ProjectionRow>(data.sql).raw();
  let stash: StashReader | null = null;
  const load = (caseId: string) => (stash ??= new StashReader(data.stashPath, folds.length)).load(caseId);
  const cache = new FoldCache(folds, data.cacheCases, load, true);
  const typesJson = JSON.stringify(data.types);
  // Which folds each type goes to.
  const targetsOf = new Map<string, number[]>(data.types.map((t) => [t, folds.flatMap((f, i) => (f.eventTypes.has(t) ? [i] : []))]));
  const applied = new Int32Array(data.applied);
  const { workers, index } = data.share;
  let own = data.share.own;
  // One worker: it alone decides who folds a case, when it first sees it, and moves the share of
  // the cases it has not seen yet towards whichever thread waits for the other (see rebalance).
  const owners = workers === 1 && own > 0 ? new Map<string, number>() : null;
  const ownerOfCase = (stream: string): number => {
    if (!owners) return ownerOf(stream, own, workers);
    let owner = owners.get(stream);
    if (owner === undefined) owners.set(stream, (owner = shareOf(stream) < own ? -1 : 0));
    return owner;
  };
  const idle = new Float64Array(data.idle);
  let waited = 0;
  let seen = { waited: 0, idle: 0 };
  // Every few batches: if one thread waited for the other clearly longer than the other way round,
  // the writing thread's share of new cases moves by 2.5 % (towards whichever waited more).
  const rebalance = () => {
    const w = waited - seen.waited;
    const i = idle[0]! - seen.idle;
    seen = { waited, idle: idle[0]! };
    if (i > 2 * w + 5) own = Math.min(MAX_OWN, own + 25);
    else if (w > 2 * i + 5) own = Math.max(MIN_OWN, own - 25);
  };
  const forwards = index === 0 && own > 0;
  let position = data.fromPosition;
  let seq = 0;
  let events = 0;
  const drainAcks = () => {
    for (let m = receiveMessageOnPort(acks); m; m = receiveMessageOnPort(acks)) cache.committed((m.message as { committed: number }).committed);
  };
  // Backpressure: at most a few batches ahead of the writer.
  const waitForWriter = () => {
    if (seq - Atomics.load(applied, 0) < data.maxAhead) return;
    const t = performance.now();
    while (seq - Atomics.load(applied, 0) >= data.maxAhead) Atomics.wait(applied, 0, Atomics.load(applied, 0), 1000);
    waited += performance.now() - t;
  };
  for (;;) {
    waitForWriter();
    drainAcks();
    const rows = read.all({ from: position, types: typesJson, limit: data.batchSize });
    if (rows.length === 0) break;
    seq += 1;
    const ops = cache.emptyOps();
    const forwarded: Array<string | number> = [];
    for (const [pos, stream, version, type, schemaVersion, json] of rows) {
      if (json === null) continue;
      if (schemaVersion < (data.currentVersions[type] ?? 1)) {
        // Upcasters stay in the store's thread: let it rebuild in-thread instead.
        post({ kind: 'fallback', reason: `event ${pos} (${type} v${schemaVersion}) needs an upcaster` });
        return;
      }
      if (!stream.startsWith(CASE_PREFIX)) continue;
      const targets = targetsOf.get(type);
      if (!targets || targets.length === 0) continue;
      const owner = ownerOfCase(stream);
      if (owner !== index) {
        // The writer's share, as read (strings copy cheaply; it parses them itself).
        if (owner === -1 && forwards) forwarded.push(pos, stream, version, type, schemaVersion, json);
        continue;
      }
      cache.apply(stream.slice(CASE_PREFIX.length), rebuildEvent(pos, stream, version, type, schemaVersion, json), targets, ops, seq);
    }
    events += rows.length;
    position = rows[rows.length - 1]![0];
    post({ kind: 'batch', seq, scanned: rows.length, lastPosition: position, ops, forwarded });
    if (owners && seq % 4 === 0) rebalance();
  }
  // The rest, in slices (bounded messages).
  const left = cache.remaining();
  for (let from = 0; from < left.length; from += 2000) {
    waitForWriter();
    seq += 1;
    const ops = cache.emptyOps();
    for (const caseId of left.slice(from, from + 2000)) cache.finish(caseId, ops, seq);
    post({ kind: 'batch', seq, scanned: 0, lastPosition: position, ops, forwarded: [] });
  }
  post({ kind: 'done', events, lastPosition: position, evictions: cache.evictions });
  log.close();
  if (index === 0 && data.fill.folds.length > 0) {
    // Once the writer has committed the last records: this thread's part of the tables.
    const start = new Int32Array(data.fill.start);
    while (Atomics.load(start, 0) === 0) Atomics.wait(start, 0, 0, 1000);
    stash ??= new StashReader(data.stashPath, folds.length);
    fillTables(stash, folds, data.fill.folds, data.fill.path);
  }
  // Closed before saying so: the writer removes the stash next.
  (stash as StashReader | null)?.close();
  if (index === 0 && data.fill.folds.length > 0) post({ kind: 'filled' });
}

/**
 * The folds' tables filled from the stash into a new file (no journal: it is thrown away unless
 * complete) and their indexes built there; the writer copies them into the read DB as they are.
 */
function fillTables(stash: StashReader, folds: readonly CaseFold<unknown>[], which: readonly number[], path: string): void {
  removeDbFiles(path);
  const out = new Database(path);
  try {
    out.pragma('journal_mode = OFF');
    out.pragma('synchronous = OFF');
    const tables = which.flatMap((i) => folds[i]!.tables);
    for (const t of tables) out.exec(t.ddl);
    out.exec('BEGIN');
    stash.fill(out, folds, which);
    buildIndexes(out, tables);
    out.exec('COMMIT');
  } finally {
    out.close();
  }
}

try {
  main();
} catch (error) {
  post({ kind: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
