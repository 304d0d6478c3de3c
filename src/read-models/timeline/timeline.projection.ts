import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { perDatabase, type Projection } from '../projection.js';
import { describeEvent, type TimelineEntry } from './describe-event.js';
import './texts.js';

/** Every case event as a Swedish entry, stored rendered so an auditor's export is one read. */
export const timelineProjection: Projection = {
  name: 'timeline',
  version: 2,
  setup(db) {
    // A rowid table keyed by global position: entries are large, and appended in position order.
    db.exec(`CREATE TABLE IF NOT EXISTS timeline_entries (
      position INTEGER PRIMARY KEY, case_id TEXT NOT NULL, version INTEGER NOT NULL, recorded_at TEXT NOT NULL, entry TEXT NOT NULL);
      CREATE UNIQUE INDEX IF NOT EXISTS timeline_entries_case ON timeline_entries (case_id, version);`);
  },
  reset(db) {
    db.exec('DROP TABLE IF EXISTS timeline_entries');
  },
  apply(db, events) {
    const insert = statement(db);
    for (const e of events) {
      if (!e.stream.startsWith('case-')) continue;
      const entry = describeEvent(e);
      insert.run(e.stream.slice(5), e.version, e.globalPosition, e.metadata.recordedAt, JSON.stringify(entry));
    }
  },
  dump(db) {
    return db.prepare('SELECT case_id, version, position, recorded_at, entry FROM timeline_entries ORDER BY case_id, version').all();
  },
};

const statement = perDatabase((db) => db.prepare('INSERT OR REPLACE INTO timeline_entries (case_id, version, position, recorded_at, entry) VALUES (?, ?, ?, ?, ?)'));

export function readTimeline(db: Database.Database, caseId: string, asOf?: string): TimelineEntry[] {
  const rows = asOf
    ? db.prepare<[string, string], { entry: string }>('SELECT entry FROM timeline_entries WHERE case_id = ? AND recorded_at <= ? ORDER BY version').all(caseId, asOf)
    : db.prepare<[string], { entry: string }>('SELECT entry FROM timeline_entries WHERE case_id = ? ORDER BY version').all(caseId);
  return rows.map((r) => JSON.parse(r.entry) as TimelineEntry);
}

export type { RecordedEvent };
