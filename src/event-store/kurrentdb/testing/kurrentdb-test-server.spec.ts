import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  binaryEvent,
  excludeSystemEvents,
  jsonEvent,
  persistentSubscriptionToStreamSettingsFromDefaults,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type Position,
  type ResolvedEvent,
  type StreamSubscription,
  type AllStreamSubscription,
} from '@kurrent/kurrentdb-client';
import { randomUUID } from 'node:crypto';
import { KurrentDbTestServer } from './kurrentdb-test-server.js';

/*
 * Pins the protocol test server's behaviour with the real client, on the examples KurrentDB documents
 * (Node.js client docs: appending-events, reading-events, subscriptions) and, where the docs are
 * silent, on what the server's own request handling does (cited in kurrentdb-test-server.ts).
 */

let server: KurrentDbTestServer;
let client: KurrentDBClient;

beforeAll(async () => {
  server = await KurrentDbTestServer.start();
  client = KurrentDBClient.connectionString(server.connectionString);
});
afterAll(async () => {
  await client?.dispose();
  await server?.stop();
});

const name = (s: string) => `${s}-${randomUUID()}`;
const order = (n: number) => jsonEvent({ type: 'OrderPlaced', data: { orderId: `order-${n}`, totalAmount: 99.99 } });

async function readStream(stream: string, options: Parameters<KurrentDBClient['readStream']>[1] = {}): Promise<ResolvedEvent[]> {
  const out: ResolvedEvent[] = [];
  for await (const e of client.readStream(stream, options)) out.push(e);
  return out;
}

async function readAll(options: Parameters<KurrentDBClient['readAll']>[0] = {}): Promise<AllStreamResolvedEvent[]> {
  const out: AllStreamResolvedEvent[] = [];
  for await (const e of client.readAll(options)) out.push(e);
  return out;
}

