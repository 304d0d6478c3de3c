import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { tempStoreFiles } from '../../../test/support/temp-store.js';
import { chainHash } from '../chain.js';
import { ChainBrokenError, type NewEvent, type RecordedEvent } from '../event-store.port.js';
import { scanChains } from './chain-scan.js';
import { SqliteEventStore } from './sqlite-event-store.js';
import { EVENTS_DICTIONARY, loadZstd } from './zstd.js';

/** A decision as the service writes one: enough JSON for the dictionary to matter. */
const decision = (month: string, amount: number): NewEvent => ({
  id: randomUUID(),
  type: 'DecisionMade',
  schemaVersion: 1,
  data: {
    decisionId: randomUUID(),
    month,
    outcome: 'granted',
    amountOre: amount,
    lines: [
      { kind: 'riksnorm', label: 'Riksnorm för en vuxen', amountOre: 352_000 },
      { kind: 'rent', label: 'Boendekostnad', amountOre: 650_000 },
    ],
    law: { ref: 'SoL 4 kap. 1 §', text: 'Den som inte själv kan tillgodose sina behov eller kan få dem tillgodosedda på annat sätt har rätt till bistånd.' },
  },
  metadata: { actor: 'hl-anna', role: 'handlaggare', correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: '2026-11-23T10:00:00.000Z' },
});

const withoutPosition = (events: RecordedEvent[]) => events.map(({ globalPosition: _, ...e }) => e);

