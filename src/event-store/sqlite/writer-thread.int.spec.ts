import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempStoreFiles } from '../../../test/support/temp-store.js';
import { ConcurrencyError, IdempotencyConflictError, StoreDamagedError, type NewEvent } from '../event-store.port.js';
import { eventStoreContract } from '../testing/event-store.contract.js';
import { decodeGroup, encodeGroup, fromWireError, toWireError, toWireEvent } from './group-writer.js';
import { isDamageError, SqliteEventStore } from './sqlite-event-store.js';

// The writer thread passes the same contract as the inline writer (the default, in sqlite-event-store.int.spec.ts).
eventStoreContract('sqlite (writer thread)', async (upcasters) => {
  const dir = mkdtempSync(join(tmpdir(), 'bistand-contract-worker-'));
  const path = join(dir, 'events.sqlite');
  let store = new SqliteEventStore(path, upcasters, WORKER);
  return {
    store,
    reopen: async () => {
      await store.close();
      store = new SqliteEventStore(path, upcasters, WORKER);
      return store;
    },
    tamper: async (stream, version) => {
      store.rawDatabase().prepare("UPDATE events SET data = replace(zstd_text(data), '2026-12', '2026-11') WHERE stream = ? AND version = ?").run(stream, version);
    },
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const WORKER = { writer: 'worker' } as const;

const ev = (data: unknown = {}, id = randomUUID()): NewEvent => ({
  id,
  type: 'Tick',
  schemaVersion: 1,
  data,
  metadata: { actor: 'x', role: 'system', correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: '2026-11-23T10:00:00.000Z' },
});

describe('the writer thread', () => {
  const files = tempStoreFiles('bistand-writer-');

  it('writes when asked to for a file store; an in-memory store and the default write inline', async () => {
    const store = new SqliteEventStore(files.path, undefined, WORKER);
    const memory = new SqliteEventStore(':memory:', undefined, WORKER);
    const plain = new SqliteEventStore(join(files.dir, 'plain.sqlite'));
    expect([store.writer, memory.writer, plain.writer]).toEqual(['worker', 'inline', 'inline']);
    await Promise.all([store.close(), memory.close(), plain.close()]);
  });

  it('keeps the order of one process\'s appends across groups, and answers each caller with its own outcome', async () => {
    const store = new SqliteEventStore(files.path, undefined, WORKER);
    try {
      const taken = await store.append('taken', [ev()], { expectedVersion: 'no_stream' });
      const used = ev();
      await store.append('used', [used], { expectedVersion: 'no_stream' });
      // Enough appends, and awaited in waves, for several groups to be in flight one after another.
      const ids: string[] = [];
      const waves: Array<Promise<unknown>> = [];
      for (let w = 0; w < 5; w++) {
        for (let i = 0; i < 60; i++) {
          const e = ev({ w, i });
          ids.push(e.id);
          waves.push(store.append('ordered', [e], { expectedVersion: 'any' }));
        }
        await new Promise((r) => setImmediate(r));
      }
      const wrong = store.append('taken', [ev()], { expectedVersion: 'no_stream' }).catch((e: unknown) => e);
      const reused = store.append('elsewhere', [used, ev()], { expectedVersion: 'any' }).catch((e: unknown) => e);
      const again = store.append('taken', [{ ...ev(), id: (await store.readStream('taken'))[0]!.id }], { expectedVersion: 'no_stream' });
      await Promise.all(waves);
      expect((await store.readStream('ordered')).map((e) => e.id)).toEqual(ids);
      const concurrency = await wrong;
      expect(concurrency).toBeInstanceOf(ConcurrencyError);
      expect(concurrency).toMatchObject({ stream: 'taken', expected: 'no_stream', actual: 1 });
      expect(await reused).toBeInstanceOf(IdempotencyConflictError);
      expect(await again).toEqual({ ...taken, duplicate: true });
      expect(store.stats().appends).toBe(2 + 300 + 3);
    } finally {
      await store.close();
    }
  });

  it('tells live subscribers after each commit, and carries the verified head on, as the inline writer does', async () => {
    // Polling far apart: only the store's own notice after a commit can deliver in time.
    const store = new SqliteEventStore(files.path, undefined, { ...WORKER, pollIntervalMs: 600_000 });
    try {
      await store.append('s', [ev()], { expectedVersion: 'no_stream' });
      await store.readStream('s', { verify: true });
      const seen: number[] = [];
      let delivered!: () => void;
      const all = new Promise<void>((resolve) => (delivered = resolve));
      const sub = store.subscribeToAll({
        onEvents: (events) => {
          seen.push(...events.map((e) => e.globalPosition));
          if (seen.length === 3) delivered();
        },
      });
      await sub.caughtUp;
      const r = await store.append('s', [ev(), ev()], { expectedVersion: 1 });
      await all;
      expect(seen).toEqual([1, ...r.positions]);
      // Verified up to version 1 by this process, then written on by it: the head it wrote is
      // taken as verified (one head-row lookup), so a change to version 1 now goes unseen here.
      store.rawDatabase().prepare(`UPDATE events SET data = '{"x":1}' WHERE stream = 's' AND version = 1`).run();
      await expect(store.assertIntact('s')).resolves.toBeUndefined();
      await sub.stop();
    } finally {
      await store.close();
    }
  });

  it('a damaged page found by the writer thread makes the whole store refuse', async () => {
    const first = new SqliteEventStore(files.path, undefined, WORKER);
    for (let i = 0; i < 5; i++) await first.append(`s-${i}`, [ev({ text: 'x'.repeat(200) })], { expectedVersion: 'no_stream' });
    await first.close();
    const db = new Database(files.path, { readonly: true });
    const pages = (db.prepare("SELECT pageno FROM dbstat WHERE name = 'streams'").all() as Array<{ pageno: number }>).map((r) => r.pageno);
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    const fd = openSync(files.path, 'r+');
    for (const p of pages) writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (p - 1) * pageSize);
    closeSync(fd);

    const store = new SqliteEventStore(files.path, undefined, WORKER);
    try {
      const error = await store.append('s-new', [ev()], { expectedVersion: 'no_stream' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreDamagedError);
      expect(store.integrity().file).toBe('damaged');
      await expect(store.append('s-other', [ev()], { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(StoreDamagedError);
      await expect(store.readStream('s-1')).rejects.toBeInstanceOf(StoreDamagedError);
    } finally {
      await store.close();
    }
  });
});

describe('what crosses to the writer thread', () => {
  it('a group as one string, whatever its text holds', () => {
    const events = [ev({ note: '12:3:x', empty: '', emoji: '😀 åäö', nested: { b: 1, a: [0, -0, 1e21] } }), ev({})].map(toWireEvent);
    const group = [
      { stream: 'case-1:2', expectedVersion: 'no_stream' as const, events },
      { stream: '', expectedVersion: 7, events: events.slice(1) },
      { stream: 'any', expectedVersion: 'any' as const, events },
    ];
    expect(decodeGroup(encodeGroup(group))).toEqual(group);
  });

  it('refuses on the caller\'s thread what the inline writer refuses (no canonical JSON for it)', () => {
    expect(() => toWireEvent(ev({ n: Number.NaN }))).toThrow(TypeError);
  });

  it('errors come back as the classes the HTTP layer knows', () => {
    const back = <T>(e: T) => fromWireError(toWireError(e));
    const concurrency = back(new ConcurrencyError('s', 3, 4));
    expect(concurrency).toBeInstanceOf(ConcurrencyError);
    expect(concurrency).toMatchObject({ stream: 's', expected: 3, actual: 4, message: new ConcurrencyError('s', 3, 4).message });
    expect(back(new IdempotencyConflictError('s', 'ids reused'))).toMatchObject({ stream: 's', detail: 'ids reused' });
    expect(back(new IdempotencyConflictError('s', 'ids reused'))).toBeInstanceOf(IdempotencyConflictError);
    const damaged = back(new Database.SqliteError('database disk image is malformed', 'SQLITE_CORRUPT'));
    expect(damaged).toBeInstanceOf(Database.SqliteError);
    expect(isDamageError(damaged)).toBe(true);
  });
});
