import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { as, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A household's whole month over HTTP on the SQLite store, as a caseworker lives it:
 * application → komplettering → calculation → decision → communication → activity report →
 * payment scheduled → attested → disbursed; then the same month for another household, refused.
 * January 2027 is paid 2026-12-23 in the demo kommun (the 25th is juldagen, the 24th julafton).
 */
describe('a household\'s month, from application to money in the account', () => {
  let t: TestApp;
  const hl = as('hl-anna');
  const attestant = as('att-stina', 'attestant');
  const bank = as('bank-integration', 'system');

  beforeAll(async () => {
    t = await startTestApp('2026-12-17T08:00:00Z');
  });
  afterAll(async () => {
    await t.close();
  });

  async function openCase(name: string, pnr: string, birthDate: string) {
    const res = await t.http().post('/cases').set(hl).send({
      household: [{ memberId: 'm1', role: 'applicant', name, personnummer: pnr, birthDate }],
      unit: 'enhet-nord',
      caseworker: 'hl-anna',
      payee: { kind: 'client_account', name, account: '8327-9 123 456 789-0' },
      protectedIdentity: false,
    }).expect(201);
    return res.body.caseId as string;
  }

  it('pays Anna for January 2027 on 23 December, and the log tells the whole story in Swedish', async () => {
    const caseId = await openCase('Anna Andersson', '19811218-9876', '1981-12-18');
    const c = `/cases/${caseId}`;

    // The activity plan: job search, reported monthly.
    const req = await t.http().post(`${c}/activity-requirements`).set(hl).send({ memberId: 'm1', kind: 'job_search', schedule: { reportsPerMonth: 1 }, from: '2026-12-01', legalBasis: 'SoL-aktivitetskrav' }).expect(201);
    const requirementId = req.body.requirementId as string;

    // The application for January, with rent and a part-time wage.
    await t.http().post(`${c}/applications`).set(hl).send({
      month: '2027-01',
      costs: [{ kind: 'housing', amount: 650_000, note: 'Hyra enligt avi' }],
      incomes: [{ kind: 'wages', amount: 300_000 }],
      attachments: ['lönebesked december'],
      signedBy: ['m1'],
    }).expect(201);

    // Komplettering: the rent notice is missing, due the day before the cut-off.
    const kompl = await t.http().post(`${c}/applications/2027-01/completion-requests`).set(hl).send({ missing: ['hyresavi januari'], dueDate: '2026-12-18' }).expect(201);
    const requestId = kompl.body.events[0] ? (await t.http().get(c).set(hl)).body.applications['2027-01'].completionRequests[0].requestId : null;
    expect(requestId).toBeTruthy();

    // The queue shows the case blocked by the komplettering, with what is missing and by when.
    let queue = await t.http().get('/payment-queue?paymentDate=2026-12-23').set(hl).expect(200);
    let row = queue.body.items.find((i: { caseId: string }) => i.caseId === caseId);
    expect(row).toMatchObject({ status: 'blocked', reasons: [{ code: 'completion_outstanding', due: '2026-12-18' }, { code: 'activity_report_missing' }] });

    // Deciding before the komplettering is in is refused, and writes nothing.
    await t.http().post(`${c}/decisions`).set(hl).send({ month: '2027-01', outcome: 'granted', amount: 100, period: { from: '2027-01-01', to: '2027-01-31' }, motivering: 'x', legalReferences: ['SoL-12-1'], delegation: 'DO 4.1.1' }).expect((r) => expect([409, 422]).toContain(r.status));

    t.clock.set('2026-12-17T13:00:00Z');
    await t.http().post(`${c}/applications/2027-01/completion-requests/${requestId}/receipts`).set(hl).send({ supplied: ['hyresavi januari'], attachments: ['hyresavi.pdf'] }).expect(201);
    await t.http().post(`${c}/activity-requirements/${requirementId}/reports`).set(hl).send({ period: '2026-12', fulfilled: true, evidence: ['10 sökta jobb'] }).expect(201);

    // The server calculates: riksnorm 5 220 kr + rent 6 500 kr − wages 3 000 kr.
    const calc = await t.http().post(`${c}/calculations`).set(hl).send({ month: '2027-01' }).expect(201);
    const total = calc.body.calculation.totals.total as number;
    expect(calc.body.calculation.totals.riksnorm).toBe(522_000);
    expect(total).toBe(522_000 + 650_000 - 300_000);
    expect(calc.body.calculation.tableVersion).toMatch(/2027|2026/);

    // A decision without motivering is refused (förvaltningslagen 32 §).
    const base = { month: '2027-01', outcome: 'granted', amount: total, period: { from: '2027-01-01', to: '2027-01-31' }, legalReferences: ['SoL-12-1'], delegation: 'DO 4.1.1' };
    await t.http().post(`${c}/decisions`).set(hl).send({ ...base, motivering: '' }).expect(422);
    const timelineBeforeDecision = new Date('2026-12-17T13:30:00Z').toISOString();
    t.clock.set('2026-12-17T14:00:00Z');
    const decision = await t.http().post(`${c}/decisions`).set(hl).send({ ...base, motivering: 'Hushållet saknar medel för sin försörjning; inkomsten understiger norm och skäliga kostnader.' }).expect(201);
    const decisionId = decision.body.decisionId as string;

    // Decided, not yet communicated: blocked.
    queue = await t.http().get('/payment-queue?paymentDate=2026-12-23').set(hl).expect(200);
    expect(queue.body.items.find((i: { caseId: string }) => i.caseId === caseId)).toMatchObject({ status: 'blocked', reasons: [{ code: 'decision_not_communicated' }] });

    t.clock.set('2026-12-18T08:00:00Z');
    const told = await t.http().post(`${c}/decisions/${decisionId}/communications`).set(hl).send({ learnedOn: '2026-12-18', channel: 'e_tjanst' }).expect(201);
    expect(told.body.appealDeadline).toBe('2027-01-08');

    // Payment: scheduled by the caseworker, attest refused for the decider, done by the attestant.
    const pay = await t.http().post(`${c}/payments`).set(hl).send({ decisionId }).expect(201);
    const paymentId = pay.body.paymentId as string;
    const view = await t.http().get(c).set(hl).expect(200);
    expect(view.body.payments[paymentId]).toMatchObject({ paymentDate: '2026-12-23', amount: total, status: 'scheduled' });
    await t.http().post(`${c}/payments/${paymentId}/attestations`).set(as('hl-anna', 'attestant')).send({}).expect(422);
    await t.http().post(`${c}/payments/${paymentId}/attestations`).set(attestant).send({}).expect(201);
    queue = await t.http().get('/payment-queue?paymentDate=2026-12-23').set(hl).expect(200);
    expect(queue.body.items.find((i: { caseId: string }) => i.caseId === caseId).status).toBe('ready');

    t.clock.set('2026-12-23T06:00:00Z');
    await t.http().post(`${c}/payments/${paymentId}/disbursements`).set(bank).send({ bankReference: 'BG-2026-12-23-0001' }).expect(201);
    await t.http().post(`${c}/payments/${paymentId}/disbursements`).set(bank).send({ bankReference: 'BG-2026-12-23-0002' }).expect(409);

    queue = await t.http().get('/payment-queue?paymentDate=2026-12-23').set(hl).expect(200);
    row = queue.body.items.find((i: { caseId: string }) => i.caseId === caseId);
    expect(row).toMatchObject({ status: 'paid', amount: total });
    expect(queue.body.counts.paid).toBeGreaterThanOrEqual(1);

    // The timeline: every fact in order, in Swedish, chain intact; as of before the decision, no decision.
    const timeline = await t.http().get(`${c}/timeline`).set(hl).expect(200);
    expect(timeline.body.chain).toEqual({ ok: true, events: 12, check: 'verified_read' });
    const types = timeline.body.entries.map((e: { type: string }) => e.type);
    expect(types).toEqual([
      'CaseOpened', 'ActivityRequirementSet', 'ApplicationSubmitted', 'CompletionRequested', 'CompletionReceived', 'ActivityReported',
      'CalculationMade', 'DecisionMade', 'DecisionCommunicated', 'PaymentScheduled', 'PaymentAttested', 'PaymentDisbursed',
    ]);
    const decided = timeline.body.entries.find((e: { type: string }) => e.type === 'DecisionMade');
    expect(decided).toMatchObject({ title: 'Beslut: beviljat (januari 2027)', actor: 'hl-anna', legalReferences: ['SoL (2025:400) 12 kap. 1 §'] });
    expect(timeline.body.entries.find((e: { type: string }) => e.type === 'DecisionCommunicated').appealDeadline).toBe('2027-01-08');
    const before = await t.http().get(`${c}/timeline?asOf=${timelineBeforeDecision}`).set(hl).expect(200);
    expect(before.body.entries.map((e: { type: string }) => e.type)).not.toContain('DecisionMade');
    expect(before.body.entries.map((e: { type: string }) => e.type)).toContain('CalculationMade');
    // A date is the end of that day in Stockholm: the decision of 17 December is in, its communication not.
    const dayOfDecision = await t.http().get(`${c}/timeline?asOf=2026-12-17`).set(hl).expect(200);
    expect(dayOfDecision.body.entries.map((e: { type: string }) => e.type).slice(-2)).toEqual(['CalculationMade', 'DecisionMade']);
    // The auditor's full check hashes every link again and says so; a bad value writes nothing and names the field.
    const full = await t.http().get(`${c}/timeline?verify=full`).set(as('rev-rut', 'revisor')).expect(200);
    expect(full.body.chain).toEqual({ ok: true, events: 12, check: 'full_rehash' });
    expect(full.body.entries).toEqual(timeline.body.entries);
    const bad = await t.http().get(`${c}/timeline?verify=yes`).set(hl).expect(400);
    expect(bad.body.violations).toEqual([{ field: 'verify', rule: 'isIn', value: 'yes', message: 'full' }]);
    const html = await t.http().get(`${c}/timeline?format=html`).set(hl).expect(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.text).toContain('Hashkedjan är obruten');
  });

  it('refuses the same month for Bo, whose income covers the norm: no payment can be made', async () => {
    t.clock.set('2026-12-17T09:00:00Z');
    const caseId = await openCase('Bo Berg', '19800314-2380', '1980-03-14');
    const c = `/cases/${caseId}`;
    await t.http().post(`${c}/applications`).set(hl).send({ month: '2027-01', costs: [{ kind: 'housing', amount: 500_000 }], incomes: [{ kind: 'wages', amount: 2_500_000 }], attachments: [], signedBy: ['m1'] }).expect(201);
    const calc = await t.http().post(`${c}/calculations`).set(hl).send({ month: '2027-01' }).expect(201);
    expect(calc.body.calculation.totals.total).toBe(0);
    const decision = await t.http().post(`${c}/decisions`).set(hl).send({
      month: '2027-01', outcome: 'refused', amount: 0, period: { from: '2027-01-01', to: '2027-01-31' },
      motivering: 'Hushållets inkomster överstiger norm och skäliga kostnader.', legalReferences: ['SoL-12-1'], delegation: 'DO 4.1.1',
    }).expect(201);
    const decisionId = decision.body.decisionId as string;
    await t.http().post(`${c}/decisions/${decisionId}/communications`).set(hl).send({ learnedOn: '2026-12-17', channel: 'brev' }).expect(201);
    await t.http().post(`${c}/payments`).set(hl).send({ decisionId }).expect((r) => expect([409, 422]).toContain(r.status));
    const queue = await t.http().get('/payment-queue?paymentDate=2026-12-23').set(hl).expect(200);
    expect(queue.body.items.find((i: { caseId: string }) => i.caseId === caseId)).toMatchObject({ status: 'refused' });
    // An appeal four weeks later is recorded, and flagged as late.
    t.clock.set('2027-01-14T09:00:00Z');
    const appeal = await t.http().post(`${c}/decisions/${decisionId}/appeals`).set(hl).send({ receivedOn: '2027-01-14' }).expect(201);
    expect(appeal.body.onTime).toBe(false);
  });
});
