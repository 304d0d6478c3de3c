import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caseStream } from '../../cases/case-state.js';
import { ChainBrokenError, type NewEvent } from '../../event-store/event-store.port.js';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store.js';
import { loadZstd } from '../../event-store/sqlite/zstd.js';
import { openReadDb } from '../../platform/read-db.js';
import { dropStoredTimeline } from './timeline.module.js';
import { readTimeline, RenderedTimelines, renderedTimelines } from './timeline.reader.js';

const ev = (type: string, recordedAt: string, data: Record<string, unknown>): NewEvent => ({
  id: randomUUID(), type, schemaVersion: 1, data,
  metadata: { actor: 'hl-anna', role: 'handlaggare', correlationId: randomUUID(), causationId: null, idempotencyKey: null, recordedAt },
});

describe('the timeline read from the case stream through the SQLite store', () => {
  const caseId = randomUUID();
  let dir: string;
  let path: string;
  let store: SqliteEventStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bistand-timeline-'));
    path = join(dir, 'events.sqlite');
    store = new SqliteEventStore(path);
    await store.append(caseStream(caseId), [
      ev('CaseOpened', '2026-12-01T09:00:00.000Z', { caseId, household: [{ memberId: 'm1', role: 'applicant' }], unit: 'enhet-nord', caseworker: 'hl-anna', payee: { kind: 'client_account' }, protectedIdentity: false, openedOn: '2026-12-01' }),
      ev('ApplicationSubmitted', '2026-12-10T09:00:00.000Z', { applicationId: 'a', month: '2027-01', submittedOn: '2026-12-10', costs: [{ kind: 'housing', amount: 650_000 }], incomes: [], attachments: [], signedBy: ['m1'] }),
    ], { expectedVersion: 'no_stream' });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Someone edits the claimed rent of version 2 straight in the file, and the service starts again. */
  async function tamperAndReopen(): Promise<void> {
    await store.close();
    const db = new Database(path);
    loadZstd(db);
    expect(db.prepare("UPDATE events SET data = replace(zstd_text(data), '650000', '950000') WHERE stream = ? AND version = 2").run(caseStream(caseId)).changes).toBe(1);
    db.close();
    store = new SqliteEventStore(path);
  }

  it('given an intact chain, then the entries come with the chain block of the verified read, and a write is there as soon as it is acknowledged', async () => {
    const first = await readTimeline(store, caseId);
    expect(first).toMatchObject({ chain: { ok: true, events: 2, check: 'verified_read' } });
    expect(first!.entries.map((e) => e.type)).toEqual(['CaseOpened', 'ApplicationSubmitted']);
    await store.append(caseStream(caseId), [ev('CompletionRequested', '2026-12-11T09:00:00.000Z', { applicationId: 'a', month: '2027-01', requestId: 'r', missing: ['hyresavi'], dueDate: '2026-12-18', requestedOn: '2026-12-11' })], { expectedVersion: 2 });
    const after = await readTimeline(store, caseId);
    expect(after!.chain).toEqual({ ok: true, events: 3, check: 'verified_read' });
    expect(after!.entries.at(-1)).toMatchObject({ version: 3, title: 'Komplettering begärd (januari 2027)', text: 'Ansökan behöver kompletteras med: hyresavi. Senast 2026-12-18.' });
  });

  it('asOf filters on when the fact was recorded', async () => {
    expect((await readTimeline(store, caseId, { asOf: '2026-12-05T00:00:00.000Z' }))!.entries.map((e) => e.type)).toEqual(['CaseOpened']);
  });

  it('with the full check, every link is hashed again and the chain block says so', async () => {
    expect((await readTimeline(store, caseId, { check: 'full_rehash' }))!.chain).toEqual({ ok: true, events: 2, check: 'full_rehash' });
  });

  it('an unknown case has no timeline', async () => {
    expect(await readTimeline(store, randomUUID())).toBeNull();
  });

  it('given a changed event, then a caseworker gets ChainBrokenError (503 chain_broken), whichever check', async () => {
    await tamperAndReopen();
    await expect(readTimeline(store, caseId)).rejects.toBeInstanceOf(ChainBrokenError);
    await expect(readTimeline(store, caseId, { check: 'full_rehash' })).rejects.toBeInstanceOf(ChainBrokenError);
  });

  it.each(['verified_read', 'full_rehash'] as const)('given a changed event, then the auditor sees where the chain breaks and only the entries before it (%s)', async (check) => {
    await tamperAndReopen();
    const audit = await readTimeline(store, caseId, { check, showBrokenChain: true });
    expect(audit!.chain).toEqual({ ok: false, events: 2, check, firstBroken: { version: 2, reason: expect.stringMatching(/^content changed/) } });
    expect(audit!.entries.map((e) => e.type)).toEqual(['CaseOpened']);
    expect(JSON.stringify(audit)).not.toContain('9\u00a0500');
  });
});

