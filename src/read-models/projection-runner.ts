import type Database from 'better-sqlite3';
import { CheckpointStore, subscribeWithCheckpoint } from '../event-store/checkpointed-subscription.js';
import type { EventStore, LiveSubscription } from '../event-store/event-store.port.js';
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
    for (const p of projections) p.setup(db);
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

  /** Starts every projection live; one whose version changed is reset first. */
  start(): Promise<void> {
    const versionOf = this.db.prepare<[string], { version: number }>('SELECT version FROM projection_versions WHERE name = ?');
    for (const p of this.projections) {
      if (versionOf.get(p.name)?.version !== p.version) this.reset(p);
      const sub = subscribeWithCheckpoint(this.store, this.checkpoints, this.checkpointName(p), (events) => p.apply(this.db, events), {
        batchSize: 1000,
        onError: (e) => this.onError(p.name, e),
      });
      this.subscriptions.set(p.name, sub);
    }
    return Promise.all([...this.subscriptions.values()].map((s) => s.caughtUp)).then(() => undefined);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.subscriptions.values()].map((s) => s.stop()));
    this.subscriptions.clear();
  }

  private reset(p: Projection): void {
    this.db.transaction(() => {
      p.reset(this.db);
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
    const running = chosen.filter((p) => this.subscriptions.has(p.name));
    for (const p of running) {
      await this.subscriptions.get(p.name)!.stop();
      this.subscriptions.delete(p.name);
    }
    for (const p of chosen) this.reset(p);
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
    return { events };
  }
}
