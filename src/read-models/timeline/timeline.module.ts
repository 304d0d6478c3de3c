import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { READ_DB } from '../../platform/read-db.js';
import { TimelineController } from './timeline.controller.js';

/**
 * The timeline used to be a projection, stored rendered in the read DB (`timeline_entries`,
 * ≈ 720 bytes per event). It is now read from the case's stream, so an existing read DB's copy,
 * its checkpoint and its version row are removed once, at start. Returns whether there was one.
 */
export function dropStoredTimeline(db: Database.Database): boolean {
  const has = (table: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
  if (!has('timeline_entries')) return false;
  db.transaction(() => {
    db.exec('DROP TABLE timeline_entries');
    // The runner's bookkeeping for the old projection, so a future `timeline` projection starts clean.
    if (has('subscription_checkpoints')) db.prepare('DELETE FROM subscription_checkpoints WHERE name = ?').run('projection:timeline');
    if (has('projection_versions')) db.prepare('DELETE FROM projection_versions WHERE name = ?').run('timeline');
  })();
  return true;
}

@Module({ controllers: [TimelineController] })
export class TimelineModule implements OnModuleInit {
  constructor(@Inject(READ_DB) private readonly db: Database.Database) {}

  onModuleInit(): void {
    const started = Date.now();
    if (dropStoredTimeline(this.db)) new Logger('timeline').log(`dropped the stored timeline (timeline_entries) from the read DB in ${Date.now() - started} ms: the timeline is read from each case's stream`);
  }
}
