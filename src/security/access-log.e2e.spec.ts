import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { as, startTestApp, type TestApp } from '../../test/support/test-app.js';
import { ACCESS_LOG, AccessLog } from './access-log.js';

const anna = {
  household: [{ memberId: 'm1', role: 'applicant', name: 'Anna Andersson', personnummer: '19811218-9876', birthDate: '1981-12-18' }],
  unit: 'enhet-nord',
  caseworker: 'hl-anna',
  payee: { kind: 'client_account', name: 'Anna Andersson', account: '8327-9 123 456 789-0' },
  protectedIdentity: false,
};
const revisor = as('rev-rut', 'revisor');

describe('the access log: every read of a case by staff, durable and append-only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bistand-access-log-'));
  let t: TestApp;
  let caseId: string;

  beforeAll(async () => {
    t = await startTestApp('2026-11-23T09:00:00Z', { dir });
    caseId = (await t.http().post('/cases').set(as('hl-anna')).send(anna).expect(201)).body.caseId;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const entries = async () => (await t.http().get(`/cases/${caseId}/access-log`).set(revisor).expect(200)).body.entries as Array<Record<string, unknown>>;

  it('given a case, when a caseworker reads it and its timeline, then the revisor sees who, in which role, what, when and under which correlation id', async () => {
    await t.http().get(`/cases/${caseId}`).set(as('hl-anna')).set('X-Correlation-Id', 'read-1').expect(200);
    t.clock.advance(60_000);
    await t.http().get(`/cases/${caseId}/timeline?format=json`).set(as('hl-bo')).expect(200);
    const log = await entries();
    expect(log.slice(0, 2)).toEqual([
      { id: expect.any(Number), at: '2026-11-23T09:00:00.000Z', actor: 'hl-anna', role: 'handlaggare', unit: 'enhet-nord', caseId, route: 'GET /cases/:caseId', path: `/cases/${caseId}`, correlationId: 'read-1', outcome: 'allowed' },
      { id: expect.any(Number), at: '2026-11-23T09:01:00.000Z', actor: 'hl-bo', role: 'handlaggare', unit: 'enhet-nord', caseId, route: 'GET /cases/:caseId/timeline', path: `/cases/${caseId}/timeline?format=json`, correlationId: expect.any(String), outcome: 'allowed' },
    ]);
    // The revisor's own reading of the log is a read of the case too.
    expect(log[2]).toMatchObject({ actor: 'rev-rut', role: 'revisor', route: 'GET /cases/:caseId/access-log' });
  });

  it('answers with the correlation id it logged', async () => {
    const res = await t.http().get(`/cases/${caseId}`).set(as('hl-anna')).expect(200);
    const log = await entries();
    expect(log.find((e) => e.correlationId === res.headers['x-correlation-id'])).toMatchObject({ actor: 'hl-anna' });
  });

  it('logs a refused attempt from another unit as denied, and never a klient or a command', async () => {
    const before = (await entries()).length;
    await t.http().get(`/cases/${caseId}`).set(as('hl-sven', 'handlaggare', 'enhet-syd')).expect(403);
    expect([200, 404]).toContain((await t.http().get(`/portal/cases/${caseId}`).set(as('198112189876', 'klient'))).status);
    await t.http().post(`/cases/${caseId}/protected-identity`).set(as('hl-anna')).send({ protectedIdentity: true, reason: 'Skyddad folkbokföring' }).expect(201);
    const added = (await entries()).slice(before);
    expect(added.map((e) => [e.actor, e.route, e.outcome])).toEqual([
      ['hl-sven', 'GET /cases/:caseId', 'denied'],
      ['rev-rut', 'GET /cases/:caseId/access-log', 'allowed'],
    ]);
  });

  it('logs every case the payment queue shows to the one who asked', async () => {
    const queue = await t.http().get('/payment-queue?paymentDate=2026-11-25&unit=enhet-nord').set(as('att-stina', 'attestant'));
    if (queue.status !== 200) throw new Error(`the queue answered ${queue.status}: ${JSON.stringify(queue.body)}`);
    const shown = (queue.body.items as Array<{ caseId: string }>).map((i) => i.caseId);
    expect(shown).toContain(caseId);
    expect((await entries()).filter((e) => e.actor === 'att-stina')).toEqual([expect.objectContaining({ route: 'GET /payment-queue', path: '/payment-queue?paymentDate=2026-11-25&unit=enhet-nord', outcome: 'allowed' })]);
  });

  it('is not changed over HTTP: there is no route to write, change or remove an entry', async () => {
    for (const method of ['post', 'put', 'patch', 'delete'] as const) await t.http()[method](`/cases/${caseId}/access-log`).set(revisor).send({}).expect(404);
  });

  it('refuses an UPDATE or DELETE even at the SQL level, and its hash chain verifies', () => {
    const file = new Database(join(dir, 'bistand-access-log.sqlite'));
    try {
      expect(() => file.prepare("UPDATE access_log SET actor = 'nobody'").run()).toThrow(/append-only/);
      expect(() => file.prepare('DELETE FROM access_log').run()).toThrow(/append-only/);
    } finally {
      file.close();
    }
    expect(t.app.get<AccessLog>(ACCESS_LOG).verify()).toMatchObject({ ok: true });
    expect(t.app.get<AccessLog>(ACCESS_LOG).durability()).toEqual({ journalMode: 'wal', synchronous: 'FULL' });
  });

  it('survives a restart of the service', async () => {
    const before = await entries();
    await t.close();
    t = await startTestApp('2026-11-24T09:00:00Z', { dir });
    const after = await entries();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after[before.length]).toMatchObject({ actor: 'rev-rut', at: '2026-11-24T09:00:00.000Z' });
  });
});

