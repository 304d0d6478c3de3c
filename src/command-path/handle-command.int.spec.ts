import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConcurrencyError } from '../event-store/event-store.port.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import type { CommandContext, Decider, DomainEvent } from './decider.js';
import { handleCommand, IdempotencyKeyReusedError } from './handle-command.js';

/** A tiny counter decider: enough to exercise the path without the case domain. */
type Counter = { n: number };
const counter: Decider<Counter, { add: number }> = {
  initialState: { n: 0 },
  evolve: (s, e) => (e.type === 'Added' ? { n: s.n + (e.data as { add: number }).add } : s),
  decide: (c) => [{ type: 'Added', data: { add: c.add } }],
};

const ctx = (over: Partial<CommandContext> = {}): CommandContext => ({
  actor: 'hl-anna',
  role: 'handlaggare',
  correlationId: 'corr-1',
  now: new Date('2026-11-23T09:00:00Z'),
  ...over,
});

describe('the command path', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = new SqliteEventStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  it('loads, decides, appends with the loaded version and stamps who, when and why on the event', async () => {
    const r = await handleCommand(store, 's', counter, { add: 2 }, ctx({ idempotencyKey: 'k1', requestHash: 'h1' }));
    expect(r.version).toBe(1);
    expect(r.state).toEqual({ n: 2 });
    const [e] = await store.readStream('s');
    expect(e!.metadata).toMatchObject({ actor: 'hl-anna', role: 'handlaggare', correlationId: 'corr-1', idempotencyKey: 'k1', requestHash: 'h1', recordedAt: '2026-11-23T09:00:00.000Z' });
  });

  it('retries a lost race when the client gave no If-Match, deciding again on the new state', async () => {
    let calls = 0;
    const racing: Decider<Counter, { add: number }> = {
      ...counter,
      decide: (c, s) => {
        calls += 1;
        // Another writer slips in between this load and this append, the first time only.
        if (calls === 1) void store.append('race', [{ id: crypto.randomUUID(), type: 'Added', schemaVersion: 1, data: { add: 10 }, metadata: ctx() as never }], { expectedVersion: 'any' });
        return counter.decide(c, s);
      },
    };
    await handleCommand(store, 'race', counter, { add: 1 }, ctx());
    const r = await handleCommand(store, 'race', racing, { add: 1 }, ctx());
    expect(calls).toBe(2);
    expect(r.state).toEqual({ n: 12 });
    expect(r.version).toBe(3);
  });

  it('never retries when the client said which version it saw (If-Match): 412 instead', async () => {
    await handleCommand(store, 'm', counter, { add: 1 }, ctx());
    await expect(handleCommand(store, 'm', counter, { add: 1 }, ctx({ expectedVersion: 0 }))).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await store.readStream('m')).toHaveLength(1);
  });

  it('answers a retried request from the log (same key, same body) without deciding again', async () => {
    const first = await handleCommand(store, 'i', counter, { add: 5 }, ctx({ idempotencyKey: 'pay-dec', requestHash: 'same' }));
    const again = await handleCommand(store, 'i', { ...counter, decide: () => { throw new Error('must not decide again'); } }, { add: 5 }, ctx({ idempotencyKey: 'pay-dec', requestHash: 'same' }));
    expect(again.replayed).toBe(true);
    expect(again.events).toEqual(first.events);
    expect(await store.readStream('i')).toHaveLength(1);
    await expect(handleCommand(store, 'i', counter, { add: 6 }, ctx({ idempotencyKey: 'pay-dec', requestHash: 'other' }))).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('collapses two copies of one request racing past every check into one write (ids from the key)', async () => {
    const [a, b] = await Promise.all([
      handleCommand(store, 'twin', counter, { add: 1 }, ctx({ idempotencyKey: 'twin-1', requestHash: 'h' })),
      handleCommand(store, 'twin', counter, { add: 1 }, ctx({ idempotencyKey: 'twin-1', requestHash: 'h' })),
    ]);
    expect(a.events[0]!.id).toBe(b.events[0]!.id);
    expect(await store.readStream('twin')).toHaveLength(1);
  });

  it('writes nothing when the decider produces no facts', async () => {
    const none: Decider<Counter, null> = { ...counter, decide: (): DomainEvent[] => [] };
    const r = await handleCommand(store, 'none', none, null, ctx());
    expect(r.version).toBe(0);
    expect(await store.lastPosition()).toBe(0);
  });
});
