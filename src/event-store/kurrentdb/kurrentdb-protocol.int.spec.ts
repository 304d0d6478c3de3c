import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { StoreUnavailableError, type NewEvent, type RecordedEvent } from '../event-store.port.js';
import { eventStoreContract } from '../testing/event-store.contract.js';
import { UpcasterRegistry } from '../upcasters.js';
import { KurrentDbEventStore } from './kurrentdb-event-store.js';
import { KurrentDbTestServer } from './testing/kurrentdb-test-server.js';

/*
 * The KurrentDB leg that always runs: the real @kurrent/kurrentdb-client against the in-memory
 * protocol test server (see the limits at the top of testing/kurrentdb-test-server.ts). A stats event
 * every 200 ms keeps system events flowing through history and live delivery, as on a real node.
 */
eventStoreContract('kurrentdb via protocol test server', async (upcasters) => {
  const server = await KurrentDbTestServer.start({ systemEventIntervalMs: 200 });
  let store = new KurrentDbEventStore(server.connectionString, upcasters);
  return {
    store,
    // A restart of both sides: the store is closed, the server restarted with its log, a new store opened.
    reopen: async () => {
      await store.close();
      await server.restart({ keepLog: true });
      store = new KurrentDbEventStore(server.connectionString, upcasters);
      return store;
    },
    tamper: async (stream, version) => {
      server.tamperWithEvent(stream, version - 1, (data) => Buffer.from(data.toString('utf8').replace('2026-12', '2026-11'), 'utf8'));
    },
    cleanup: async () => {
      await store.close();
      await server.stop();
    },
  };
});

describe('kurrentdb adapter over the wire: server restarts and log positions (protocol test server)', () => {
  let server: KurrentDbTestServer;
  let store: KurrentDbEventStore;

  beforeAll(async () => {
    server = await KurrentDbTestServer.start({ systemEventIntervalMs: 50 });
    store = new KurrentDbEventStore(server.connectionString, new UpcasterRegistry(), { resubscribeMinDelayMs: 20, resubscribeMaxDelayMs: 200 });
  });
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  const ev = (i: number): NewEvent => ({
    id: randomUUID(),
    type: 'Tick',
    schemaVersion: 1,
    data: { i },
    metadata: { actor: 'system', role: 'system', correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: '2026-11-23T10:00:00.000Z' },
  });

  it('resubscribes from its checkpoint when the server stops mid-history and again when live: nothing skipped, nothing twice', async () => {
    const stream = `restart-${randomUUID()}`;
    const ids: string[] = [];
    const append = async (n: number) => {
      for (let k = 0; k < n; k++) {
        const e = ev(ids.length);
        await store.append(stream, [e], { expectedVersion: ids.length });
        ids.push(e.id);
      }
    };
    await append(60);

    const seen: RecordedEvent[] = [];
    const errors: unknown[] = [];
    const sub = store.subscribeToAll({
      batchSize: 3,
      onEvents: async (events) => {
        seen.push(...events.filter((e) => e.stream === stream));
        await sleep(10); // a handler slow enough that the stop lands mid-history
      },
      onError: (e) => errors.push(e),
    });

    // 1. Stop while history is being delivered.
    await waitFor(() => seen.length >= 15);
    const startsBefore = server.stats.subscriptions;
    await server.stop();
    expect(seen.length).toBeLessThan(60);
    await expect(store.append(stream, [ev(-1)], { expectedVersion: 'any' })).rejects.toBeInstanceOf(StoreUnavailableError);
    await waitFor(() => errors.length >= 1);
    await sleep(150); // a few failed resubscribes while the server is down
    await server.start(); // same port, log kept
    await sub.caughtUp;
    await waitFor(() => seen.length === 60);

    // 2. Stop again while live, write after the restart (once the store reaches the server again:
    // the client's first call after a restart may still meet its dead connection).
    await server.restart();
    await reachable(store);
    await append(20);
    await waitFor(() => seen.length === 80);
    await sleep(200); // anything extra would arrive now
    await sub.stop();

    expect(seen.map((e) => e.id)).toEqual(ids);
    expect(seen.map((e) => e.version)).toEqual(ids.map((_, i) => i + 1));
    const positions = seen.map((e) => e.globalPosition);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(errors.every((e) => e instanceof StoreUnavailableError)).toBe(true);
    expect(server.stats.subscriptions).toBeGreaterThan(startsBefore); // it did resubscribe
    await waitFor(() => server.stats.activeSubscriptions === 0); // and stop() ended it on the server too
  });

  it('starts reads and subscriptions from a position that is no event\'s (the server refuses to read inside a record)', async () => {
    const stream = `positions-${randomUUID()}`;
    for (let i = 0; i < 8; i++) await store.append(stream, [ev(i)], { expectedVersion: i });
    for (let i = 0; i < 5; i++) await store.append(`${stream}-later`, [ev(i)], { expectedVersion: i });
    const mine = (await store.readAll({ limit: 100_000 })).filter((e) => e.stream === stream);
    const target = mine[4]!;
    // A fresh store knows no positions, and looks back only 3 events: the start is far back.
    const fresh = new KurrentDbEventStore(server.connectionString, new UpcasterRegistry(), { positionLookupWindow: 3 });
    try {
      const fromCheckpoint = await fresh.readAll({ fromPosition: mine[3]!.globalPosition, limit: 1 });
      expect(fromCheckpoint.map((e) => e.id)).toEqual([target.id]);
      const refusedBefore = server.stats.invalidPositions;
      const fromInside = await fresh.readAll({ fromPosition: target.globalPosition - 1, limit: 1 });
      expect(fromInside.map((e) => e.id)).toEqual([target.id]);
      expect(server.stats.invalidPositions).toBeGreaterThan(refusedBefore); // the adapter's probe was refused, and it recovered
      const got: RecordedEvent[] = [];
      const sub = fresh.subscribeToAll({ fromPosition: target.globalPosition - 1, onEvents: (events) => void got.push(...events.filter((e) => e.stream === stream)) });
      await sub.caughtUp;
      await sub.stop();
      expect(got.map((e) => e.id)).toEqual(mine.slice(4).map((e) => e.id));
    } finally {
      await fresh.close();
    }
  });
});

async function reachable(store: KurrentDbEventStore, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await store.health()).reachable) {
    if (Date.now() > until) throw new Error('the store did not reach the restarted server in time');
    await sleep(20);
  }
}

async function waitFor(cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(10);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