describe('events packed with zstd below the hash chain', () => {
  const files = tempStoreFiles('bistand-zstd-');

  /** The stored columns as they are in the file, on a connection of our own. */
  const stored = (stream: string) => {
    const db = new Database(files.path, { readonly: true });
    try {
      return db.prepare<[string], { version: number; data: unknown; metadata: unknown; hash: string }>('SELECT version, data, metadata, hash FROM events WHERE stream = ? ORDER BY version').all(stream);
    } finally {
      db.close();
    }
  };
  const behindTheBack = (sql: string, ...params: unknown[]) => {
    const db = new Database(files.path);
    loadZstd(db);
    db.prepare(sql).run(...params);
    db.close();
  };

  it('given a new store, when events are appended, then data and metadata are stored packed with the file\'s dictionary, hashes as their 32 bytes, and all read back as written, hashed as before', async () => {
    const store = new SqliteEventStore(files.path);
    const events = [decision('2026-12', 1_002_000), decision('2027-01', 998_000)];
    try {
      expect(store.dictionaryId).toBe(EVENTS_DICTIONARY.id);
      await store.append('case-a', events, { expectedVersion: 'no_stream' });
      const read = await store.readStream('case-a', { verify: true });
      expect(read.map((e) => [e.id, e.data, e.metadata])).toEqual(events.map((e) => [e.id, e.data, e.metadata]));
      // The chain is over the canonical JSON, not over what is stored.
      expect(read[0]!.hash).toBe(chainHash(events[0]!, null));
      expect(read[1]!.hash).toBe(chainHash(events[1]!, read[0]!.hash));
      expect(await store.readAll()).toHaveLength(2);
      const projected = await store.readForProjections({ fromPosition: 0, limit: 10, types: ['DecisionMade'] });
      expect(projected.events.map((e) => [e.data, e.metadata])).toEqual(events.map((e) => [e.data, e.metadata]));
    } finally {
      await store.close();
    }
    for (const row of stored('case-a')) {
      expect(row.data).toBeInstanceOf(Buffer);
      expect(row.metadata).toBeInstanceOf(Buffer);
      expect((row.data as Buffer)[0]).toBe(EVENTS_DICTIONARY.id);
      expect((row.data as Buffer).length).toBeLessThan(JSON.stringify(events[0]!.data).length / 2);
      expect(row.hash).toBeInstanceOf(Buffer);
      expect((row.hash as unknown as Buffer).length).toBe(32);
    }
    const db = new Database(files.path, { readonly: true });
    expect(db.prepare('SELECT id, sha256, length(dict) AS size FROM zstd_dictionaries').all()).toEqual([{ id: EVENTS_DICTIONARY.id, sha256: EVENTS_DICTIONARY.sha256, size: 65_536 }]);
    db.close();
  });

  it('given the writer thread, when events are appended, then they are packed the same way', async () => {
    const store = new SqliteEventStore(files.path, undefined, { writer: 'worker' });
    const events = [decision('2026-12', 1_002_000)];
    try {
      await store.append('case-w', events, { expectedVersion: 'no_stream' });
      expect((await store.readStream('case-w', { verify: true }))[0]!.data).toEqual(events[0]!.data);
    } finally {
      await store.close();
    }
    expect(stored('case-w')[0]!.data).toBeInstanceOf(Buffer);
  });

  it('given a file of text rows (written without the extension), when it is opened with it, then old and new rows read alike and every chain holds', async () => {
    const old = new SqliteEventStore(files.path, undefined, { zstdExtension: null });
    const before = [decision('2026-11', 1_000_000), decision('2026-12', 1_002_000)];
    await old.append('case-m', before, { expectedVersion: 'no_stream' });
    expect(old.dictionaryId).toBeNull();
    await old.close();
    expect(stored('case-m').map((r) => typeof r.data)).toEqual(['string', 'string']);

    const store = new SqliteEventStore(files.path);
    const after = [decision('2027-01', 998_000)];
    try {
      await store.append('case-m', after, { expectedVersion: 2 });
      const read = await store.readStream('case-m', { verify: true });
      expect(read.map((e) => e.data)).toEqual([...before, ...after].map((e) => e.data));
      expect(await store.verifyStream('case-m')).toMatchObject({ ok: true, events: 3 });
      expect(withoutPosition(await store.readAll())).toEqual(withoutPosition(read));
    } finally {
      await store.close();
    }
    expect(stored('case-m').map((r) => (r.data instanceof Buffer ? 'packed' : 'text'))).toEqual(['text', 'text', 'packed']);
    expect(stored('case-m').map((r) => typeof r.hash)).toEqual(['string', 'string', 'object']);
    const db = new Database(files.path, { readonly: true });
    loadZstd(db);
    expect(scanChains(db)).toMatchObject({ events: 3, broken: [] });
    db.close();
  });

  it('given packed rows changed behind the store\'s back, then each is a broken link: content rewritten as text, a byte of the packed value flipped, another event\'s packed value', async () => {
    const store = new SqliteEventStore(files.path);
    for (const s of ['case-a', 'case-b', 'case-c', 'case-d']) await store.append(s, [decision('2026-11', 1_000_000), decision('2026-12', 1_002_000)], { expectedVersion: 'no_stream' });
    await store.close();
    behindTheBack("UPDATE events SET data = replace(zstd_text(data), '1002000', '1902000') WHERE stream = 'case-a' AND version = 2");
    behindTheBack("UPDATE events SET data = CAST(substr(data, 1, 20) || X'FF' || substr(data, 22) AS BLOB) WHERE stream = 'case-b' AND version = 2");
    behindTheBack("UPDATE events SET metadata = (SELECT metadata FROM events WHERE stream = 'case-d' AND version = 1) WHERE stream = 'case-c' AND version = 1");
    // …and case-d's first hash stored as text, as it reads: nothing changed, the chain holds.
    behindTheBack("UPDATE events SET hash = hash_text(hash) WHERE stream = 'case-d' AND version = 1");
    expect(stored('case-b')[1]!.data).toBeInstanceOf(Buffer);

    const s = new SqliteEventStore(files.path);
    try {
      for (const [stream, version] of [['case-a', 2], ['case-b', 2], ['case-c', 1]] as const) {
        const error = await s.readStream(stream, { verify: true }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ChainBrokenError);
        expect((error as ChainBrokenError).verification).toMatchObject({ stream, firstBroken: { version, reason: expect.stringMatching(/^content changed/) } });
      }
      await expect(s.readStream('case-d', { verify: true })).resolves.toHaveLength(2);
    } finally {
      await s.close();
    }
    const db = new Database(files.path, { readonly: true });
    loadZstd(db);
    expect(scanChains(db).broken.map((b) => [b.stream, b.firstBroken?.version])).toEqual([
      ['case-a', 2],
      ['case-b', 2],
      ['case-c', 1],
    ]);
    db.close();
  });

  it('given a file with packed rows, when the extension cannot be loaded, then the store refuses to open it and says why', async () => {
    const store = new SqliteEventStore(files.path);
    await store.append('case-a', [decision('2026-12', 1_002_000)], { expectedVersion: 'no_stream' });
    await store.close();
    expect(() => new SqliteEventStore(files.path, undefined, { zstdExtension: join(files.dir, 'missing.so') })).toThrow(/holds zstd-compressed events \(dictionaries 1\) but the zstd extension did not load \(.*missing\.so/);
    expect(() => new SqliteEventStore(files.path, undefined, { zstdExtension: null })).toThrow(/holds zstd-compressed events/);
  });

  it('given no extension and a file of text rows, when events are appended, then the store works as before, uncompressed', async () => {
    const store = new SqliteEventStore(files.path, undefined, { zstdExtension: join(files.dir, 'missing.so') });
    const events = [decision('2026-12', 1_002_000)];
    try {
      expect(store.dictionaryId).toBeNull();
      await store.append('case-a', events, { expectedVersion: 'no_stream' });
      expect((await store.readStream('case-a', { verify: true }))[0]!.data).toEqual(events[0]!.data);
      expect((await store.readForProjections({ fromPosition: 0, limit: 10 })).events).toHaveLength(1);
    } finally {
      await store.close();
    }
    expect(typeof stored('case-a')[0]!.data).toBe('string');
  });
});
