import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, openSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainBrokenError, StoreDamagedError, type NewEvent } from '../event-store.port.js';
import { UpcasterRegistry } from '../upcasters.js';
import { scanChains } from './chain-scan.js';
import { sqliteFileProblem } from './file-check.js';
import { SqliteEventStore } from './sqlite-event-store.js';
import { loadZstd } from './zstd.js';

const ev = (type: string, data: unknown = {}): NewEvent => ({
  id: randomUUID(),
  type,
  schemaVersion: 1,
  data,
  metadata: { actor: 'hl-anna', role: 'handlaggare', correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt: '2026-11-23T10:00:00.000Z' },
});

describe('what the SQLite store can vouch for', () => {
  let dir: string;
  let path: string;
  let store: SqliteEventStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bistand-integrity-'));
    path = join(dir, 'events.sqlite');
    store = new SqliteEventStore(path, new UpcasterRegistry());
    for (const s of ['case-a', 'case-b', 'case-c']) {
      await store.append(s, [ev('CaseOpened', { name: s }), ev('ApplicationSubmitted', { month: '2026-12' })], { expectedVersion: 'no_stream' });
      await store.append(s, [ev('DecisionMade', { amount: 522_000 })], { expectedVersion: 2 });
    }
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Another connection, as someone editing the file behind the service's back (data and metadata are packed: zstd_text reads them). */
  const behindTheBack = (sql: string, ...params: unknown[]) => {
    const db = new Database(path);
    loadZstd(db);
    db.prepare(sql).run(...params);
    db.close();
  };

  /** A store that has read nothing yet (no verified heads remembered): a service just started. */
  const fresh = () => new SqliteEventStore(path, new UpcasterRegistry());

  it('verifies a stream when it is read for a command, and refuses it from then on', async () => {
    behindTheBack("UPDATE events SET data = replace(zstd_text(data), '2026-12', '2026-11') WHERE stream = 'case-b' AND version = 2");
    const s = fresh();
    try {
      await expect(s.readStream('case-a', { verify: true })).resolves.toHaveLength(3);
      const error = await s.readStream('case-b', { verify: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ChainBrokenError);
      expect((error as ChainBrokenError).verification).toMatchObject({ stream: 'case-b', ok: false, firstBroken: { version: 2, reason: expect.stringMatching(/^content changed/) } });
      await expect(s.assertIntact('case-b')).rejects.toBeInstanceOf(ChainBrokenError);
      // A plain read (tools, the auditor's CLI) still shows it as stored.
      await expect(s.readStream('case-b')).resolves.toHaveLength(3);
      expect(s.integrity()).toMatchObject({ brokenCount: 1, brokenStreams: [{ stream: 'case-b', version: 2 }] });
      // A stream that does not exist is intact (a case about to be opened).
      await expect(s.assertIntact('case-nobody')).resolves.toBeUndefined();
    } finally {
      await s.close();
    }
  });

  it('finds events removed from the end (head row), events without a head, and a hole in the middle', async () => {
    behindTheBack("DELETE FROM events WHERE stream = 'case-a' AND version = 3");
    behindTheBack("DELETE FROM streams WHERE stream = 'case-b'");
    behindTheBack("DELETE FROM events WHERE stream = 'case-c' AND version = 2");
    const s = fresh();
    try {
      await expect(s.assertIntact('case-a')).rejects.toMatchObject({ verification: { firstBroken: { reason: expect.stringMatching(/head does not match|events removed/) } } });
      await expect(s.assertIntact('case-b')).rejects.toMatchObject({ verification: { firstBroken: { reason: expect.stringMatching(/without a stream head/) } } });
      await expect(s.assertIntact('case-c')).rejects.toMatchObject({ verification: { firstBroken: { version: 3, reason: expect.stringMatching(/gap or a reorder/) } } });
    } finally {
      await s.close();
    }
  });

  it('an event whose stored JSON no longer parses is a broken link (503), not a crash (500)', async () => {
    behindTheBack("UPDATE events SET data = '{\"amount\": 5220' WHERE stream = 'case-a' AND version = 3");
    const s = fresh();
    try {
      await expect(s.readStream('case-a', { verify: true })).rejects.toMatchObject({ verification: { firstBroken: { version: 3, reason: expect.stringMatching(/not JSON/) } } });
      const auditor = fresh();
      expect(await auditor.verifyStream('case-a')).toMatchObject({ ok: false, firstBroken: { version: 3 } });
      await auditor.close();
      const db = new Database(path, { readonly: true });
      loadZstd(db);
      expect(scanChains(db).broken.map((b) => [b.stream, b.firstBroken?.version])).toEqual([['case-a', 3]]);
      db.close();
    } finally {
      await s.close();
    }
  });

  it('a row verified earlier whose JSON no longer parses is still a broken link when a timeline reads it event by event', async () => {
    // Given a stream this process has verified (its rows are trusted from then on)
    await store.readStream('case-b', { verify: true });
    // When its second event is made unreadable behind the store's back
    behindTheBack("UPDATE events SET data = '{\"month\": ' WHERE stream = 'case-b' AND version = 2");
    // Then the event-by-event read refuses it where it breaks, and the stream stays refused
    const seen: number[] = [];
    await expect(store.forEachVerified('case-b', (e) => seen.push(e.version))).rejects.toMatchObject({ verification: { firstBroken: { version: 2, reason: expect.stringMatching(/not JSON/) } } });
    expect(seen).toEqual([1]);
    await expect(store.readStream('case-b', { verify: true })).rejects.toBeInstanceOf(ChainBrokenError);
  });

  it('a stream verified earlier whose last hash and head row were both rewritten is hashed whole again and refused where it changed', async () => {
    // Given a stream this process has verified up to version 3 (a read then leaves those rows' prev_hash out)
    await store.readStream('case-a', { verify: true });
    // When its last event's hash, and the head row with it, are replaced behind the store's back
    behindTheBack("UPDATE events SET hash = randomblob(32) WHERE stream = 'case-a' AND version = 3");
    behindTheBack("UPDATE streams SET last_hash = (SELECT hash_text(hash) FROM events WHERE stream = 'case-a' AND version = 3) WHERE stream = 'case-a'");
    // Then the rows are no longer vouched for: read again whole, every link hashed, the break is at version 3
    const seen: number[] = [];
    await expect(store.forEachVerified('case-a', (e) => seen.push(e.version))).rejects.toMatchObject({
      verification: { firstBroken: { version: 3, reason: expect.stringMatching(/^content changed/) } },
    });
    expect(seen).toEqual([]);
    // And a stream still as verified reads with every event's prevHash, as stored
    const b = await store.readStream('case-b', { verify: true });
    const again: Array<string | null> = [];
    await store.forEachVerified('case-b', (e) => again.push(e.prevHash));
    expect(again).toEqual([null, b[0]!.hash, b[1]!.hash]);
  });

  it('the log scan (verify, and the background pass) finds every broken stream in one pass', () => {
    behindTheBack("UPDATE events SET metadata = replace(zstd_text(metadata), 'hl-anna', 'hl-eve') WHERE stream = 'case-a' AND version = 1");
    behindTheBack("DELETE FROM events WHERE stream = 'case-c' AND version = 3");
    const db = new Database(path, { readonly: true });
    loadZstd(db);
    const result = scanChains(db);
    db.close();
    expect(result.events).toBe(8);
    expect(result.broken.map((b) => [b.stream, b.firstBroken?.version])).toEqual([
      ['case-a', 1],
      ['case-c', 3],
    ]);
  });

  it('after a background pass, a read hashes only what came after it; a break found by the pass is refused at once', async () => {
    behindTheBack("UPDATE events SET data = '{\"amount\":1}' WHERE stream = 'case-c' AND version = 3");
    const s = fresh();
    try {
      await s.verifyInBackground();
      expect(s.integrity()).toMatchObject({ file: 'ok', chains: { state: 'done', verifiedThrough: 9, events: 9 }, brokenCount: 1, brokenStreams: [{ stream: 'case-c', version: 3 }] });
      await expect(s.assertIntact('case-c')).rejects.toBeInstanceOf(ChainBrokenError);
      await s.append('case-a', [ev('DecisionCommunicated')], { expectedVersion: 3 });
      await expect(s.readStream('case-a', { verify: true })).resolves.toHaveLength(4);
      // A new event changed behind the back is caught on read: it is after the pass.
      behindTheBack("UPDATE events SET data = '{\"x\":1}' WHERE stream = 'case-a' AND version = 4");
      const other = fresh();
      await other.verifyInBackground();
      behindTheBack("UPDATE events SET data = '{\"x\":2}' WHERE stream = 'case-a' AND version = 4");
      await expect(other.readStream('case-a', { verify: true })).rejects.toBeInstanceOf(ChainBrokenError);
      await other.close();
    } finally {
      await s.close();
    }
  });

  it('says at once, without opening it, that a file is cut short or is no database', async () => {
    await store.close();
    expect(sqliteFileProblem(path)).toBeNull();
    const size = statSync(path).size;
    truncateSync(path, size - 4096);
    expect(sqliteFileProblem(path)).toMatch(/cut short/);
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.from('this is no sqlite database file'), 0, 31, 0);
    expect(sqliteFileProblem(path)).toMatch(/not a SQLite database/);
    truncateSync(path, 50);
    expect(sqliteFileProblem(path)).toMatch(/shorter than a SQLite header/);
    expect(sqliteFileProblem(join(dir, 'none.sqlite'))).toBeNull();
    rmSync(path);
    store = fresh(); // for afterEach
  });

  it('a damaged page found by the background check makes the whole store refuse', async () => {
    // Enough events for the table to span many pages; then one leaf page of it is overwritten.
    for (let i = 0; i < 40; i++) await store.append(`case-x${i}`, Array.from({ length: 20 }, () => ev('Filler', { text: 'x'.repeat(300) })), { expectedVersion: 'no_stream' });
    await store.close();
    const probe = new Database(path, { readonly: true });
    const leaves = (probe.prepare("SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf' ORDER BY pageno").all() as Array<{ pageno: number }>).map((r) => r.pageno);
    const pageSize = probe.pragma('page_size', { simple: true }) as number;
    probe.close();
    const victim = leaves[Math.floor(leaves.length / 2)]!;
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (victim - 1) * pageSize);
    store = fresh();
    await store.verifyInBackground();
    expect(store.integrity()).toMatchObject({ file: 'damaged', fileProblem: expect.stringMatching(/quick_check/) });
    await expect(store.readStream('case-a', { verify: true })).rejects.toBeInstanceOf(StoreDamagedError);
    await expect(store.append('case-a', [ev('X')], { expectedVersion: 'any' })).rejects.toBeInstanceOf(StoreDamagedError);
    expect((await store.health()).reachable).toBe(false);
  });
});
