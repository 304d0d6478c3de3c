import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKommun } from '../demo/kommun-generator.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { openReadDb } from '../platform/read-db.js';
import { ALL_PROJECTIONS } from './all-projections.js';
import { ProjectionRunner } from './projection-runner.js';

/** The read models kept as a fold per case (case-fold.ts), with a rebuild session of their own. */
const CASE_FOLDS = ALL_PROJECTIONS.filter((p) => p.rebuild && p.eventTypes);

const HOUSEHOLDS = 1000;
const TODAY = '2026-11-18';

/** Waits until every projection's checkpoint has reached the end of the log. */
async function caughtUp(runner: ProjectionRunner, store: SqliteEventStore): Promise<void> {
  const last = await store.lastPosition();
  for (let i = 0; i < 6000; i++) {
    if (ALL_PROJECTIONS.every((p) => runner.checkpoint(p.name) === last)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`projections did not catch up with position ${last}`);
}

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** The first row where two dumps differ, to say what went wrong without printing 100 000 rows. */
function firstDifference(live: unknown, rebuilt: unknown): string | null {
  const a = JSON.stringify(live);
  const b = JSON.stringify(rebuilt);
  if (a === b) return null;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `live …${a.slice(Math.max(0, i - 200), i + 200)}…\nrebuilt …${b.slice(Math.max(0, i - 200), i + 200)}…`;
}

describe('read models: a rebuild from scratch equals the models kept live', () => {
  let dir: string;
  let store: SqliteEventStore;
  let liveDb: Database.Database;
  let rebuiltDb: Database.Database;
  let smallCacheDb: Database.Database;
  let smallCache: { events: number; evictions: number };
  let workerDbs: Database.Database[] = [];
  let inWorkers: Array<{ events: number; evictions: number; workers: number }> = [];
  let portalOnlyDb: Database.Database;
  let besideDb: Database.Database;
  let events = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bistand-rebuild-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    // Read DBs in memory: the comparison is about the projections' logic, not the read DB's durability.
    liveDb = openReadDb(':memory:');

    // Live: the runner is started on an empty log, and the kommun's history arrives while it runs.
    // Halfway the service "restarts": a new runner on the same read DB goes on from its checkpoints.
    const first = new ProjectionRunner(store, liveDb, ALL_PROJECTIONS);
    await first.start();
    events += (await generateKommun(store, { households: HOUSEHOLDS / 2, totalHouseholds: HOUSEHOLDS, today: TODAY, seed: 42, chunkSize: 250 })).events;
    await first.stop();
    const second = new ProjectionRunner(store, liveDb, ALL_PROJECTIONS);
    await second.start();
    events += (await generateKommun(store, { households: HOUSEHOLDS / 2, offset: HOUSEHOLDS / 2, totalHouseholds: HOUSEHOLDS, today: TODAY, seed: 42, chunkSize: 250 })).events;
    await caughtUp(second, store);
    await second.stop();

    // Rebuilt: a fresh read DB, every projection from position 0 by the same code.
    rebuiltDb = openReadDb(':memory:');
    await new ProjectionRunner(store, rebuiltDb, ALL_PROJECTIONS).rebuild();

    // The per-case folds alone (they name their event types, so the rebuild reads the light rows)
    // with room for only 50 cases: cases leave the cache and come back from their rows all the time.
    smallCacheDb = openReadDb(':memory:');
    smallCache = await new ProjectionRunner(store, smallCacheDb, ALL_PROJECTIONS).rebuild(CASE_FOLDS.map((p) => p.name), undefined, { cacheCases: 50, batchSize: 700, eventsPerTransaction: 5000 });

    // The same in fold worker threads (a file read DB: a worker reads back committed rows of cases that
    // left its cache), with one worker and with two, a small cache and frequent commits.
    for (const workers of [1, 2]) {
      const db = openReadDb(join(dir, `read-${workers}.sqlite`));
      workerDbs.push(db);
      inWorkers.push(await new ProjectionRunner(store, db, ALL_PROJECTIONS).rebuild(CASE_FOLDS.map((p) => p.name), undefined, { cacheCases: 50, batchSize: 700, eventsPerTransaction: 5000, workers }));
    }
    // One fold without indexes: this thread fills all its tables, the worker none.
    portalOnlyDb = openReadDb(join(dir, 'read-portal.sqlite'));
    await new ProjectionRunner(store, portalOnlyDb, ALL_PROJECTIONS).rebuild(['portal'], undefined, { cacheCases: 50, batchSize: 700, eventsPerTransaction: 5000 });
    // Another connection has the read DB open meanwhile (a CLI rebuild beside the service): the
    // tables are then filled through the WAL.
    besideDb = openReadDb(join(dir, 'read-portal.sqlite'));
    besideDb.prepare('SELECT COUNT(*) FROM portal_cases').get();
    await new ProjectionRunner(store, portalOnlyDb, ALL_PROJECTIONS).rebuild(['portal', 'case-directory'], undefined, { cacheCases: 50, batchSize: 700, eventsPerTransaction: 5000 });
  }, 180_000);

  afterAll(async () => {
    for (const db of workerDbs) db.close();
    besideDb?.close();
    portalOnlyDb?.close();
    liveDb?.close();
    rebuiltDb?.close();
    smallCacheDb?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`given ${HOUSEHOLDS} generated households, the history is there to compare`, async () => {
    expect(await store.lastPosition()).toBe(events);
    expect(events).toBeGreaterThan(HOUSEHOLDS * 50);
    expect(liveDb.prepare('SELECT COUNT(*) AS n FROM queue_cases').get()).toEqual({ n: HOUSEHOLDS });
    // The timeline is read from each case's stream: the read DB holds no copy of it.
    expect(liveDb.prepare("SELECT name FROM sqlite_master WHERE name = 'timeline_entries'").get()).toBeUndefined();
  });

  it.each(ALL_PROJECTIONS.map((p) => [p.name, p] as const))('%s: rebuilt is identical to live', (_name, projection) => {
    const live = projection.dump!(liveDb);
    const rebuilt = projection.dump!(rebuiltDb);
    expect(firstDifference(live, rebuilt)).toBeNull();
    expect(digest(rebuilt)).toBe(digest(live));
  });

  it.each(CASE_FOLDS.map((p) => [p.name, p] as const))('%s: rebuilt with a cache of 50 cases is identical to live', (_name, projection) => {
    expect(smallCache.events).toBe(events);
    expect(smallCache.evictions).toBeGreaterThan(HOUSEHOLDS * CASE_FOLDS.length);
    const live = projection.dump!(liveDb);
    const rebuilt = projection.dump!(smallCacheDb);
    expect(firstDifference(live, rebuilt)).toBeNull();
    expect(digest(rebuilt)).toBe(digest(live));
  });

  it.each(CASE_FOLDS.flatMap((p) => [1, 2].map((w) => [p.name, w, p] as const)))('%s: rebuilt in %i fold worker(s) with a cache of 50 cases is identical to live', (_name, workers, projection) => {
    const run = inWorkers[workers - 1]!;
    expect(run).toMatchObject({ events, workers });
    expect(run.evictions).toBeGreaterThan(HOUSEHOLDS * CASE_FOLDS.length);
    const live = projection.dump!(liveDb);
    const rebuilt = projection.dump!(workerDbs[workers - 1]!);
    expect(firstDifference(live, rebuilt)).toBeNull();
    expect(digest(rebuilt)).toBe(digest(live));
  });

  it('given rebuilds in fold workers, then the read DBs are WAL files again, with every index and no rebuild files left beside them', () => {
    const indexes = (db: Database.Database) => db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
    for (const db of [...workerDbs, portalOnlyDb]) expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    for (const db of workerDbs) expect(indexes(db)).toEqual(indexes(liveDb));
    expect(readdirSync(dir).filter((f) => f.includes('-rebuild'))).toEqual([]);
  });

  it('given a rebuild in a fold worker while another connection has the read DB open, then it is identical to live and the DB stays a WAL file', () => {
    for (const name of ['portal', 'case-directory']) {
      const projection = ALL_PROJECTIONS.find((p) => p.name === name)!;
      expect(digest(projection.dump!(portalOnlyDb))).toBe(digest(projection.dump!(liveDb)));
      expect(digest(projection.dump!(besideDb))).toBe(digest(projection.dump!(liveDb)));
    }
    expect(besideDb.pragma('journal_mode', { simple: true })).toBe('wal');
  });
});
