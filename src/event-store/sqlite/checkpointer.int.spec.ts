import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tempStoreFiles } from '../../../test/support/temp-store.js';
import type { NewEvent } from '../event-store.port.js';
import { SqliteEventStore } from './sqlite-event-store.js';

const event = (i: number): NewEvent => ({
  id: randomUUID(),
  type: 'CaseNoteAdded',
  schemaVersion: 1,
  data: { i, note: 'x'.repeat(900) },
  metadata: { actor: 'hl-anna', role: 'handlaggare', correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: '2026-11-23T10:00:00.000Z' },
});

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('WAL checkpoints in a thread of their own', () => {
  const files = tempStoreFiles('bistand-checkpoint-');

  it('given appends, then the thread copies the WAL into the database while the writer only commits, and closing leaves no WAL', async () => {
    const store = new SqliteEventStore(files.path);
    // No thread until something is written (a store that only reads needs none).
    expect(store.stats().checkpoints).toMatchObject({ running: false, checkpoints: 0 });
    // The writer's own automatic checkpoint is only a backstop far above what these appends write.
    expect(store.rawDatabase().pragma('wal_autocheckpoint', { simple: true })).toBe(20_000);
    for (let s = 0; s < 20; s++) await Promise.all(Array.from({ length: 25 }, (_, i) => store.append(`case-${s}-${i}`, [event(i)], { expectedVersion: 'no_stream' })));
    await until(() => (store.stats().checkpoints?.pages ?? 0) > 0);
    expect(store.stats().checkpoints).toMatchObject({ running: true, lastError: null });
    expect(await store.readStream('case-19-24')).toHaveLength(1);
    await store.close();
    expect(existsSync(`${files.path}-wal`)).toBe(false);
    const again = new SqliteEventStore(files.path, undefined, { checkpoints: 'inline' });
    expect(await again.lastPosition()).toBe(500);
    await again.close();
  });

  it('inline: SQLite checkpoints inside COMMIT as by default, and no thread runs', async () => {
    const store = new SqliteEventStore(files.path, undefined, { checkpoints: 'inline' });
    expect(store.rawDatabase().pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(store.stats().checkpoints).toBeNull();
    await store.close();
  });

  it('an in-memory store has no thread (nothing to share a file with)', async () => {
    const store = new SqliteEventStore(':memory:');
    expect(store.stats().checkpoints).toBeNull();
    await store.close();
  });
});
