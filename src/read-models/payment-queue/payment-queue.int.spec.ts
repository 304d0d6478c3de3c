import { beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { calendarFor } from '../../shared/calendar/payment-calendar.js';
import { paymentQueueProjection } from './payment-queue.projection.js';
import { monthPaidOn, PaymentQueueQuery, type QueueItem } from './payment-queue.query.js';

// January 2027 is paid 2026-12-23 in the demo kommun (the 25th is juldagen, the 24th julafton);
// the decision cut-off is three bank days before: 2026-12-18.
const calendar = calendarFor('demo', '2026-12-01')!;
const PAY = '2026-12-23';
const MONTH = '2027-01';

let position = 0;
function history(caseId: string, ...events: Array<[string, Record<string, unknown>]>): RecordedEvent[] {
  return events.map(([type, data], i) => ({
    id: `${caseId}-${i}`,
    stream: `case-${caseId}`,
    version: i + 1,
    globalPosition: ++position,
    type,
    schemaVersion: 1,
    data,
    metadata: { actor: 'hl-anna', role: 'handlaggare', correlationId: 'c', causationId: null, idempotencyKey: null, recordedAt: '2026-11-23T09:00:00.000Z' },
    hash: 'h',
    prevHash: null,
  }));
}

const opened = (unit = 'enhet-nord', protectedIdentity = false): [string, Record<string, unknown>] => ['CaseOpened', { caseId: 'x', household: [], unit, caseworker: 'hl-anna', payee: {}, protectedIdentity, openedOn: '2026-01-05' }];
const applied = (month = MONTH): [string, Record<string, unknown>] => ['ApplicationSubmitted', { applicationId: `a-${month}`, month, submittedOn: '2026-12-10', costs: [], incomes: [], attachments: [], signedBy: ['m1'] }];
const completionAsked = (requestId = 'k1', due = '2026-12-15'): [string, Record<string, unknown>] => ['CompletionRequested', { applicationId: 'a', month: MONTH, requestId, missing: ['kontoutdrag', 'hyresavi'], dueDate: due, requestedOn: '2026-12-11' }];
const completionIn = (requestId = 'k1'): [string, Record<string, unknown>] => ['CompletionReceived', { applicationId: 'a', month: MONTH, requestId, receivedOn: '2026-12-12', supplied: [], attachments: [] }];
const decided = (outcome = 'granted', id = 'd1'): [string, Record<string, unknown>] => ['DecisionMade', { decisionId: id, month: MONTH, outcome, amount: outcome === 'refused' ? 0 : 952000, decidedOn: '2026-12-14' }];
const communicated = (id = 'd1'): [string, Record<string, unknown>] => ['DecisionCommunicated', { decisionId: id, learnedOn: '2026-12-15' }];
const scheduled: [string, Record<string, unknown>] = ['PaymentScheduled', { paymentId: 'p1', decisionId: 'd1', month: MONTH, amount: 952000, paymentDate: PAY }];
const attested: [string, Record<string, unknown>] = ['PaymentAttested', { paymentId: 'p1', attestedBy: 'att-stina', on: '2026-12-16' }];
const disbursed: [string, Record<string, unknown>] = ['PaymentDisbursed', { paymentId: 'p1', bankReference: 'BG-1', on: PAY }];
const returned: [string, Record<string, unknown>] = ['PaymentReturned', { paymentId: 'p1', reason: 'Kontot avslutat', on: PAY }];
const requirement: [string, Record<string, unknown>] = ['ActivityRequirementSet', { requirementId: 'r1', memberId: 'm1', kind: 'job_search', from: '2026-10-01', to: null }];
const reportedDecember: [string, Record<string, unknown>] = ['ActivityReported', { requirementId: 'r1', memberId: 'm1', period: '2026-12', fulfilled: true }];

describe('the payment queue: who gets paid on time', () => {
  let db: Database.Database;
  let query: PaymentQueueQuery;
  const feed = (...streams: RecordedEvent[][]) => paymentQueueProjection.apply(db, streams.flat());
  const item = (caseId: string, today = '2026-12-16'): QueueItem => {
    const answer = query.run(calendar, PAY, MONTH, today, { limit: 1000 });
    return answer.items.find((i) => i.caseId === caseId)!;
  };

  beforeEach(() => {
    db = new Database(':memory:');
    paymentQueueProjection.setup(db);
    query = new PaymentQueueQuery(db);
  });

  it('knows which benefit month a payment date pays', () => {
    expect(monthPaidOn(calendar, PAY)).toBe(MONTH);
    expect(monthPaidOn(calendar, '2026-12-22')).toBeNull();
  });

  it('given a disbursed payment, the case is paid', () => {
    feed(history('paid', opened(), applied(), decided(), communicated(), scheduled, attested, disbursed));
    expect(item('paid')).toMatchObject({ status: 'paid', nextAction: { code: 'none' } });
  });

  it('given an attested payment, the case is ready', () => {
    feed(history('ready', opened(), applied(), decided(), communicated(), scheduled, attested));
    expect(item('ready')).toMatchObject({ status: 'ready', amount: 952000 });
  });

  it('given a scheduled payment, the case awaits attest', () => {
    feed(history('attest', opened(), applied(), decided(), communicated(), scheduled));
    expect(item('attest')).toMatchObject({ status: 'awaiting_attest', nextAction: { code: 'attest' } });
  });

  it('given a communicated decision without a payment, it is decided but not scheduled', () => {
    feed(history('dns', opened(), applied(), decided(), communicated()));
    expect(item('dns')).toMatchObject({ status: 'decided_not_scheduled', nextAction: { code: 'schedule_payment' } });
  });

  it('given a returned payment, the month is back to decided-not-scheduled with the return as the reason', () => {
    feed(history('ret', opened(), applied(), decided(), communicated(), scheduled, attested, returned));
    expect(item('ret')).toMatchObject({ status: 'decided_not_scheduled', reasons: [{ code: 'payment_returned' }] });
  });

  it('given an application in and no decision, with bank days left before the cut-off, it is at risk with the days left', () => {
    feed(history('risk', opened(), applied()));
    const i = item('risk', '2026-12-16');
    expect(i).toMatchObject({ status: 'at_risk', deadline: '2026-12-18', nextAction: { code: 'decide' } });
    expect(i.nextAction.text).toContain('2 bankdag(ar) kvar');
  });

  it('given no decision when the cut-off has passed, it is late', () => {
    feed(history('late', opened(), applied(), completionAsked()));
    expect(item('late', '2026-12-21')).toMatchObject({ status: 'late', nextAction: { code: 'decide_now' }, reasons: [{ code: 'completion_outstanding' }] });
  });

  it('given an outstanding komplettering, it is blocked until the due date with what is missing', () => {
    feed(history('kompl', opened(), applied(), completionAsked('k1', '2026-12-17')));
    const i = item('kompl');
    expect(i.status).toBe('blocked');
    expect(i.reasons).toEqual([{ code: 'completion_outstanding', text: 'Komplettering saknas: kontoutdrag, hyresavi (senast 2026-12-17)', due: '2026-12-17' }]);
    expect(i.deadline).toBe('2026-12-17');
  });

  it('given the komplettering came in, it is no longer blocked', () => {
    feed(history('kin', opened(), applied(), completionAsked(), completionIn()));
    expect(item('kin').status).toBe('at_risk');
  });

  it('given an activity requirement without last month\'s report, it is blocked; with the report it is not', () => {
    feed(history('noreport', opened(), requirement, applied()));
    expect(item('noreport')).toMatchObject({ status: 'blocked', reasons: [{ code: 'activity_report_missing' }], nextAction: { code: 'request_activity_report' } });
    feed(history('report', opened(), requirement, reportedDecember, applied()));
    expect(item('report').status).toBe('at_risk');
  });

  it('given a decision not yet communicated, it is blocked', () => {
    feed(history('uncomm', opened(), applied(), decided()));
    expect(item('uncomm')).toMatchObject({ status: 'blocked', reasons: [{ code: 'decision_not_communicated' }], nextAction: { code: 'communicate_decision' } });
  });

  it('given a protected identity, the payment needs the manual route, and the queue says no more than that', () => {
    feed(history('manual-1', opened('enhet-nord', true), applied(), decided(), communicated()));
    const i = item('manual-1');
    expect(i).toMatchObject({ status: 'blocked', reasons: [{ code: 'manual_handling', text: 'Manuell hantering' }] });
    expect(JSON.stringify(i)).not.toMatch(/skydd|protected|sekretess/i);
  });

  it('given no application for the month, it is not applied; a withdrawn one counts as none', () => {
    feed(history('none', opened()), history('wd', opened(), applied(), ['ApplicationWithdrawn', { applicationId: 'a', month: MONTH, reason: 'x', on: '2026-12-11' }]));
    expect(item('none')).toMatchObject({ status: 'not_applied', nextAction: { code: 'remind_client' } });
    expect(item('wd').status).toBe('not_applied');
  });

  it('given a refusal, nothing is paid and the case says so', () => {
    feed(history('avslag', opened(), applied(), decided('refused'), communicated()));
    expect(item('avslag')).toMatchObject({ status: 'refused', nextAction: { code: 'none' } });
  });

  it('lists the most urgent first, counts per status at the top, filters by unit and status, and leaves out closed cases', () => {
    feed(
      history('q-paid', opened(), applied(), decided(), communicated(), scheduled, attested, disbursed),
      history('q-late', opened(), applied()),
      history('q-none', opened('enhet-syd')),
      history('q-closed', opened(), ['CaseClosed', { on: '2026-11-30', reason: 'Egen försörjning' }]),
    );
    const all = query.run(calendar, PAY, MONTH, '2026-12-21', { limit: 10 });
    expect(all.items.map((i) => i.caseId)).toEqual(['q-late', 'q-none', 'q-paid']);
    expect(all.counts).toMatchObject({ late: 1, not_applied: 1, paid: 1, at_risk: 0 });
    expect(all.total).toBe(3);
    expect(query.run(calendar, PAY, MONTH, '2026-12-21', { unit: 'enhet-syd' }).items.map((i) => i.caseId)).toEqual(['q-none']);
    expect(query.run(calendar, PAY, MONTH, '2026-12-21', { status: 'paid' }).items.map((i) => i.caseId)).toEqual(['q-paid']);
  });

  it('computes tomorrow\'s queue from the same stored facts: no rebuild when the day turns', () => {
    feed(history('day', opened(), applied()));
    expect(item('day', '2026-12-18').status).toBe('at_risk');
    expect(item('day', '2026-12-21').status).toBe('late');
  });
});
