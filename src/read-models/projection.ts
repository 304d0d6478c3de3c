import type Database from 'better-sqlite3';
import type { ProjectionEvent, RecordedEvent } from '../event-store/event-store.port.js';

/**
 * A read model kept in SQLite tables. The same `apply` keeps it live and rebuilds it from the log,
 * so a rebuild gives exactly what live processing gave. `apply` runs inside the transaction that
 * also moves the checkpoint: it must be synchronous and must not read the clock.
 */
export interface Projection {
  readonly name: string;
  /** Bump when the tables or the meaning of apply change: the runner then rebuilds from the log. */
  readonly version: number;
  /** Creates the tables (idempotent). */
  setup(db: Database.Database): void;
  /** Drops the tables before a rebuild (a new version may change their shape); setup runs next. */
  reset(db: Database.Database): void;
  apply(db: Database.Database, events: readonly RecordedEvent[]): void;
  /** Table rows in a stable order, for comparing a rebuild with the live model. */
  dump?(db: Database.Database): unknown;
  /**
   * The event types `apply` reacts to. When every projection of a rebuild names them, the rebuild
   * reads only those types and only what a projection reads (ProjectionEvent).
   */
  readonly eventTypes?: ReadonlySet<string>;
  /**
   * A rebuild may keep state in memory between batches instead of writing each batch (same fold as
   * `apply`); `finish` writes the rest. Without it a rebuild calls `apply` per batch.
   */
  rebuild?(db: Database.Database, options?: { readonly cacheCases?: number }): RebuildSession;
}

export interface RebuildSession {
  apply(events: readonly ProjectionEvent[]): void;
  /** Writes whatever is still held in memory; the tables are complete after it. */
  finish(): { readonly evictions?: number } | void;
}

/** Prepared statements made once per database (a projection runs on the live DB and on rebuilds). */
export function perDatabase<T>(prepare: (db: Database.Database) => T): (db: Database.Database) => T {
  const cache = new WeakMap<Database.Database, T>();
  return (db) => {
    let made = cache.get(db);
    if (!made) cache.set(db, (made = prepare(db)));
    return made;
  };
}
