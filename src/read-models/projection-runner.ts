import type Database from 'better-sqlite3';
import { CheckpointStore } from '../event-store/checkpointed-subscription.js';
import type { EventStore, LiveSubscription, ProjectionEvent, RecordedEvent } from '../event-store/event-store.port.js';
import type { ProjectionSource } from '../event-store/sqlite/sqlite-event-store.js';
import type { Projection } from './projection.js';
import { rebuildInWorker, workerRebuildPossible } from './rebuild-in-worker.js';

/** Cases per projection a rebuild worker keeps folded (see the call for the measurements). */
const WORKER_CACHE_CASES = 3_000;

/** The read DB's page cache during a rebuild in this thread, which writes the tables as it folds. */
const IN_THREAD_CACHE_KIB = 128 * 1024;

/**
 * The same with a worker, which writes the tables once, at the end, in case order: a smaller cache
 * does it as fast, and the end is when the peak RSS comes. 150 000 households
 * (`bench/rebuild-child.ts`): peak RSS 910–995 MB with 128 MiB, 809–842 with 32, at the same speed.
 */
const WORKER_CACHE_KIB = 32 * 1024;

export interface RebuildProgress {
  readonly projection: string;
  readonly position: number;
  readonly lastPosition: number;
  readonly events: number;
}

/**
 * Runs projections over the log: each has its own checkpoint (named `projection:<name>`), its own
 * catch-up subscription, and a version; a projection whose stored version differs is rebuilt.
 */
export class ProjectionRunner {
  private readonly checkpoints: CheckpointStore;
  private readonly subscriptions = new Map<string, LiveSubscription>();

  constructor(
    private readonly store: EventStore,
    private readonly db: Database.Database,
    private readonly projections: readonly Projection[],
    private readonly onError: (projection: string, error: unknown) => void = () => undefined,
  ) {
    this.checkpoints = new CheckpointStore(db);
    db.exec('CREATE TABLE IF NOT EXISTS projection_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID');
    // A projection whose version changed is dropped and rebuilt from the log: its tables may have a new shape.
    const versionOf = db.prepare<[string], { version: number }>('SELECT version FROM projection_versions WHERE name = ?');
    for (const p of projections) {
      if (versionOf.get(p.name)?.version === p.version) p.setup(db);
      else this.reset(p);
    }
  }

  checkpointName(p: Projection | string): string {
    return `projection:${typeof p === 'string' ? p : p.name}`;
  }

  checkpoint(name: string): number {
    return this.checkpoints.get(this.checkpointName(name));
  }

  list(): readonly Projection[] {
    return this.projections;
  }

  /**
   * Starts every projection live. All projections share
   * ONE catch-up subscription: each batch is read and parsed once, then applied to every projection
   * that has not seen it, and all their checkpoints move, in one transaction.
   */
  async start(): Promise<void> {
    if (this.projections.length === 0) return;
    // A projection that starts from nothing (new, or reset because its version changed) on a log that
    // is not empty is rebuilt first (bulk path: in-memory folds, a worker thread), not replayed batch by
    // batch through the live path. The caller starts before anything else uses the read DB (the
    // service: onApplicationBootstrap, before it listens), so nothing else writes meanwhile.
    const fresh = this.projections.filter((p) => this.checkpoint(p.name) === 0);
    if (fresh.length > 0 && (await this.store.lastPosition()) > 0) await this.rebuild(fresh.map((p) => p.name));
    return this.startLive();
  }

