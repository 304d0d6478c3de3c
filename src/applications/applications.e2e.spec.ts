import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { as, startTestApp, type TestApp } from '../../test/support/test-app.js';

const household = {
  household: [
    { memberId: 'm1', role: 'applicant', name: 'Anna Andersson', personnummer: '19811218-9876', birthDate: '1981-12-18' },
    { memberId: 'm2', role: 'child', name: 'Cilla Andersson', personnummer: null, birthDate: '2019-03-01' },
  ],
  unit: 'enhet-nord',
  caseworker: 'hl-eva',
  payee: { kind: 'client_account', name: 'Anna Andersson', account: '8327-9 123 456 789-0' },
  protectedIdentity: false,
};

const december = {
  month: '2026-12',
  costs: [{ kind: 'housing', amount: 780_000, note: 'Hyra enligt avi' }],
  incomes: [{ kind: 'barnbidrag', amount: 125_000 }],
  attachments: ['hyresavi december'],
  signedBy: ['m1'],
};

describe('applications and calculations over HTTP', () => {
  let t: TestApp;
  let caseId: string;
  beforeAll(async () => {
    t = await startTestApp('2026-11-23T09:00:00Z');
    caseId = (await t.http().post('/cases').set(as('hl-eva')).send(household).expect(201)).body.caseId;
  });
  afterAll(async () => {
    await t.close();
  });

  it('takes December, asks for the payslip, refuses to calculate until it is in, then calculates', async () => {
    const submitted = await t.http().post(`/cases/${caseId}/applications`).set(as('hl-eva')).send(december).expect(201);
    expect(submitted.headers.location).toBe(`/cases/${caseId}/applications/2026-12`);
    expect(submitted.body).toMatchObject({ month: '2026-12', events: [{ type: 'ApplicationSubmitted' }] });
    expect(submitted.body.applicationId).toEqual(expect.any(String));

    const asked = await t.http().post(`/cases/${caseId}/applications/2026-12/completion-requests`).set(as('hl-eva')).send({ missing: ['lönespecifikation november'], dueDate: '2026-12-01' }).expect(201);
    const requestId = asked.body.requestId as string;

    const blocked = await t.http().post(`/cases/${caseId}/calculations`).set(as('hl-eva')).send({ month: '2026-12' }).expect(409);
    expect(blocked.body).toMatchObject({ code: 'completion_outstanding', details: { missing: ['lönespecifikation november'] } });

    await t.http().post(`/cases/${caseId}/applications/2026-12/completion-requests/${requestId}/receipts`).set(as('hl-eva')).send({ supplied: ['lönespecifikation november'], attachments: ['lonespec.pdf'] }).expect(201);

    const calc = await t.http().post(`/cases/${caseId}/calculations`).set(as('hl-eva')).send({ month: '2026-12', adjustments: [{ amount: 20_000, reason: 'Glasögon' }] }).expect(201);
    // Single adult 3 940 + child 7 år 3 800 + common costs for 2 1 420 + rent 7 800 − barnbidrag 1 250 + 200.
    expect(calc.body.calculation).toMatchObject({ month: '2026-12', tableVersion: 'riksnorm-2026', totals: { total: 1_591_000 } });
    expect(calc.headers.location).toBe(`/cases/${caseId}/calculations/${calc.body.calculation.calculationId}`);

    const got = await t.http().get(`/cases/${caseId}`).set(as('hl-eva')).expect(200);
    expect(got.body.applications['2026-12'].status).toBe('complete');
    expect(got.body.calculations[calc.body.calculation.calculationId]).toMatchObject({ month: '2026-12', total: 1_591_000, supersededBy: null });
  });

  it('refuses a second application for December with 409, and January before its window opens with 422', async () => {
    const twice = await t.http().post(`/cases/${caseId}/applications`).set(as('hl-eva')).send(december).expect(409);
    expect(twice.body.code).toBe('application_exists');
    const early = await t.http().post(`/cases/${caseId}/applications`).set(as('hl-eva')).send({ ...december, month: '2027-01' }).expect(422);
    expect(early.body).toMatchObject({ code: 'application_window_not_open', message: 'Ansökan för januari 2027 kan lämnas in tidigast 2026-12-17.' });
  });

  it('refuses an adjustment without a reason with 422', async () => {
    const res = await t.http().post(`/cases/${caseId}/calculations`).set(as('hl-eva')).send({ month: '2026-12', adjustments: [{ amount: 1_000 }] }).expect(422);
    expect(res.body.code).toBe('adjustment_needs_reason');
  });

  it('refuses bad input with 400 naming the fields, and writes nothing', async () => {
    const before = (await t.http().get(`/cases/${caseId}`).set(as('hl-eva'))).headers.etag;
    const bad = await t.http()
      .post(`/cases/${caseId}/applications`)
      .set(as('hl-eva'))
      .send({ ...december, month: '2026-13', costs: [{ kind: 'yacht', amount: 12.5 }], incomes: [{ kind: 'wages', amount: -1 }], extra: true })
      .expect(400);
    const fields = bad.body.violations.map((v: { field: string }) => v.field);
    expect(fields).toEqual(expect.arrayContaining(['month', 'costs[0].kind', 'costs[0].amount', 'incomes[0].amount', 'extra']));
    await t.http().post(`/cases/${caseId}/applications/2026-xx/withdrawal`).set(as('hl-eva')).send({ reason: 'x' }).expect(400);
    expect((await t.http().get(`/cases/${caseId}`).set(as('hl-eva'))).headers.etag).toBe(before);
  });

  it('withdraws an undecided application', async () => {
    const res = await t.http().post(`/cases/${caseId}/applications/2026-12/withdrawal`).set(as('hl-eva')).send({ reason: 'Har fått arbete.' }).expect(201);
    expect(res.body.events.map((e: { type: string }) => e.type)).toEqual(['ApplicationWithdrawn']);
    await t.http().post(`/cases/${caseId}/calculations`).set(as('hl-eva')).send({ month: '2026-12' }).expect(409);
  });

  it('documents the endpoints in the OpenAPI description, with the kinds listed', async () => {
    const docs = (await t.http().get('/docs-json').expect(200)).body;
    for (const path of ['/cases/{caseId}/applications', '/cases/{caseId}/applications/{month}/completion-requests', '/cases/{caseId}/applications/{month}/completion-requests/{requestId}/receipts', '/cases/{caseId}/applications/{month}/withdrawal', '/cases/{caseId}/calculations']) {
      expect(docs.paths[path]?.post).toBeDefined();
    }
    expect(docs.components.schemas.CostDto.properties.kind.enum).toContain('housing');
    expect(docs.components.schemas.IncomeDto.properties.kind.enum).toContain('wages');
  });
});
