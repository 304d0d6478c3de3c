import type Database from 'better-sqlite3';
import type { EventStore, LiveSubscription, RecordedEvent } from './event-store.port.js';

/**
 * A named subscriber whose read model lives in SQLite: each batch is applied and the checkpoint
 * moved in ONE transaction, so after any crash the model and its checkpoint agree, and delivery is
 * exactly once and in order across restarts, whichever store feeds it.
 */
export class CheckpointStore {
  private readonly getStmt;
  private readonly setStmt;

  constructor(readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS subscription_checkpoints (
      name TEXT PRIMARY KEY, position INTEGER NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID`);
    this.getStmt = db.prepare<[string], { position: number }>('SELECT position FROM subscription_checkpoints WHERE name = ?');
    this.setStmt = db.prepare('INSERT INTO subscription_checkpoints (name, position, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at');
  }

  get(name: string): number {
    return this.getStmt.get(name)?.position ?? 0;
  }

  set(name: string, position: number): void {
    this.setStmt.run(name, position, new Date().toISOString());
  }

  reset(name: string): void {
    this.db.prepare('DELETE FROM subscription_checkpoints WHERE name = ?').run(name);
  }
}

export type BatchHandler = (events: readonly RecordedEvent[]) => void;

export function subscribeWithCheckpoint(
  store: EventStore,
  checkpoints: CheckpointStore,
  name: string,
  handle: BatchHandler,
  options: { batchSize?: number; onError?: (e: unknown) => void } = {},
): LiveSubscription {
  const applyBatch = checkpoints.db.transaction((events: readonly RecordedEvent[]) => {
    // Guard against a redelivered batch (e.g. a resubscribe racing a slow ack): skip what is done.
    const done = checkpoints.get(name);
    const fresh = events.filter((e) => e.globalPosition > done);
    if (fresh.length === 0) return;
    handle(fresh);
    checkpoints.set(name, fresh[fresh.length - 1]!.globalPosition);
  });
  return store.subscribeToAll({
    fromPosition: checkpoints.get(name),
    batchSize: options.batchSize,
    onEvents: (events) => applyBatch(events),
    onError: options.onError,
  });
}