  private startLive(): Promise<void> {
    const applyBatch = this.db.transaction((events: readonly RecordedEvent[]) => {
      const end = events[events.length - 1]!.globalPosition;
      for (const p of this.projections) {
        const done = this.checkpoint(p.name);
        if (done >= end) continue;
        p.apply(this.db, done < events[0]!.globalPosition ? events : events.filter((e) => e.globalPosition > done));
        this.checkpoints.set(this.checkpointName(p), end);
      }
    });
    const from = Math.min(...this.projections.map((p) => this.checkpoint(p.name)));
    const sub = this.store.subscribeToAll({
      fromPosition: from,
      batchSize: 1000,
      onEvents: (events) => applyBatch(events),
      onError: (e) => this.onError(this.projections.map((p) => p.name).join(', '), e),
    });
    this.subscriptions.set('*', sub);
    return sub.caughtUp;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.subscriptions.values()].map((s) => s.stop()));
    this.subscriptions.clear();
  }

  private reset(p: Projection): void {
    this.db.transaction(() => {
      p.reset(this.db);
      p.setup(this.db);
      this.checkpoints.reset(this.checkpointName(p));
      this.db.prepare('INSERT INTO projection_versions (name, version) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET version = excluded.version').run(p.name, p.version);
    })();
  }

  /**
   * Rebuilds projections from the start of the log with the same fold that runs live. A projection
   * with a rebuild session keeps its state in memory (bounded) and writes each case once; the
   * others get `apply` per batch. The tables and checkpoints are committed together at the end;
   * until then the projection's version row is absent, so a crash mid-rebuild means a rebuild
   * again at the next start, never a half-filled model taken for a complete one.
   */
  async rebuild(names?: readonly string[], onProgress?: (p: RebuildProgress) => void, options: RebuildOptions = {}): Promise<{ events: number; evictions: number; workers: number }> {
    const chosen = this.projections.filter((p) => !names || names.length === 0 || names.includes(p.name));
    const unknown = (names ?? []).filter((n) => !this.projections.some((p) => p.name === n));
    if (unknown.length > 0) throw new Error(`unknown projection(s): ${unknown.join(', ')}; known: ${this.projections.map((p) => p.name).join(', ')}`);
    const batchSize = options.batchSize ?? 5000;
    // The shared live subscription pauses while the log is replayed, and resumes after.
    const wasLive = this.subscriptions.size > 0;
    await this.stop();
    for (const p of chosen) this.reset(p);
    const forget = this.db.prepare('DELETE FROM projection_versions WHERE name = ?');
    for (const p of chosen) forget.run(p.name);
    // The read DB is disposable: during a rebuild it is not fsynced at all (a crash means rebuild again).
    const synchronous = this.db.pragma('synchronous', { simple: true });
    const cacheSize = this.db.pragma('cache_size', { simple: true });
    this.db.pragma('synchronous = OFF');
    // Its page cache is sized per path below: the worker's writes the tables once at the end, this
    // thread's as it folds (a larger cache keeps their B-trees and index builds in memory).
    const pageCache = (kib: number) => this.db.pragma(`cache_size = ${-(options.cacheKib ?? kib)}`);
    const last = await this.store.lastPosition();
    // Only the types the projections read, and only the fields a projection sees, when each names its types.
    const types = chosen.every((p) => p.eventTypes) ? [...new Set(chosen.flatMap((p) => [...p.eventTypes!]))] : null;
    const light = types && this.store.readForProjections ? this.store.readForProjections.bind(this.store) : null;
    const restore = () => {
      this.db.pragma(`synchronous = ${Number(synchronous)}`);
      this.db.pragma(`cache_size = ${Number(cacheSize)}`);
    };
    const finishRebuild = async (position: number, events: number, evictions: number, workers = 0) => {
      const remember = this.db.prepare('INSERT INTO projection_versions (name, version) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET version = excluded.version');
      for (const p of chosen) {
        this.checkpoints.set(this.checkpointName(p), position);
        remember.run(p.name, p.version);
      }
      this.db.exec('COMMIT');
      restore();
      if (wasLive) await this.startLive();
      return { events, evictions, workers };
    };
    // Two threads when possible: a worker reads the log and folds, this thread writes (rebuild-in-worker.ts).
    const source = types && light && options.worker !== false ? ((this.store as { projectionSource?: (t: readonly string[]) => ProjectionSource | null }).projectionSource?.(types) ?? null) : null;
    if (types && workerRebuildPossible(this.db, chosen, source)) {
      pageCache(WORKER_CACHE_KIB);
      this.db.exec('BEGIN');
      try {
        const done = await rebuildInWorker(this.db, chosen, source!, {
          types,
          // Less than the in-thread default: the worker's heap, the rows sent until committed and the
          // queued batches come on top. 20 000-household log, peak RSS: 1 179 MB with 10 000 cases,
          // ≈ 840 with 5 000, ≈ 680 with 3 000 at the same speed; 150 000 households with 5 000: 991 MB.
          cacheCases: options.cacheCases ?? WORKER_CACHE_CASES,
          batchSize,
          eventsPerTransaction: options.eventsPerTransaction ?? 100_000,
          workers: options.workers,
          ownShare: options.ownShare,
          onBatch: (position, events) => {
            for (const p of chosen) onProgress?.({ projection: p.name, position, lastPosition: last, events });
          },
        });
        if (done) return await finishRebuild(done.lastPosition, done.events, done.evictions, done.workers);
        // The worker met what it cannot fold (an event that needs an upcaster): start again in this thread.
        this.db.exec('ROLLBACK');
        for (const p of chosen) this.reset(p);
        for (const p of chosen) forget.run(p.name);
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        restore();
        throw error;
      }
    }
    pageCache(IN_THREAD_CACHE_KIB);
    const sessions = chosen.map((p) => p.rebuild?.(this.db, { cacheCases: options.cacheCases }) ?? { apply: (events: readonly ProjectionEvent[]) => p.apply(this.db, events as readonly RecordedEvent[]), finish: () => undefined });
    let position = 0;
    let events = 0;
    this.db.exec('BEGIN');
    try {
      let sinceCommit = 0;
      for (;;) {
        let batch: readonly ProjectionEvent[];
        let end: number;
        if (light) {
          const read = await light({ fromPosition: position, limit: batchSize, types: types! });
          if (read.scanned === 0) break;
          ({ events: batch, lastPosition: end } = read);
          events += read.scanned;
          sinceCommit += read.scanned;
        } else {
          const read = await this.store.readAll({ fromPosition: position, limit: batchSize });
          if (read.length === 0) break;
          batch = read;
          end = read[read.length - 1]!.globalPosition;
          events += read.length;
          sinceCommit += read.length;
        }
        for (const s of sessions) s.apply(batch);
        position = end;
        // A session writes only what leaves its cache, so a commit now and then is enough.
        if (sinceCommit >= (options.eventsPerTransaction ?? 100_000)) {
          this.db.exec('COMMIT');
          this.db.exec('BEGIN');
          sinceCommit = 0;
        }
        for (const p of chosen) onProgress?.({ projection: p.name, position, lastPosition: last, events });
      }
      let evictions = 0;
      for (const s of sessions) evictions += s.finish()?.evictions ?? 0;
      return await finishRebuild(position, events, evictions);
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      restore();
      throw error;
    }
  }
}

export interface RebuildOptions {
  /** Events read per batch (default 5 000). */
  readonly batchSize?: number;
  /** Most cases a projection keeps in memory during the rebuild (see case-fold.ts). */
  readonly cacheCases?: number;
  /** The read DB is committed after about this many events (default 100 000). */
  readonly eventsPerTransaction?: number;
  /** SQLite page cache of the read DB during the rebuild, in KiB (default 128 MiB in this thread, 32 with a worker). */
  readonly cacheKib?: number;
  /** Fold in a worker thread when the store and the projections allow it (default true); false: in this thread. */
  readonly worker?: boolean;
  /** How many fold workers (each reads the whole log and folds its share of the cases; default 1). */
  readonly workers?: number;
  /** The share of the cases the writing thread folds itself, per mille (default: rebuild-in-worker.ts). */
  readonly ownShare?: number;
}
