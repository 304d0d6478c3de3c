import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainBrokenError } from '../event-store/event-store.port.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import type { CommandContext, Decider } from './decider.js';
import { handleCommand, IdempotencyKeyReusedError } from './handle-command.js';
import { configureStateCache, stateCacheOf } from './state-cache.js';

type Counter = { n: number };
const counter: Decider<Counter, { add: number }> = {
  initialState: { n: 0 },
  evolve: (s, e) => (e.type === 'Added' ? { n: s.n + (e.data as { add: number }).add } : s),
  decide: (c) => [{ type: 'Added', data: { add: c.add } }],
};
/** Another fold of the same stream: which facts it holds, in order. */
const journal: Decider<readonly number[], { add: number }> = {
  initialState: [],
  evolve: (s, e) => [...s, (e.data as { add: number }).add],
  decide: (c) => [{ type: 'Added', data: { add: c.add } }],
};

const ctx = (over: Partial<CommandContext> = {}): CommandContext => ({ actor: 'hl-anna', role: 'handlaggare', correlationId: 'corr-1', now: new Date('2026-11-23T09:00:00Z'), ...over });

describe('the command path keeps recently used streams folded', () => {
  let dir: string;
  let path: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bistand-state-cache-'));
    path = join(dir, 'events.sqlite');
    store = new SqliteEventStore(path);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given a stream it has folded, when the next command comes, then it reads only what came after', async () => {
    await handleCommand(store, 'case-1', counter, { add: 1 }, ctx());
    await handleCommand(store, 'case-1', counter, { add: 2 }, ctx());
    const whole = jest.spyOn(store, 'readStream');
    const r = await handleCommand(store, 'case-1', counter, { add: 3 }, ctx());
    expect(whole).not.toHaveBeenCalled();
    expect(r.state).toEqual({ n: 6 });
    expect(r.version).toBe(3);
    expect(stateCacheOf(store).has('case-1', counter)).toBe(true);
  });

  it('given another process appended to the stream (the CLI), when a command comes, then it decides on those facts too', async () => {
    await handleCommand(store, 'case-2', counter, { add: 1 }, ctx());
    const cli = new SqliteEventStore(path);
    try {
      await handleCommand(cli, 'case-2', counter, { add: 10 }, ctx());
      await handleCommand(cli, 'case-2', counter, { add: 100 }, ctx());
    } finally {
      await cli.close();
    }
    const r = await handleCommand(store, 'case-2', counter, { add: 1000 }, ctx());
    expect(r.state).toEqual({ n: 1111 });
    expect(r.version).toBe(4);
    // With If-Match the version it saw counts: the CLI's appends made it stale.
    await expect(handleCommand(store, 'case-2', counter, { add: 1 }, ctx({ expectedVersion: 3 }))).rejects.toMatchObject({ name: 'ConcurrencyError', actual: 4 });
  });

  it('given the head event was changed behind its back, when a command comes, then the whole stream is verified and refused (ChainBrokenError), and stays refused', async () => {
    await handleCommand(store, 'case-3', counter, { add: 1 }, ctx());
    await handleCommand(store, 'case-3', counter, { add: 2 }, ctx());
    // An intruder rewrites the last fact and its hash (and the head row to match), so only the chain can tell.
    const db = new Database(path);
    const forged = 'f'.repeat(64);
    db.prepare(`UPDATE events SET data = '{"add":200}', hash = ? WHERE stream = 'case-3' AND version = 2`).run(forged);
    db.prepare(`UPDATE streams SET last_hash = ? WHERE stream = 'case-3'`).run(forged);
    db.close();
    // …and another process, unaware, appends on top of the forged head.
    const cli = new SqliteEventStore(path);
    await cli.append('case-3', [{ id: crypto.randomUUID(), type: 'Added', schemaVersion: 1, data: { add: 30 }, metadata: { actor: 'cli', role: 'system', correlationId: 'c', causationId: null, idempotencyKey: null, recordedAt: '2026-11-23T09:00:00.000Z' } }], { expectedVersion: 2 });
    await cli.close();
    const error = await handleCommand(store, 'case-3', counter, { add: 3 }, ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChainBrokenError);
    expect((error as ChainBrokenError).verification.firstBroken?.version).toBe(2);
    await expect(handleCommand(store, 'case-3', counter, { add: 3 }, ctx())).rejects.toBeInstanceOf(ChainBrokenError);
    expect(await store.readStream('case-3')).toHaveLength(3);
  });

  it('given facts appended after the cached version were changed, when a command comes, then they are hashed and the stream refused', async () => {
    await handleCommand(store, 'case-4', counter, { add: 1 }, ctx());
    const cli = new SqliteEventStore(path);
    await handleCommand(cli, 'case-4', counter, { add: 2 }, ctx());
    await cli.close();
    const db = new Database(path);
    db.prepare(`UPDATE events SET data = '{"add":20}' WHERE stream = 'case-4' AND version = 2`).run();
    db.close();
    await expect(handleCommand(store, 'case-4', counter, { add: 3 }, ctx())).rejects.toBeInstanceOf(ChainBrokenError);
    expect(store.integrity().brokenStreams.map((b) => b.stream)).toContain('case-4');
  });

  it('given a stream the store refused, when a command comes for it from the cache, then it is refused', async () => {
    await handleCommand(store, 'case-5', counter, { add: 1 }, ctx());
    store.rawDatabase().prepare(`UPDATE events SET data = '{"add":9}' WHERE stream = 'case-5' AND version = 1`).run();
    expect((await store.verifyStream('case-5')).ok).toBe(false);
    expect(stateCacheOf(store).has('case-5')).toBe(true);
    await expect(handleCommand(store, 'case-5', counter, { add: 1 }, ctx())).rejects.toBeInstanceOf(ChainBrokenError);
  });

  it('answers a retried request from what it appended, also once the stream has left the cache, and refuses the key for another body', async () => {
    const first = await handleCommand(store, 'case-6', counter, { add: 5 }, ctx({ idempotencyKey: 'k-6', requestHash: 'h' }));
    await handleCommand(store, 'case-6', counter, { add: 1 }, ctx());
    const never = { ...counter, decide: (): never => { throw new Error('must not decide again'); } };
    const again = await handleCommand(store, 'case-6', never, { add: 5 }, ctx({ idempotencyKey: 'k-6', requestHash: 'h' }));
    expect(again).toMatchObject({ replayed: true, version: 1, events: first.events, state: { n: 6 } });
    await expect(handleCommand(store, 'case-6', counter, { add: 7 }, ctx({ idempotencyKey: 'k-6', requestHash: 'other' }))).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    stateCacheOf(store).delete('case-6');
    const fromLog = await handleCommand(store, 'case-6', never, { add: 5 }, ctx({ idempotencyKey: 'k-6', requestHash: 'h' }));
    expect(fromLog).toMatchObject({ replayed: true, version: 1, events: first.events });
    expect(await store.readStream('case-6')).toHaveLength(2);
  });

  it('sees a key another process used after the cached version', async () => {
    await handleCommand(store, 'case-7', counter, { add: 1 }, ctx());
    const cli = new SqliteEventStore(path);
    const there = await handleCommand(cli, 'case-7', counter, { add: 2 }, ctx({ idempotencyKey: 'k-7', requestHash: 'h' }));
    await cli.close();
    const again = await handleCommand(store, 'case-7', counter, { add: 2 }, ctx({ idempotencyKey: 'k-7', requestHash: 'h' }));
    expect(again.replayed).toBe(true);
    expect(again.events.map((e) => e.id)).toEqual(there.events.map((e) => e.id));
    expect(await store.readStream('case-7')).toHaveLength(2);
  });

  it('keeps at most the configured number of streams, the least recently used leaving first', async () => {
    const cache = configureStateCache(store, { maxStreams: 2 });
    await handleCommand(store, 'a', counter, { add: 1 }, ctx());
    await handleCommand(store, 'b', counter, { add: 1 }, ctx());
    await handleCommand(store, 'a', counter, { add: 1 }, ctx());
    await handleCommand(store, 'c', counter, { add: 1 }, ctx());
    expect(cache.size).toBe(2);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    const whole = jest.spyOn(store, 'readStream');
    const r = await handleCommand(store, 'b', counter, { add: 1 }, ctx());
    expect(whole).toHaveBeenCalledTimes(1);
    expect(r.state).toEqual({ n: 2 });
    expect(cache.has('a')).toBe(false);
  });

  it('folds a stream separately for each decider', async () => {
    await handleCommand(store, 'd', counter, { add: 1 }, ctx());
    await handleCommand(store, 'd', journal, { add: 2 }, ctx());
    const c = await handleCommand(store, 'd', counter, { add: 3 }, ctx());
    const j = await handleCommand(store, 'd', journal, { add: 4 }, ctx());
    expect(c.state).toEqual({ n: 6 });
    expect(j.state).toEqual([1, 2, 3, 4]);
  });

  it('with the cache off, still decides on the whole stream', async () => {
    const cache = configureStateCache(store, { maxStreams: 0 });
    await handleCommand(store, 'e', counter, { add: 1 }, ctx());
    const r = await handleCommand(store, 'e', counter, { add: 1 }, ctx());
    expect(r.state).toEqual({ n: 2 });
    expect(cache.size).toBe(0);
  });
});
