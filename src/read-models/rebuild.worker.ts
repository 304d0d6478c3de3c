/**
 * A rebuild's second thread: reads the log on its own read-only connection, folds the case-fold
 * projections (the same `evolve` and `rows` as live) in a bounded write-back cache, and sends the
 * resulting row changes to the thread that owns the read DB, which only writes them. See
 * rebuild-in-worker.ts for the protocol.
 */
import Database from 'better-sqlite3';
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { ProjectionEvent } from '../event-store/event-store.port.js';
import { READ_FOR_PROJECTIONS_SQL, type ProjectionRow } from '../event-store/sqlite/sqlite-event-store.js';
import { loadZstd } from '../event-store/sqlite/zstd.js';
import { ALL_PROJECTIONS } from './all-projections.js';
import { caseLoader, diffRows, emptyOps, type CaseFold, type Row, type TableOps } from './case-fold.js';
import type { FromWorker, RebuildWorkerData } from './rebuild-in-worker.js';

const data = workerData as RebuildWorkerData;
const acks = data.acks as MessagePort;
const CASE_PREFIX = 'case-';

function post(message: FromWorker): void {
  parentPort!.postMessage(message);
}

interface Entry {
  state: unknown;
  /** The case's rows as the read DB has them (or will, once the batch that wrote them is committed). */
  stored: Row[][] | null;
}

/** One projection's write-back cache: what leaves it becomes row changes in the current batch. */
class WorkerSession {
  readonly cache = new Map<string, Entry>();
  /** Cases whose rows went to the writer. */
  readonly written = new Set<string>();
  /** Rows sent but maybe not committed yet, with the batch that carried them (the read DB cannot show them yet). */
  readonly pending = new Map<string, { seq: number; rows: Row[][] }>();
  evictions = 0;
  private load: ((caseId: string) => Row[][]) | null = null;

  constructor(
    readonly fold: CaseFold<unknown>,
    private readonly cap: number,
    private readonly readDb: () => Database.Database,
  ) {}

  apply(caseId: string, e: ProjectionEvent, out: TableOps[], seq: number): void {
    const { cache } = this;
    let entry = cache.get(caseId);
    if (entry) cache.delete(caseId);
    else if (this.written.has(caseId)) {
      const p = this.pending.get(caseId);
      const stored = p ? p.rows : (this.load ??= caseLoader(this.readDb(), this.fold.tables))(caseId);
      entry = { state: this.fold.fromRows(caseId, stored), stored };
    } else entry = { state: null, stored: null };
    cache.set(caseId, entry);
    entry.state = this.fold.evolve(entry.state, caseId, e);
    if (cache.size > this.cap) {
      const [oldest, left] = cache.entries().next().value as [string, Entry];
      cache.delete(oldest);
      this.writeOut(oldest, left, out, seq);
      this.evictions += 1;
    }
  }

  writeOut(caseId: string, entry: Entry, out: TableOps[], seq: number): void {
    const after = entry.state ? this.fold.rows(caseId, entry.state) : this.fold.tables.map(() => []);
    diffRows(this.fold.tables, entry.stored, after, out);
    this.written.add(caseId);
    this.pending.set(caseId, { seq, rows: after });
  }

  committed(seq: number): void {
    for (const [caseId, p] of this.pending) if (p.seq <= seq) this.pending.delete(caseId);
  }
}

/** A case's share: its stream's last two characters (random hex in a case id), mod the workers. */
function partitionOf(stream: string, of: number): number {
  return (stream.charCodeAt(stream.length - 1) * 31 + stream.charCodeAt(stream.length - 2)) % of;
}

