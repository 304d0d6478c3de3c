import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { as, startTestApp } from '../../test/support/test-app.js';
import { caseStream } from '../cases/case-state.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { decisionMade } from './testing/fixtures.js';

/** The real app over HTTP on a fresh SQLite store, with the store at hand to read the log. */
async function startApp(now: string) {
  const t = await startTestApp(now);
  return { ...t, store: t.app.get<EventStore>(EVENT_STORE) };
}

const household = [{ memberId: 'anna', role: 'applicant', name: 'Anna Andersson', personnummer: '19811218-9876', birthDate: '1981-12-18' }];
const payee = { kind: 'client_account', name: 'Anna Andersson', account: '8327-9 123 456 789-0' };

describe('payments over HTTP: a month is paid at most once, whatever is retried or raced', () => {
  let t: Awaited<ReturnType<typeof startApp>>;
  let caseId: string;

  beforeAll(async () => {
    t = await startApp('2026-11-23T09:00:00Z');
    const opened = await t.http().post('/cases').set(as('hl-eva')).send({ household, unit: 'enhet-nord', caseworker: 'hl-eva', payee, protectedIdentity: false }).expect(201);
    caseId = opened.body.caseId as string;
    // Given: hl-eva has granted January 2027 (the decisions capability's own fact, appended as history).
    const decision = decisionMade('2027-01', { decisionId: 'd-2027-01', amount: 952_000, decidedBy: 'hl-eva' });
    await t.store.append(
      caseStream(caseId),
      [{ id: crypto.randomUUID(), type: decision.type, schemaVersion: 1, data: decision.data, metadata: { actor: 'hl-eva', role: 'handlaggare', correlationId: 'e2e', causationId: null, idempotencyKey: null, recordedAt: '2026-11-23T08:00:00.000Z' } }],
      { expectedVersion: 1 },
    );
  });

  afterAll(async () => {
    await t?.close();
  });

  const disbursements = async () => (await t.store.readStream(caseStream(caseId))).filter((e) => e.type === 'PaymentDisbursed');

  it('schedules January 2027 on 23 December (juldagen moved back over julafton), refuses four-eyes violations, and pays it out exactly once under 50 concurrent disbursements', async () => {
    // 20 concurrent attempts to schedule the month: one payment.
    const schedules = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.http().post(`/cases/${caseId}/payments`).set(as('hl-eva')).set('Idempotency-Key', `schedule-${i % 5}`).send({ decisionId: 'd-2027-01' })),
    );
    expect(schedules.map((r) => r.status).filter((s) => s !== 201 && s !== 409)).toEqual([]);
    const scheduledEvents = (await t.store.readStream(caseStream(caseId))).filter((e) => e.type === 'PaymentScheduled');
    expect(scheduledEvents).toHaveLength(1);
    const scheduled = scheduledEvents[0]!.data as { paymentId: string; paymentDate: string; basis: { moveReason: string } };
    expect(scheduled.paymentDate).toBe('2026-12-23');
    expect(scheduled.basis.moveReason).toBe('flyttad från juldagen till närmast föregående bankdag');
    const paymentId = scheduled.paymentId;
    for (const r of schedules.filter((r) => r.status === 201)) expect(r.body.paymentId).toBe(paymentId);

    // Four eyes: the decider, even holding the attestant role, may not attest; nor may a caseworker.
    const own = await t.http().post(`/cases/${caseId}/payments/${paymentId}/attestations`).set(as('hl-eva', 'attestant')).send({}).expect(422);
    expect(own.body.code).toBe('attester_decided');
    // A caseworker without the attestant role is stopped at the door (403); the decider checks it too.
    await t.http().post(`/cases/${caseId}/payments/${paymentId}/attestations`).set(as('hl-olle')).send({}).expect(403);
    // The attester comes from the identity, never the body.
    await t.http().post(`/cases/${caseId}/payments/${paymentId}/attestations`).set(as('att-stina', 'attestant')).send({ attestedBy: 'someone' }).expect(400);
    await t.http().post(`/cases/${caseId}/payments/${paymentId}/attestations`).set(as('att-stina', 'attestant')).send({}).expect(201);

    // 50 disbursements at once: a third without a key, the rest spread over shared and unique keys.
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const req = t.http().post(`/cases/${caseId}/payments/${paymentId}/disbursements`).set(as('bank-integration', 'system'));
        if (i % 3 === 1) req.set('Idempotency-Key', 'disburse-shared');
        if (i % 3 === 2) req.set('Idempotency-Key', `disburse-${i}`);
        return req.send({ bankReference: 'BGC-2026-12-23-0001' });
      }),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    expect(statuses).toContain(201);
    for (const r of responses.filter((r) => r.status === 409)) expect(r.body.code).toBe('payment_already_disbursed');
    const written = await disbursements();
    expect(written).toHaveLength(1);
    // Every success names that one event (first write, or the same key answered again).
    for (const r of responses.filter((r) => r.status === 201)) expect(r.body.events).toEqual([expect.objectContaining({ id: written[0]!.id, type: 'PaymentDisbursed' })]);

    const view = await t.http().get(`/cases/${caseId}`).set(as('hl-eva')).expect(200);
    expect(view.body.payments[paymentId]).toMatchObject({ status: 'disbursed', attestedBy: 'att-stina', bankReference: 'BGC-2026-12-23-0001', paymentDate: '2026-12-23' });

    // A second payment for the paid month is refused.
    const again = await t.http().post(`/cases/${caseId}/payments`).set(as('hl-eva')).send({ decisionId: 'd-2027-01', amount: 1000 }).expect(409);
    expect(again.body.code).toBe('month_already_paid');
  });

  it('claims återkrav of the paid month and decides to pursue it, with a motivering', async () => {
    const view = await t.http().get(`/cases/${caseId}`).set(as('hl-eva')).expect(200);
    const paymentId = Object.keys(view.body.payments as object)[0]!;
    const claim = await t
      .http()
      .post(`/cases/${caseId}/recoveries`)
      .set(as('hl-eva'))
      .send({ reason: 'omitted_information', description: 'Lön för januari uppgavs inte.', amount: 200_000, legalBasis: 'SoL-aterkrav', paymentIds: [paymentId] })
      .expect(201);
    const recoveryId = claim.body.recoveryId as string;
    const tooMuch = await t.http().post(`/cases/${caseId}/recoveries`).set(as('hl-eva')).send({ reason: 'omitted_information', description: 'x', amount: 900_000, legalBasis: 'SoL-aterkrav', paymentIds: [paymentId] }).expect(422);
    expect(tooMuch.body.code).toBe('amount_exceeds_paid');
    const noReasons = await t.http().post(`/cases/${caseId}/recoveries/${recoveryId}/decision`).set(as('hl-eva')).send({ outcome: 'pursue', motivering: '  ' }).expect(422);
    expect(noReasons.body.code).toBe('motivering_required');
    await t.http().post(`/cases/${caseId}/recoveries/${recoveryId}/decision`).set(as('hl-eva')).send({ outcome: 'pursue', motivering: 'Lönen uppgavs inte trots fråga i ansökan.' }).expect(201);
    const after = await t.http().get(`/cases/${caseId}`).set(as('hl-eva')).expect(200);
    expect(after.body.recoveries[recoveryId]).toMatchObject({ amount: 200_000, decision: { outcome: 'pursue' } });
  });
});