describe('the access log chain', () => {
  it('writes concurrent reads together (one transaction) and answers each once its row is durable; a failed write answers no one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bistand-access-group-'));
    const log = new AccessLog(join(dir, 'log.sqlite'));
    const row = { at: '2026-11-23T09:00:00.000Z', actor: 'hl-anna', role: 'handlaggare', unit: 'enhet-nord', caseId: 'c1', route: 'GET /cases/:caseId', path: '/cases/c1', correlationId: 'x', outcome: 'allowed' } as const;
    await Promise.all(Array.from({ length: 50 }, (_, i) => log.write([{ ...row, correlationId: `r${i}` }])));
    expect(log.forCase('c1').map((e) => e.correlationId)).toEqual(Array.from({ length: 50 }, (_, i) => `r${i}`));
    expect(log.verify()).toEqual({ ok: true, entries: 50 });
    log.close();
    await expect(log.write([row])).rejects.toThrow();
    rmSync(dir, { recursive: true, force: true });
  });


  it('shows a row changed behind the service\'s back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bistand-access-chain-'));
    const path = join(dir, 'log.sqlite');
    const log = new AccessLog(path);
    const row = { at: '2026-11-23T09:00:00.000Z', actor: 'hl-anna', role: 'handlaggare', unit: 'enhet-nord', caseId: 'c1', route: 'GET /cases/:caseId', path: '/cases/c1', correlationId: 'x', outcome: 'allowed' } as const;
    log.appendMany([row, { ...row, actor: 'hl-bo' }, { ...row, actor: 'hl-cecilia' }]);
    expect(log.verify()).toEqual({ ok: true, entries: 3 });
    log.close();
    const file = new Database(path);
    file.exec('DROP TRIGGER access_log_no_update');
    file.prepare("UPDATE access_log SET actor = 'someone' WHERE id = 2").run();
    file.close();
    const reopened = new AccessLog(path);
    expect(reopened.verify()).toEqual({ ok: false, entries: 2, firstBroken: { id: 2, reason: 'the row was changed' } });
    reopened.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
