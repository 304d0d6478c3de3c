import { afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProjectionEvent } from '../event-store/event-store.port.js';
import type { CaseFold, CaseTable } from './case-fold.js';
import { FoldCache, ownerOf, type StashOps } from './fold-cache.js';
import { RebuildStash, StashReader } from './rebuild-stash.js';

/** A case's open items: added and removed by events. */
const items: CaseTable = {
  name: 'items',
  columns: ['case_id', 'item_id'],
  keyColumns: 2,
  ddl: 'CREATE TABLE IF NOT EXISTS items (case_id TEXT NOT NULL, item_id TEXT NOT NULL, PRIMARY KEY (case_id, item_id)) WITHOUT ROWID',
};
const itemsFold: CaseFold<string[]> = {
  name: 'items',
  version: 1,
  tables: [items],
  eventTypes: new Set(['Added', 'Removed']),
  evolve(state, _caseId, e) {
    const s = state ?? [];
    const item = (e.data as { item: string }).item;
    if (e.type === 'Added') return s.includes(item) ? s : [...s, item].sort();
    return s.filter((x) => x !== item);
  },
  rows: (caseId, s) => [s.map((x) => [caseId, x])],
  fromRows: (_caseId, [rows]) => (rows!.length > 0 ? rows!.map((r) => r[1] as string) : null),
};
const ev = (caseId: string, type: 'Added' | 'Removed', item: string): ProjectionEvent =>
  ({ globalPosition: 0, stream: `case-${caseId}`, version: 0, type, schemaVersion: 1, data: { item } }) as unknown as ProjectionEvent;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A read DB with the items table, the rebuild's stash beside it, and a reader of the stash's committed records. */
function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'fold-cache-'));
  dirs.push(dir);
  const db = new Database(join(dir, 'read.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec(items.ddl);
  const stash = new RebuildStash(db.name, 1);
  const reader = new StashReader(stash.path, 1);
  const write = (ops: StashOps) => stash.add(ops);
  // What the rebuild's end does: the tables filled from the stash.
  const finish = async () => {
    stash.flush();
    db.exec('BEGIN');
    reader.fill(db, [itemsFold], [0]);
    db.exec('COMMIT');
    reader.close();
    await stash.close();
  };
  const rows = () => db.prepare('SELECT case_id, item_id FROM items ORDER BY 1, 2').raw().all();
  return { db, stash, write, finish, rows, load: (caseId: string) => reader.load(caseId) };
}

describe('a rebuild\'s fold cache', () => {
  it('given a case that leaves the cache, comes back and leaves again in one batch, then a row it deleted the second time stays deleted', async () => {
    const { write, finish, rows, load } = setup();
    const cache = new FoldCache([itemsFold], 1, load, true);
    const ops = cache.emptyOps();
    cache.apply('a', ev('a', 'Added', 'x'), [0], ops, 1);
    cache.apply('b', ev('b', 'Added', 'y'), [0], ops, 1); // a leaves: its record has (a, x)
    cache.apply('a', ev('a', 'Removed', 'x'), [0], ops, 1); // a comes back (from the record not yet written), b leaves
    cache.apply('b', ev('b', 'Added', 'z'), [0], ops, 1); // a leaves again: its record has no row
    for (const id of cache.remaining()) cache.finish(id, ops, 1);
    write(ops);
    await finish();
    expect(rows()).toEqual([['b', 'y'], ['b', 'z']]);
  });

  it('given cases read back from the stash after a commit, then the rows are those of folding every event in one go', async () => {
    const { stash, write, finish, rows, load } = setup();
    const cache = new FoldCache([itemsFold], 2, load, true);
    const events: Array<[string, 'Added' | 'Removed', string]> = [];
    for (let i = 0; i < 200; i++) events.push([`c${i % 7}`, i % 3 === 2 ? 'Removed' : 'Added', `i${i % 5}`]);
    let seq = 0;
    for (let from = 0; from < events.length; from += 10) {
      seq += 1;
      const ops = cache.emptyOps();
      for (const [c, t, x] of events.slice(from, from + 10)) cache.apply(c, ev(c, t, x), [0], ops, seq);
      write(ops);
      if (seq % 3 === 0) {
        stash.flush();
        cache.committed(seq);
      }
    }
    const ops = cache.emptyOps();
    for (const id of cache.remaining()) cache.finish(id, ops, seq + 1);
    write(ops);
    await finish();
    const expected = new Map<string, string[]>();
    for (const [c, t, x] of events) expected.set(c, itemsFold.evolve(expected.get(c) ?? null, c, ev(c, t, x))!);
    expect(rows()).toEqual([...expected].sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([c, s]) => s.map((x) => [c, x])));
    expect(cache.evictions).toBeGreaterThan(50);
  });

  it('given a rebuild\'s end, then its tables hold every case\'s last rows and the stash file is gone', async () => {
    const { db, stash, write, finish } = setup();
    const cache = new FoldCache([itemsFold], 1000, () => undefined, true);
    const ops = cache.emptyOps();
    for (const c of ['q', 'b', 'x', 'a']) cache.apply(c, ev(c, 'Added', `${c}1`), [0], ops, 1);
    cache.apply('b', ev('b', 'Added', 'b0'), [0], ops, 1);
    for (const id of ['x', 'b', 'q', 'a']) cache.finish(id, ops, 1);
    write(ops);
    await finish();
    expect(db.prepare('SELECT case_id, item_id FROM items ORDER BY 1, 2').raw().all()).toEqual([['a', 'a1'], ['b', 'b0'], ['b', 'b1'], ['q', 'q1'], ['x', 'x1']]);
    expect(existsSync(stash.path)).toBe(false);
  });

  it('shares the cases out the same way for every event of a case', () => {
    const streams = Array.from({ length: 2000 }, (_, i) => `case-${(i * 2654435761).toString(16).padStart(8, '0')}-${i}`);
    const mine = streams.filter((s) => ownerOf(s, 400, 1) === -1).length;
    expect(mine).toBeGreaterThan(700);
    expect(mine).toBeLessThan(900);
    for (const s of streams.slice(0, 50)) expect(ownerOf(s, 400, 1)).toBe(ownerOf(s, 400, 1));
  });
});
