import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { verifyChain } from '../chain.js';
import { CheckpointStore, subscribeWithCheckpoint } from '../checkpointed-subscription.js';
import { ChainBrokenError, ConcurrencyError, IdempotencyConflictError, type EventStore, type NewEvent, type RecordedEvent } from '../event-store.port.js';
import { UpcasterRegistry } from '../upcasters.js';

export interface ContractSetup {
  readonly store: EventStore;
  /** Closes and opens the store again (a restart); absent where the store is remote. */
  readonly reopen?: () => Promise<EventStore>;
  /** Changes one stored byte of an event, as an intruder with file access would. */
  readonly tamper?: (stream: string, version: number) => Promise<void>;
  readonly cleanup: () => Promise<void>;
}

/** Every adapter must pass this suite: the same assertions for SQLite and KurrentDB. */
export function eventStoreContract(name: string, setup: (upcasters: UpcasterRegistry) => Promise<ContractSetup>): void {
  describe(`event store contract: ${name}`, () => {
    const run = randomUUID().slice(0, 8);
    const s = (n: string) => `contract${run}-${n}`;
    let ctx: ContractSetup;
    let store: EventStore;
    const upcasters = new UpcasterRegistry().register('ContractRenamedField', 1, (d: { amountKr: number }) => ({ amountOre: d.amountKr * 100 }));

    beforeAll(async () => {
      ctx = await setup(upcasters);
      store = ctx.store;
    });
    afterAll(async () => {
      await ctx?.cleanup();
    });

    const ev = (type: string, data: unknown = {}, id = randomUUID()): NewEvent => ({
      id,
      type,
      schemaVersion: 1,
      data,
      metadata: { actor: 'hl-anna', role: 'handlaggare', correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: '2026-11-23T10:00:00.000Z' },
    });

    it('appends a batch atomically and reads it back in order with versions 1..n', async () => {
      const r = await store.append(s('order'), [ev('A', { n: 1 }), ev('B', { n: 2 }), ev('C', { n: 3 })], { expectedVersion: 'no_stream' });
      expect(r.nextVersion).toBe(3);
      expect(r.duplicate).toBe(false);
      expect(r.positions).toHaveLength(3);
      expect([...r.positions].sort((a, b) => a - b)).toEqual(r.positions);
      const read = await store.readStream(s('order'));
      expect(read.map((e) => [e.type, e.version, (e.data as { n: number }).n])).toEqual([['A', 1, 1], ['B', 2, 2], ['C', 3, 3]]);
      expect(read.map((e) => e.globalPosition)).toEqual(r.positions);
      expect(read[0]!.metadata.actor).toBe('hl-anna');
      const middle = await store.readStream(s('order'), { fromVersion: 2, toVersion: 2 });
      expect(middle.map((e) => e.type)).toEqual(['B']);
    });

    it('returns [] for a stream that does not exist', async () => {
      expect(await store.readStream(s('nothing-here'))).toEqual([]);
    });

    it('refuses a wrong expectation with a typed error that says where the stream is, and writes nothing', async () => {
      await store.append(s('expect'), [ev('A'), ev('B')], { expectedVersion: 'no_stream' });
      const before = await store.lastPosition();
      await expect(store.append(s('expect'), [ev('C')], { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(ConcurrencyError);
      const err = await store.append(s('expect'), [ev('C'), ev('D')], { expectedVersion: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConcurrencyError);
      expect((err as ConcurrencyError).actual).toBe(2);
      expect(await store.lastPosition()).toBe(before);
      expect((await store.append(s('expect'), [ev('C')], { expectedVersion: 2 })).nextVersion).toBe(3);
      expect((await store.append(s('expect'), [ev('D')], { expectedVersion: 'any' })).nextVersion).toBe(4);
    });

    it('lets exactly one of two writers racing for the same version win', async () => {
      await store.append(s('race'), [ev('Opened')], { expectedVersion: 'no_stream' });
      const results = await Promise.allSettled([
        store.append(s('race'), [ev('DecisionMade', { by: 'a' })], { expectedVersion: 1 }),
        store.append(s('race'), [ev('DecisionMade', { by: 'b' })], { expectedVersion: 1 }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      expect(rejected).toHaveLength(1);
      expect(rejected[0]!.reason).toBeInstanceOf(ConcurrencyError);
      expect(await store.readStream(s('race'))).toHaveLength(2);
    });

    it('answers a retried append (same event ids) with the first result and writes nothing', async () => {
      const batch = [ev('PaymentDisbursed', { ref: 'BG-1' }), ev('Noted')];
      const first = await store.append(s('retry'), batch, { expectedVersion: 'no_stream' });
      const last = await store.lastPosition();
      const again = await store.append(s('retry'), batch, { expectedVersion: 'no_stream' });
      expect(again).toEqual({ ...first, duplicate: true });
      const third = await store.append(s('retry'), batch, { expectedVersion: 'any' });
      expect(third.positions).toEqual(first.positions);
      expect(await store.lastPosition()).toBe(last);
      expect(await store.readStream(s('retry'))).toHaveLength(2);
    });

    it('refuses a batch that reuses some ids of another batch', async () => {
      const a = ev('A');
      await store.append(s('partial'), [a], { expectedVersion: 'no_stream' });
      await expect(store.append(s('partial'), [a, ev('B')], { expectedVersion: 'any' })).rejects.toBeInstanceOf(IdempotencyConflictError);
      expect(await store.readStream(s('partial'))).toHaveLength(1);
    });

    it('reads its own writes and reads the whole log in commit order', async () => {
      const before = await store.lastPosition();
      const appended: string[] = [];
      for (let i = 0; i < 5; i++) {
        const e = ev('Tick', { i });
        await store.append(s(`all-${i % 2}`), [e], { expectedVersion: 'any' });
        appended.push(e.id);
        expect((await store.readStream(s(`all-${i % 2}`))).some((x) => x.id === e.id)).toBe(true);
      }
      const all = await store.readAll({ fromPosition: before, limit: 100 });
      const mine = all.filter((e) => e.stream.startsWith(`contract${run}-all-`));
      expect(mine.map((e) => e.id)).toEqual(appended);
      const positions = all.map((e) => e.globalPosition);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      const limited = await store.readAll({ fromPosition: before, limit: 2 });
      expect(limited).toHaveLength(2);
      expect(await store.lastPosition()).toBe(all[all.length - 1]!.globalPosition);
    });

    it('delivers every event exactly once and in order to a checkpointed subscriber, across a restart', async () => {
      const db = new Database(':memory:');
      db.exec('CREATE TABLE seen (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, position INTEGER NOT NULL)');
      const checkpoints = new CheckpointStore(db);
      const insert = db.prepare('INSERT INTO seen (id, position) VALUES (?, ?)');
      const stream = s('sub');
      const mineOnly = (events: readonly RecordedEvent[]) => events.filter((e) => e.stream === stream);
      const handler = (events: readonly RecordedEvent[]) => {
        for (const e of mineOnly(events)) insert.run(e.id, e.globalPosition);
      };
      const ids: string[] = [];
      const appendN = async (n: number) => {
        for (let i = 0; i < n; i++) {
          const e = ev('Tick', { i });
          ids.push(e.id);
          await store.append(stream, [e], { expectedVersion: 'any' });
        }
      };
      await appendN(30);
      let sub = subscribeWithCheckpoint(store, checkpoints, 'contract-reader', handler, { batchSize: 7 });
      await sub.caughtUp;
      await appendN(10); // live
      await waitFor(() => count(db) === 40);
      await sub.stop();
      await appendN(15); // while the subscriber is down
      if (ctx.reopen) store = await ctx.reopen();
      sub = subscribeWithCheckpoint(store, checkpoints, 'contract-reader', handler, { batchSize: 4 });
      await sub.caughtUp;
      await waitFor(() => count(db) === 55);
      await appendN(5);
      await waitFor(() => count(db) === 60);
      await sub.stop();
      const seen = db.prepare('SELECT id, position FROM seen ORDER BY seq').all() as Array<{ id: string; position: number }>;
      expect(seen.map((r) => r.id)).toEqual(ids);
      expect(seen.map((r) => r.position)).toEqual([...seen.map((r) => r.position)].sort((a, b) => a - b));
      db.close();
    });

    it('chains every event to the one before, and a changed byte breaks the chain at that event', async () => {
      const stream = s('chain');
      await store.append(stream, [ev('CaseOpened', { name: 'Anna' }), ev('ApplicationSubmitted', { month: '2026-12' }), ev('DecisionMade', { amount: 522000 })], { expectedVersion: 'no_stream' });
      expect(await store.verifyStream(stream)).toEqual({ stream, ok: true, events: 3 });
      const read = await store.readStream(stream);
      expect(read[1]!.prevHash).toBe(read[0]!.hash);
      const forged = read.map((e, i) => (i === 2 ? { ...e, data: { amount: 622000 } } : e));
      const check = verifyChain(stream, forged);
      expect(check.ok).toBe(false);
      expect(check.firstBroken?.version).toBe(3);
      await expect(store.readStream(stream, { verify: true })).resolves.toHaveLength(3);
      if (ctx.tamper) {
        await ctx.tamper(stream, 2);
        const tampered = await store.verifyStream(stream);
        expect(tampered.ok).toBe(false);
        expect(tampered.firstBroken?.version).toBe(2);
        // A verified read (the command path's) refuses it, and so does every check after.
        await expect(store.readStream(stream, { verify: true })).rejects.toBeInstanceOf(ChainBrokenError);
        await expect(store.assertIntact(stream)).rejects.toBeInstanceOf(ChainBrokenError);
        await expect(store.readStreamSince(stream, { version: 1, hash: read[0]!.hash })).rejects.toBeInstanceOf(ChainBrokenError);
        await expect(store.forEachVerified(stream, () => {})).rejects.toBeInstanceOf(ChainBrokenError);
        expect(store.integrity().brokenStreams.map((b) => b.stream)).toContain(stream);
      }
    });

    it('hands a verified stream to a visitor event by event, in order and upcast, as the verified read returns it', async () => {
      const stream = s('visit');
      await store.append(stream, [ev('A', { n: 1 }), ev('ContractRenamedField', { amountKr: 10 }), ev('C', { n: 3 })], { expectedVersion: 'no_stream' });
      const seen: RecordedEvent[] = [];
      // Twice: the first read verifies the chain, the second trusts what the first verified.
      for (let i = 0; i < 2; i++) {
        seen.length = 0;
        expect(await store.forEachVerified(stream, (e) => seen.push(e))).toBe(3);
        expect(seen).toEqual(await store.readStream(stream, { verify: true }));
      }
      expect(seen[1]!.data).toEqual({ amountOre: 1000 });
      expect(await store.forEachVerified(s('visit-none'), () => {})).toBe(0);
    });

    it('reads only what came after a version the reader holds, anchored on that version\'s hash', async () => {
      const stream = s('since');
      const first = await store.append(stream, [ev('A', { n: 1 }), ev('B', { n: 2 })], { expectedVersion: 'no_stream' });
      const held = await store.readStream(stream, { verify: true });
      expect(first.lastHash).toBe(held[1]!.hash);
      expect(await store.readStreamSince(stream, { version: 2, hash: held[1]!.hash })).toEqual([]);
      const second = await store.append(stream, [ev('ContractRenamedField', { amountKr: 10 }), ev('D', { n: 4 })], { expectedVersion: 2 });
      const after = await store.readStreamSince(stream, { version: 2, hash: held[1]!.hash });
      expect(after?.map((e) => [e.type, e.version])).toEqual([['ContractRenamedField', 3], ['D', 4]]);
      expect(after?.[0]!.data).toEqual({ amountOre: 1000 });
      expect(after?.[0]!.prevHash).toBe(held[1]!.hash);
      expect(after?.[1]!.hash).toBe(second.lastHash);
      // From further back, the same events and the ones before them.
      expect((await store.readStreamSince(stream, { version: 1, hash: held[0]!.hash }))?.map((e) => e.version)).toEqual([2, 3, 4]);
      // A hash the stream does not hold at that version, a version past its end, a stream that is not there: read it whole.
      expect(await store.readStreamSince(stream, { version: 1, hash: held[1]!.hash })).toBeNull();
      expect(await store.readStreamSince(stream, { version: 5, hash: second.lastHash })).toBeNull();
      expect(await store.readStreamSince(s('since-none'), { version: 1, hash: held[0]!.hash })).toBeNull();
    });

    it('applies upcasters on every read, leaving the stored event (and its hash) as written', async () => {
      const stream = s('upcast');
      // Positions may be sparse (KurrentDB: byte offsets), so read from a position the store gave.
      const before = await store.lastPosition();
      await store.append(stream, [ev('ContractRenamedField', { amountKr: 5220 })], { expectedVersion: 'no_stream' });
      const [e] = await store.readStream(stream);
      expect(e!.schemaVersion).toBe(2);
      expect(e!.data).toEqual({ amountOre: 522000 });
      const fromAll = (await store.readAll({ fromPosition: before, limit: 10 })).find((x) => x.id === e!.id);
      expect(fromAll?.data).toEqual({ amountOre: 522000 });
      expect((await store.verifyStream(stream)).ok).toBe(true);
    });
  });
}

function count(db: Database.Database): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM seen').get() as { n: number }).n;
}

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