describe('timelines rendered before are read again from their tail only', () => {
  const caseId = randomUUID();
  let dir: string;
  let path: string;
  let store: SqliteEventStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bistand-timeline-cache-'));
    path = join(dir, 'events.sqlite');
    store = new SqliteEventStore(path);
    await store.append(caseStream(caseId), [ev('CaseOpened', '2026-12-01T09:00:00.000Z', { caseId, household: [{ memberId: 'm1', role: 'applicant' }], unit: 'enhet-nord', caseworker: 'hl-anna', payee: { kind: 'client_account' }, protectedIdentity: false, openedOn: '2026-12-01' })], { expectedVersion: 'no_stream' });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given a timeline read once, when it is read again, then the stream is not read whole again', async () => {
    await readTimeline(store, caseId);
    let wholeReads = 0;
    const readStream = store.readStream.bind(store);
    store.readStream = (...args) => ((wholeReads += 1), readStream(...args));
    const again = await readTimeline(store, caseId, { asOf: '2026-12-01T10:00:00.000Z' });
    expect(again!.entries.map((e) => e.type)).toEqual(['CaseOpened']);
    expect(wholeReads).toBe(0);
  });

  it('given a timeline read once, when another process appends to the case, then the next read shows it', async () => {
    await readTimeline(store, caseId);
    const other = new SqliteEventStore(path);
    await other.append(caseStream(caseId), [ev('ApplicationSubmitted', '2026-12-10T09:00:00.000Z', { applicationId: 'a', month: '2027-01', submittedOn: '2026-12-10', costs: [], incomes: [], attachments: [], signedBy: ['m1'] })], { expectedVersion: 1 });
    await other.close();
    const after = await readTimeline(store, caseId);
    expect(after!.chain).toEqual({ ok: true, events: 2, check: 'verified_read' });
    expect(after!.entries.map((e) => e.type)).toEqual(['CaseOpened', 'ApplicationSubmitted']);
    expect(renderedTimelines(store).size).toEqual({ cases: 1, entries: 2 });
  });

  it('given a rendered timeline whose head was changed behind the store, then it is read whole and refused', async () => {
    await readTimeline(store, caseId);
    store.rawDatabase().prepare("UPDATE streams SET last_hash = 'forged' WHERE stream = ?").run(caseStream(caseId));
    store.rawDatabase().prepare("UPDATE events SET hash = 'forged' WHERE stream = ? AND version = 1").run(caseStream(caseId));
    await expect(readTimeline(store, caseId)).rejects.toBeInstanceOf(ChainBrokenError);
  });

  it('holds at most its bound of entries, the least recently read case leaving first', () => {
    const cache = new RenderedTimelines(3);
    const entries = (n: number) => Array.from({ length: n }, () => ({}) as never);
    cache.put('a', { version: 2, hash: 'x' }, entries(2));
    cache.put('b', { version: 1, hash: 'y' }, entries(1));
    cache.get('a');
    cache.put('c', { version: 1, hash: 'z' }, entries(1));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.size).toEqual({ cases: 2, entries: 3 });
    cache.put('d', { version: 4, hash: 'w' }, entries(4));
    expect(cache.get('d')).toBeUndefined();
  });
});

describe('an existing read DB with the stored timeline', () => {
  it('loses the table, its checkpoint and its version row once; the other read models keep theirs', () => {
    const db = openReadDb(':memory:');
    db.exec(`CREATE TABLE timeline_entries (position INTEGER PRIMARY KEY, case_id TEXT NOT NULL, version INTEGER NOT NULL, recorded_at TEXT NOT NULL, entry TEXT NOT NULL);
      INSERT INTO timeline_entries VALUES (1, 'k', 1, '2026-12-01T09:00:00.000Z', '{}');
      CREATE TABLE subscription_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID;
      INSERT INTO subscription_checkpoints VALUES ('projection:timeline', 1, 'x'), ('projection:portal', 1, 'x');
      CREATE TABLE projection_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO projection_versions VALUES ('timeline', 2), ('portal', 1);`);
    expect(dropStoredTimeline(db)).toBe(true);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'timeline_entries'").all()).toEqual([]);
    expect(db.prepare('SELECT name FROM subscription_checkpoints').all()).toEqual([{ name: 'projection:portal' }]);
    expect(db.prepare('SELECT name FROM projection_versions').all()).toEqual([{ name: 'portal' }]);
    expect(dropStoredTimeline(db)).toBe(false);
    expect(dropStoredTimeline(openReadDb(':memory:'))).toBe(false);
  });
});
