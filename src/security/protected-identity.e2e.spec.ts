import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { as, startTestApp, type TestApp } from '../../test/support/test-app.js';
import { PROJECTION_RUNNER } from '../read-models/read-models.module.js';
import type { ProjectionRunner } from '../read-models/projection-runner.js';
import { CaseDirectory } from './case-directory.js';
import { MASK } from './protected-identity.js';

const ANNA = '198112189876';
const BO = '199001010025';
const protectedHousehold = {
  household: [
    { memberId: 'm1', role: 'applicant', name: 'Anna Andersson', personnummer: ANNA, birthDate: '1981-12-18' },
    { memberId: 'm2', role: 'co_applicant', name: 'Bo Andersson', personnummer: BO, birthDate: '1990-01-01' },
  ],
  unit: 'enhet-nord',
  caseworker: 'hl-anna',
  payee: { kind: 'client_account', name: 'Anna Andersson', account: '8327-9 123 456 789-0' },
  protectedIdentity: true,
};

describe('protected identity over HTTP', () => {
  let t: TestApp;
  let caseId: string;
  beforeAll(async () => {
    t = await startTestApp();
    caseId = (await t.http().post('/cases').set(as('hl-anna')).send(protectedHousehold).expect(201)).body.caseId;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('given a protected case, when its own caseworker reads it, then payee and household are shown in full', async () => {
    const seen = (await t.http().get(`/cases/${caseId}`).set(as('hl-anna')).expect(200)).body;
    expect(seen.file.payee).toEqual(protectedHousehold.payee);
    expect(seen.file.household.map((m: { personnummer: string }) => m.personnummer)).toEqual([ANNA, BO]);
  });

  it('given a protected case, when another caseworker of the unit, an attestant or a revisor reads it, then payee and the co-applicant\'s number are masked', async () => {
    for (const viewer of [as('hl-bo'), as('att-stina', 'attestant'), as('rev-rut', 'revisor')]) {
      const res = await t.http().get(`/cases/${caseId}`).set(viewer).expect(200);
      expect(res.body.file.payee).toEqual({ kind: 'client_account', name: MASK, account: MASK });
      expect(res.body.file.household.map((m: { personnummer: string }) => m.personnummer)).toEqual([ANNA, MASK]);
      expect(JSON.stringify(res.body)).not.toContain('8327-9');
      expect(res.headers.etag).toBe('"1"');
    }
  });

  it('given a protected case, then neither the portal nor the payment queue names the protection', async () => {
    const portal = await t.http().get(`/portal/cases/${caseId}`).set(as(BO, 'klient'));
    expect([200, 404]).toContain(portal.status);
    expect(JSON.stringify(portal.body)).not.toMatch(/skydd|protected|8327-9/i);
    const queue = await t.http().get('/payment-queue?paymentDate=2026-11-25&unit=enhet-nord').set(as('hl-bo'));
    expect(queue.status).toBe(200);
    expect(JSON.stringify(queue.body)).not.toMatch(/skydd|protected|8327-9/i);
  });
});

describe('the case directory may lag the log; the guard never refuses on a stale answer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('given a case opened while the directory is stopped, when its caseworker reads it, then the log answers', async () => {
    const runner = t.app.get<ProjectionRunner>(PROJECTION_RUNNER);
    await runner.stop();
    try {
      const caseId = (await t.http().post('/cases').set(as('hl-anna')).send({ ...protectedHousehold, protectedIdentity: false }).expect(201)).body.caseId;
      expect(t.app.get(CaseDirectory).fromProjection(caseId)).toBeNull();
      await t.http().get(`/cases/${caseId}`).set(as('hl-anna')).expect(200);
      await t.http().get(`/cases/${caseId}`).set(as('hl-sven', 'handlaggare', 'enhet-syd')).expect(403);
    } finally {
      await runner.start();
    }
  });

  it('given a case just moved to another unit, when the new unit reads it before the directory has caught up, then it is allowed', async () => {
    const runner = t.app.get<ProjectionRunner>(PROJECTION_RUNNER);
    const directory = t.app.get(CaseDirectory);
    const caseId = (await t.http().post('/cases').set(as('hl-anna')).send({ ...protectedHousehold, protectedIdentity: false }).expect(201)).body.caseId;
    for (let i = 0; i < 100 && directory.fromProjection(caseId) === null; i++) await new Promise((r) => setTimeout(r, 20));
    expect(directory.fromProjection(caseId)).toMatchObject({ unit: 'enhet-nord', applicant: ANNA, coApplicant: BO });
    await runner.stop();
    try {
      await t.http().post(`/cases/${caseId}/reassignments`).set(as('hl-anna')).send({ caseworker: 'hl-sven', unit: 'enhet-syd', reason: 'Flytt' }).expect(201);
      expect(directory.fromProjection(caseId)?.unit).toBe('enhet-nord');
      await t.http().get(`/cases/${caseId}`).set(as('hl-sven', 'handlaggare', 'enhet-syd')).expect(200);
    } finally {
      await runner.start();
    }
    for (let i = 0; i < 100 && directory.fromProjection(caseId)?.unit !== 'enhet-syd'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(directory.fromProjection(caseId)).toMatchObject({ unit: 'enhet-syd', caseworker: 'hl-sven' });
    await t.http().get(`/cases/${caseId}`).set(as('hl-anna')).expect(403);
  });
});