function main(): void {
  const folds = data.projections.map((name) => {
    const p = ALL_PROJECTIONS.find((x) => x.name === name) as { fold?: CaseFold<unknown>; version: number } | undefined;
    if (!p?.fold || p.version !== data.versions[name]) throw new Error(`the rebuild worker does not know projection ${name} at this version`);
    return p.fold;
  });
  const log = new Database(data.logPath, { readonly: true, fileMustExist: true });
  loadZstd(log);
  const read = log.prepare<[{ from: number; types: string; limit: number }], ProjectionRow>(READ_FOR_PROJECTIONS_SQL).raw();
  let readDb: Database.Database | null = null;
  const openReadDb = () => (readDb ??= new Database(data.readPath, { readonly: true, fileMustExist: true }));
  const sessions = folds.map((f) => new WorkerSession(f, data.cacheCases, openReadDb));
  const typesJson = JSON.stringify(data.types);
  // Which sessions each type goes to.
  const byType = new Map<string, WorkerSession[]>(data.types.map((t) => [t, sessions.filter((s) => s.fold.eventTypes.has(t))]));
  const applied = new Int32Array(data.applied);
  const partitioned = data.partition.of > 1;
  let position = data.fromPosition;
  let seq = 0;
  let events = 0;
  const drainAcks = () => {
    for (let m = receiveMessageOnPort(acks); m; m = receiveMessageOnPort(acks)) for (const s of sessions) s.committed((m.message as { committed: number }).committed);
  };
  for (;;) {
    // Backpressure: at most a few batches ahead of the writer.
    while (seq - Atomics.load(applied, 0) >= data.maxAhead) Atomics.wait(applied, 0, Atomics.load(applied, 0), 1000);
    drainAcks();
    const rows = read.all({ from: position, types: typesJson, limit: data.batchSize });
    if (rows.length === 0) break;
    seq += 1;
    const ops = sessions.map((s) => emptyOps(s.fold.tables));
    for (const [pos, stream, version, type, schemaVersion, json] of rows) {
      if (json === null) continue;
      if (schemaVersion < (data.currentVersions[type] ?? 1)) {
        // Upcasters stay in the store's thread: let it rebuild in-thread instead.
        post({ kind: 'fallback', reason: `event ${pos} (${type} v${schemaVersion}) needs an upcaster` });
        return;
      }
      if (!stream.startsWith(CASE_PREFIX)) continue;
      if (partitioned && partitionOf(stream, data.partition.of) !== data.partition.index) continue;
      const targets = byType.get(type);
      if (!targets || targets.length === 0) continue;
      const caseId = stream.slice(CASE_PREFIX.length);
      const e = { globalPosition: pos, stream, version, type, schemaVersion, data: JSON.parse(json) } as unknown as ProjectionEvent;
      for (let i = 0; i < targets.length; i++) targets[i]!.apply(caseId, e, ops[sessions.indexOf(targets[i]!)]!, seq);
    }
    events += rows.length;
    position = rows[rows.length - 1]![0];
    post({ kind: 'batch', seq, scanned: rows.length, lastPosition: position, ops });
  }
  // The rest, in case order (rows go to the end of each table's B-tree), in slices of a batch's size.
  for (let i = 0; i < sessions.length; i++) {
    const s = sessions[i]!;
    const left = [...s.cache.keys()].sort();
    for (let from = 0; from < left.length; from += 2000) {
      while (seq - Atomics.load(applied, 0) >= data.maxAhead) Atomics.wait(applied, 0, Atomics.load(applied, 0), 1000);
      seq += 1;
      const ops = sessions.map((x) => emptyOps(x.fold.tables));
      for (const caseId of left.slice(from, from + 2000)) {
        s.writeOut(caseId, s.cache.get(caseId)!, ops[i]!, seq);
        s.cache.delete(caseId);
      }
      post({ kind: 'batch', seq, scanned: 0, lastPosition: position, ops });
    }
  }
  post({ kind: 'done', events, lastPosition: position, evictions: sessions.reduce((n, s) => n + s.evictions, 0) });
  log.close();
  (readDb as Database.Database | null)?.close();
}

try {
  main();
} catch (error) {
  post({ kind: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
