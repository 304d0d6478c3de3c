import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { as, startTestApp, type TestApp } from '../../test/support/test-app.js';

export const anna = {
  household: [
    { memberId: 'm1', role: 'applicant', name: 'Anna Andersson', personnummer: '19811218-9876', birthDate: '1981-12-18' },
  ],
  unit: 'enhet-nord',
  caseworker: 'hl-anna',
  payee: { kind: 'client_account', name: 'Anna Andersson', account: '8327-9 123 456 789-0' },
  protectedIdentity: false,
};

describe('cases over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers /health with the store kind and the last position, and serves the API docs', async () => {
    const h = await t.http().get('/health').expect(200);
    expect(h.body.store).toEqual({ kind: 'sqlite', reachable: true, lastPosition: 0 });
    expect(h.body.projections.map((p: { name: string }) => p.name).sort()).toEqual(['case-directory', 'caseload', 'payment-queue', 'portal']);
    const docs = await t.http().get('/docs-json').expect(200);
    expect(docs.body.paths['/cases']).toBeDefined();
    await t.http().get('/docs').expect(200);
  });

  it('opens a case, returns it with its version as ETag, and counts it in /health', async () => {
    const opened = await t.http().post('/cases').set(as('hl-anna')).send(anna).expect(201);
    expect(opened.headers.etag).toBe('"1"');
    expect(opened.body.events.map((e: { type: string }) => e.type)).toEqual(['CaseOpened']);
    const got = await t.http().get(`/cases/${opened.body.caseId}`).set(as('hl-anna')).expect(200);
    expect(got.headers.etag).toBe('"1"');
    expect(got.body.file.household[0].personnummer).toBe('198112189876');
    expect(got.body.file.openedOn).toBe('2026-11-23');
    expect((await t.http().get('/health')).body.store.lastPosition).toBeGreaterThanOrEqual(1);
    // Every projection catches up: its checkpoint reaches the log's last position, lag 0.
    for (let i = 0; i < 100; i++) {
      const h = (await t.http().get('/health')).body;
      if (h.projections.every((p: { lag: number }) => p.lag === 0)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const caughtUp = (await t.http().get('/health')).body;
    expect(caughtUp.projections.every((p: { checkpoint: number; lag: number }) => p.lag === 0 && p.checkpoint === caughtUp.store.lastPosition)).toBe(true);
  });

  it('answers a retried request with the same Idempotency-Key with the first answer and writes nothing', async () => {
    const first = await t.http().post('/cases').set({ ...as('hl-anna'), 'Idempotency-Key': 'open-bertil-1' }).send(anna).expect(201);
    const before = (await t.http().get('/health')).body.store.lastPosition;
    const again = await t.http().post('/cases').set({ ...as('hl-anna'), 'Idempotency-Key': 'open-bertil-1' }).send(anna).expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await t.http().get('/health')).body.store.lastPosition).toBe(before);
    const other = await t.http().post('/cases').set({ ...as('hl-anna'), 'Idempotency-Key': 'open-bertil-1' }).send({ ...anna, caseworker: 'hl-bo' }).expect(422);
    expect(other.body.code).toBe('idempotency_key_reused');
  });

  it('refuses a stale If-Match with 412 and writes nothing', async () => {
    const opened = await t.http().post('/cases').set(as('hl-anna')).send(anna).expect(201);
    const id = opened.body.caseId;
    await t.http().post(`/cases/${id}/reassignments`).set({ ...as('hl-anna'), 'If-Match': '"1"' }).send({ caseworker: 'hl-bo', unit: 'enhet-nord', reason: 'Ny handläggare' }).expect(201);
    const stale = await t.http().post(`/cases/${id}/reassignments`).set({ ...as('hl-anna'), 'If-Match': '"1"' }).send({ caseworker: 'hl-cecilia', unit: 'enhet-nord', reason: 'Ny handläggare' }).expect(412);
    expect(stale.body.details).toEqual({ currentVersion: 2, expectedVersion: 1 });
    expect((await t.http().get(`/cases/${id}`).set(as('hl-anna'))).body.file.caseworker).toBe('hl-bo');
  });

  it('refuses bad input with 400 naming field, rule and value, and writes nothing', async () => {
    const before = (await t.http().get('/health')).body.store.lastPosition;
    const bad = await t.http().post('/cases').set(as('hl-anna')).send({ ...anna, household: [{ ...anna.household[0], personnummer: '19811218-9875', birthDate: '2026-02-30' }], extra: 1 }).expect(400);
    const fields = bad.body.violations.map((v: { field: string }) => v.field);
    expect(fields).toEqual(expect.arrayContaining(['household[0].personnummer', 'household[0].birthDate', 'extra']));
    const pnr = bad.body.violations.find((v: { field: string }) => v.field === 'household[0].personnummer');
    expect(pnr.message).toMatch(/Luhn/);
    expect(pnr.value).toBe('19811218-9875');
    await t.http().post('/cases').set(as('hl-anna')).set('Content-Type', 'application/json').send('{"household": [').expect(400);
    expect((await t.http().get('/health')).body.store.lastPosition).toBe(before);
  });

  it('answers 404 for a case that does not exist and 400 for an id that is not one', async () => {
    await t.http().get('/cases/7b0f8f8e-2f7c-4b7e-9d61-0b1c4e1c2a11').set(as('hl-anna')).expect(404);
    await t.http().get('/cases/not-an-id').set(as('hl-anna')).expect(400);
  });
});
