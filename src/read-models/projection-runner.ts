import type Database from 'better-sqlite3';
import { CheckpointStore } from '../event-store/checkpointed-subscription.js';
import type { EventStore, LiveSubscription, RecordedEvent } from '../event-store/event-store.port.js';
import type { Projection } from './projection.js';

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
  start(): Promise<void> {
    if (this.projections.length === 0) return Promise.resolve();
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
   * Rebuilds projections from the start of the log with the same `apply` that runs live, in
   * batches (each batch and its checkpoint in one transaction), reporting progress.
   */
  async rebuild(names?: readonly string[], onProgress?: (p: RebuildProgress) => void, batchSize = 5000): Promise<{ events: number }> {
    const chosen = this.projections.filter((p) => !names || names.length === 0 || names.includes(p.name));
    const unknown = (names ?? []).filter((n) => !this.projections.some((p) => p.name === n));
    if (unknown.length > 0) throw new Error(`unknown projection(s): ${unknown.join(', ')}; known: ${this.projections.map((p) => p.name).join(', ')}`);
    // The shared live subscription pauses while the log is replayed, and resumes after.
    const wasLive = this.subscriptions.size > 0;
    await this.stop();
    for (const p of chosen) this.reset(p);
    // The read DB is disposable: during a rebuild it is not fsynced at all (a crash means rebuild again).
    const synchronous = this.db.pragma('synchronous', { simple: true });
    this.db.pragma('synchronous = OFF');
    const last = await this.store.lastPosition();
    let position = 0;
    let events = 0;
    for (;;) {
      const batch = await this.store.readAll({ fromPosition: position, limit: batchSize });
      if (batch.length === 0) break;
      const end = batch[batch.length - 1]!.globalPosition;
      this.db.transaction(() => {
        for (const p of chosen) {
          p.apply(this.db, batch);
          this.checkpoints.set(this.checkpointName(p), end);
        }
      })();
      position = end;
      events += batch.length;
      for (const p of chosen) onProgress?.({ projection: p.name, position, lastPosition: last, events });
    }
    this.db.pragma(`synchronous = ${Number(synchronous)}`);
    if (wasLive) await this.start();
    return { events };
  }
}
