import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ConcurrencyError, type NewEvent } from '../event-store.port.js';
import { eventStoreContract } from '../testing/event-store.contract.js';
import { UpcasterRegistry } from '../upcasters.js';
import { SqliteEventStore } from './sqlite-event-store.js';

eventStoreContract('sqlite', async (upcasters) => {
  const dir = mkdtempSync(join(tmpdir(), 'bistand-contract-'));
  const path = join(dir, 'events.sqlite');
  let store = new SqliteEventStore(path, upcasters);
  return {
    store,
    reopen: async () => {
      await store.close();
      store = new SqliteEventStore(path, upcasters);
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

const ev = (type = 'Tick'): NewEvent => ({
  id: randomUUID(),
  type,
  schemaVersion: 1,
  data: {},
  metadata: { actor: 'x', role: 'system', correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: '2026-11-23T10:00:00.000Z' },
});

describe('sqlite group commit', () => {
  it('writes concurrent appends together, and one caller\'s failed expectation fails only that caller', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bistand-group-'));
    const store = new SqliteEventStore(join(dir, 'e.sqlite'), new UpcasterRegistry());
    await store.append('case-taken', [ev()], { expectedVersion: 'no_stream' });
    const before = store.stats().transactions;
    const appends = Array.from({ length: 100 }, (_, i) => store.append(`case-${i}`, [ev(), ev()], { expectedVersion: 'no_stream' }));
    const bad = store.append('case-taken', [ev()], { expectedVersion: 'no_stream' });
    const results = await Promise.allSettled([...appends, bad]);
    expect(results.slice(0, 100).every((r) => r.status === 'fulfilled')).toBe(true);
    expect((results[100] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
    const transactions = store.stats().transactions - before;
    expect(transactions).toBeLessThanOrEqual(2);
    expect(await store.lastPosition()).toBe(201);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes queued appends before it closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bistand-close-'));
    const path = join(dir, 'e.sqlite');
    const store = new SqliteEventStore(path, new UpcasterRegistry());
    const pending = Array.from({ length: 20 }, (_, i) => store.append(`s-${i}`, [ev()], { expectedVersion: 'any' }));
    await store.close();
    await Promise.all(pending);
    const reopened = new SqliteEventStore(path, new UpcasterRegistry());
    expect(await reopened.lastPosition()).toBe(20);
    await reopened.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