describe('appending (docs: appending-events)', () => {
  it('appends the same event (same id) only once when it is appended twice in quick succession', async () => {
    const stream = name('orders');
    const event = order(1);
    const first = await client.appendToStream(stream, event);
    const second = await client.appendToStream(stream, event);
    expect(second.nextExpectedRevision).toBe(first.nextExpectedRevision);
    expect(second.position).toEqual(first.position);
    expect((await readStream(stream)).map((e) => e.event?.id)).toEqual([event.id]);
  });

  it('refuses a second append expecting no stream, saying where the stream is', async () => {
    const stream = name('order-123-stream');
    await client.appendToStream(stream, order(1), { streamState: NO_STREAM });
    const error = await client.appendToStream(stream, order(2), { streamState: NO_STREAM }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect((error as WrongExpectedVersionError).expectedState).toBe(NO_STREAM);
    expect((error as WrongExpectedVersionError).actualState).toBe(0n);
    expect(await readStream(stream)).toHaveLength(1);
  });

  it('lets only the first of two writers holding the same revision append (optimistic concurrency)', async () => {
    const stream = name('order-12345');
    await client.appendToStream(stream, [order(1), order(2)], { streamState: NO_STREAM });
    let revision = -1n;
    for (const { event } of await readStream(stream, { fromRevision: START, direction: FORWARDS })) revision = event?.revision ?? revision;
    expect(revision).toBe(1n);
    const payment = jsonEvent({ type: 'PaymentProcessed', data: { amount: 149.99 } });
    const cancel = jsonEvent({ type: 'OrderCancelled', data: { reason: 'customer-request' } });
    const ok = await client.appendToStream(stream, payment, { streamState: revision });
    expect(ok.success).toBe(true);
    expect(ok.nextExpectedRevision).toBe(2n);
    expect(ok.position?.commit).toBeGreaterThan(0n);
    const error = await client.appendToStream(stream, cancel, { streamState: revision }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect((error as WrongExpectedVersionError).expectedState).toBe(1n);
    expect((error as WrongExpectedVersionError).actualState).toBe(2n);
  });

  it('refuses stream_exists for a stream that does not exist, and accepts it once the stream does', async () => {
    const stream = name('exists');
    const error = await client.appendToStream(stream, order(1), { streamState: STREAM_EXISTS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect((error as WrongExpectedVersionError).actualState).toBe(NO_STREAM);
    await client.appendToStream(stream, order(1), { streamState: NO_STREAM });
    expect((await client.appendToStream(stream, order(2), { streamState: STREAM_EXISTS })).nextExpectedRevision).toBe(1n);
  });

  it('treats a retried batch at its original expected revision as idempotent, and a partly different one as a conflict', async () => {
    const stream = name('retry');
    const batch = [order(1), order(2), order(3)];
    const first = await client.appendToStream(stream, batch, { streamState: NO_STREAM });
    await client.appendToStream(stream, order(4), { streamState: 2n }); // the stream moved on
    const retry = await client.appendToStream(stream, batch, { streamState: NO_STREAM });
    expect(retry.nextExpectedRevision).toBe(first.nextExpectedRevision); // the batch's last revision, not the stream's
    expect(retry.position).toEqual(first.position);
    const mixed = [batch[0]!, order(9)];
    await expect(client.appendToStream(stream, mixed, { streamState: NO_STREAM })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(await readStream(stream)).toHaveLength(4);
  });

  it('refuses what it does not implement instead of storing it without effect', async () => {
    const stream = name('meta');
    await client.appendToStream(stream, order(1));
    await expect(client.setStreamMetadata(stream, { maxCount: 1 })).rejects.toThrow(/not implemented/);
    await expect(client.deleteStream(stream)).rejects.toThrow(/not implemented/);
    await expect(client.tombstoneStream(stream)).rejects.toThrow(/not implemented/);
    await expect(client.createPersistentSubscriptionToStream(stream, 'group', persistentSubscriptionToStreamSettingsFromDefaults())).rejects.toThrow(/UNIMPLEMENTED/);
    expect(await readStream(stream)).toHaveLength(1);
  });
});

describe('reading (docs: reading-events)', () => {
  const stream = name('some-stream');
  const ids: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 25; i++) {
      const e = jsonEvent({ type: 'Tick', data: { i }, metadata: { correlationId: `c-${i}` } });
      ids.push(e.id);
      await client.appendToStream(stream, e);
    }
  });

  it('reads a stream forwards from a revision, at most maxCount events', async () => {
    const events = await readStream(stream, { direction: FORWARDS, fromRevision: 10n, maxCount: 10 });
    expect(events.map((e) => e.event?.revision)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(10 + i)));
  });

  it('reads a stream backwards from the end', async () => {
    const events = await readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 10 });
    expect(events.map((e) => e.event?.revision)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(24 - i)));
    expect(events[0]!.event?.id).toBe(ids[24]);
  });

  it('throws StreamNotFoundError while iterating a stream that does not exist', async () => {
    await expect(readStream(name('never-written'), { direction: FORWARDS, fromRevision: 10n, maxCount: 20 })).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('maps every field: id, type, content type, created, revision, positions, data and metadata', async () => {
    const s = name('fields');
    const before = Date.now();
    const json = jsonEvent({ type: 'OrderPlaced', data: { orderId: 'order-123' }, metadata: { source: 'web' } });
    const bytes = binaryEvent({ type: 'Blob', data: Uint8Array.from([0, 1, 2, 255]) });
    const appended = await client.appendToStream(s, [json, bytes], { streamState: NO_STREAM });
    const [a, b] = await readStream(s);
    expect(a!.event).toMatchObject({ streamId: s, id: json.id, type: 'OrderPlaced', revision: 0n, isJson: true, data: { orderId: 'order-123' }, metadata: { source: 'web' } });
    expect(b!.event).toMatchObject({ streamId: s, id: bytes.id, type: 'Blob', revision: 1n, isJson: false });
    expect(Array.from(b!.event!.data as Uint8Array)).toEqual([0, 1, 2, 255]);
    expect(b!.event!.position).toEqual(appended.position); // the append answers the last event's position
    expect(a!.event!.position!.commit).toBeLessThan(b!.event!.position!.commit);
    expect(a!.event!.position!.prepare).toBe(a!.event!.position!.commit);
    for (const e of [a!, b!]) {
      expect(e.event!.created.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(e.event!.created.getTime()).toBeLessThanOrEqual(Date.now());
    }
  });

  it('returns system events from $all unless filtered, and reads $all backwards from the end (the last position)', async () => {
    const all = await readAll({ direction: FORWARDS, fromPosition: START });
    expect(all.some((e) => e.event?.type.startsWith('$'))).toBe(true);
    const positions = all.map((e) => e.event!.position.commit);
    expect([...positions].sort((x, y) => (x < y ? -1 : 1))).toEqual(positions);
    const filtered = await readAll({ fromPosition: START, filter: excludeSystemEvents() });
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((e) => !e.event?.type.startsWith('$'))).toBe(true);
    const [last] = await readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
    expect(last!.event!.position).toEqual(all[all.length - 1]!.event!.position);
  });

  it('reads $all forwards from an event position inclusively, backwards exclusively, and refuses a position inside a record', async () => {
    const all = await readAll({ fromPosition: START, filter: streamNameFilter({ prefixes: [stream] }) });
    const middle = all[10]!.event!.position;
    const forwards = await readAll({ fromPosition: middle, maxCount: 1 });
    expect(forwards[0]!.event!.id).toBe(all[10]!.event!.id);
    const backwards = await readAll({ direction: BACKWARDS, fromPosition: middle, maxCount: 1 });
    expect(backwards[0]!.event!.id).toBe(all[9]!.event!.id);
    const inside: Position = { commit: middle.commit + 1n, prepare: middle.prepare + 1n };
    await expect(readAll({ fromPosition: inside, maxCount: 1 })).rejects.toThrow(/invalid position/);
  });
});

describe('catch-up subscriptions (docs: subscriptions)', () => {
  function follow<T extends { event?: { type: string } }>(sub: StreamSubscription | AllStreamSubscription) {
    const got: T[] = [];
    const marks: string[] = [];
    sub.on('data', (e: unknown) => {
      got.push(e as T);
      marks.push('event');
    });
    sub.on('confirmation', () => marks.push('confirmation'));
    sub.on('caughtUp', () => marks.push('caughtUp'));
    return { got, marks };
  }

  it('subscribes to $all excluding system events: confirmation, history, caught up, then live, with checkpoints', async () => {
    const prefix = name('sub-all');
    for (let i = 0; i < 40; i++) await client.appendToStream(`${prefix}-${i % 3}`, jsonEvent({ type: 'Tick', data: { i } }));
    server.writeSystemEvent();
    const checkpoints: Position[] = [];
    const sub = client.subscribeToAll({
      fromPosition: START,
      filter: excludeSystemEvents({ checkpointReached: (_s, position) => void checkpoints.push(position) }),
    });
    const { got, marks } = follow<AllStreamResolvedEvent>(sub);
    await new Promise((resolve) => sub.once('caughtUp', resolve));
    const history = got.length;
    const mine = () => got.filter((e) => e.event?.streamId.startsWith(prefix));
    expect(mine()).toHaveLength(40);
    const live = jsonEvent({ type: 'Tock', data: {} });
    await client.appendToStream(`${prefix}-live`, live);
    server.writeSystemEvent();
    await waitFor(() => got.length > history);
    await sub.unsubscribe();

    expect(got.every((e) => !e.event!.type.startsWith('$'))).toBe(true);
    expect(got[got.length - 1]!.event!.id).toBe(live.id);
    expect(marks[0]).toBe('confirmation');
    expect(marks.indexOf('caughtUp')).toBe(history + 1);
    // "a checkpoint notification is sent after every 32 events" considered, and one as history ends
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    const commits = checkpoints.map((p) => p.commit);
    expect([...commits].sort((x, y) => (x < y ? -1 : 1))).toEqual(commits);
    expect(commits[commits.length - 1]).toBeGreaterThanOrEqual(got[history - 1]!.event!.position.commit);
  });

  it('filters by stream name prefix on the server', async () => {
    const prefix = name('user');
    await client.appendToStream(`${prefix}-1`, order(1));
    await client.appendToStream(name('other'), order(2));
    await client.appendToStream(`${prefix}-2`, order(3));
    const sub = client.subscribeToAll({ fromPosition: START, filter: streamNameFilter({ prefixes: [prefix] }) });
    const { got } = follow<AllStreamResolvedEvent>(sub);
    await new Promise((resolve) => sub.once('caughtUp', resolve));
    await sub.unsubscribe();
    expect(got.map((e) => e.event!.streamId)).toEqual([`${prefix}-1`, `${prefix}-2`]);
  });

  it('starts after the given position or revision ("positions provided to subscriptions are exclusive"), or at the end for live only', async () => {
    const stream = name('orders');
    for (let i = 0; i < 25; i++) await client.appendToStream(stream, order(i));
    const fromRevision = client.subscribeToStream(stream, { fromRevision: 20n });
    const a = follow<ResolvedEvent>(fromRevision);
    await new Promise((resolve) => fromRevision.once('caughtUp', resolve));
    expect(a.got.map((e) => e.event!.revision)).toEqual([21n, 22n, 23n, 24n]);

    const events = await readStream(stream);
    const fromPosition = client.subscribeToAll({ fromPosition: events[22]!.event!.position!, filter: streamNameFilter({ prefixes: [stream] }) });
    const b = follow<AllStreamResolvedEvent>(fromPosition);
    await new Promise((resolve) => fromPosition.once('caughtUp', resolve));
    expect(b.got.map((e) => e.event!.revision)).toEqual([23n, 24n]);

    const liveOnly = client.subscribeToStream(stream, { fromRevision: END });
    const c = follow<ResolvedEvent>(liveOnly);
    await new Promise((resolve) => liveOnly.once('caughtUp', resolve));
    await client.appendToStream(stream, order(25));
    await waitFor(() => c.got.length === 1 && a.got.length === 5 && b.got.length === 3);
    expect(c.got[0]!.event!.revision).toBe(25n);
    await Promise.all([fromRevision.unsubscribe(), fromPosition.unsubscribe(), liveOnly.unsubscribe()]);
  });
});

describe('stop and restart on the same port', () => {
  it('keeps the log across a restart (revisions and positions continue) and forgets the any-idempotency cache', async () => {
    const s = await KurrentDbTestServer.start();
    const c = KurrentDBClient.connectionString(s.connectionString);
    try {
      const stream = name('kept');
      const event = order(1);
      const first = await c.appendToStream(stream, event, { streamState: NO_STREAM });
      const port = s.port;
      await s.restart();
      expect(s.port).toBe(port);
      const second = await reconnected(() => c.appendToStream(stream, order(2), { streamState: 0n }));
      expect(second.nextExpectedRevision).toBe(1n);
      expect(second.position!.commit).toBeGreaterThan(first.position!.commit);
      // An exact-revision retry is checked against the stored stream: still idempotent.
      expect((await c.appendToStream(stream, event, { streamState: NO_STREAM })).nextExpectedRevision).toBe(0n);
      // An any-retry is checked against recent ids only, which a restart forgets: KurrentDB appends it again.
      await c.appendToStream(stream, event);
      expect((await readStream2(c, stream)).map((e) => e.event?.id)).toEqual([event.id, expect.any(String), event.id]);

      await s.stop();
      await expect(c.appendToStream(stream, order(3))).rejects.toThrow();
      await s.start({ keepLog: false });
      await expect(reconnected(() => readStream2(c, stream))).rejects.toBeInstanceOf(StreamNotFoundError);
    } finally {
      await c.dispose();
      await s.stop();
    }
  });
});

/** The first call after a restart may meet the client's dead connection (UNAVAILABLE) while it reconnects. */
async function reconnected<T>(operation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!(error instanceof UnavailableError) || attempt >= 20) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function readStream2(c: KurrentDBClient, stream: string): Promise<ResolvedEvent[]> {
  const out: ResolvedEvent[] = [];
  for await (const e of c.readStream(stream)) out.push(e);
  return out;
}

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
