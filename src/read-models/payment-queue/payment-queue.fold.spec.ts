import { describe, expect, it } from '@jest/globals';
import type { ProjectionEvent } from '../../event-store/event-store.port.js';
import { evolveQueue, phaseOf, queueFold, type QueueState } from './payment-queue.projection.js';

const MONTH = '2027-01';
const ev = (type: string, data: Record<string, unknown>): ProjectionEvent => ({
  stream: 'case-c1', version: 1, globalPosition: 1, type, schemaVersion: 1, data,
  metadata: { actor: 'hl-anna', role: 'handlaggare', correlationId: 'c', causationId: null, idempotencyKey: null, recordedAt: '2026-12-01T09:00:00.000Z' },
});
const opened = (protectedIdentity = false) => ev('CaseOpened', { unit: 'enhet-nord', caseworker: 'hl-anna', protectedIdentity, openedOn: '2026-01-05' });
const applied = (month = MONTH) => ev('ApplicationSubmitted', { applicationId: `a-${month}`, month, submittedOn: '2026-12-10' });
const asked = (requestId: string, dueDate: string, missing: string[]) => ev('CompletionRequested', { month: MONTH, requestId, dueDate, missing, requestedOn: '2026-12-11' });
const received = (requestId: string) => ev('CompletionReceived', { month: MONTH, requestId, receivedOn: '2026-12-12' });
const decided = (outcome = 'granted', decisionId = 'd1') => ev('DecisionMade', { decisionId, month: MONTH, outcome, amount: 952000, decidedOn: '2026-12-14' });
const communicated = (decisionId = 'd1') => ev('DecisionCommunicated', { decisionId, learnedOn: '2026-12-15' });
const payment = (type: string) => ev(type, { paymentId: 'p1', month: MONTH, amount: 952000, paymentDate: '2026-12-23' });

const given = (...events: ProjectionEvent[]): QueueState => events.reduce<QueueState | null>((s, e) => evolveQueue(s, e), null)!;
const month = (s: QueueState, m = MONTH) => s.months.find((x) => x.month === m)!;
const phase = (s: QueueState, m = MONTH) => phaseOf(month(s, m), s.case.protected);

describe('the payment queue as a fold per case', () => {
  it('given a month with two kompletteringar outstanding, when one is received, then one is outstanding and due is the other one\'s date', () => {
    const before = given(opened(), applied(), asked('k1', '2026-12-15', ['kontoutdrag']), asked('k2', '2026-12-18', ['hyresavi', 'lönespec']));
    expect(month(before)).toMatchObject({ outstanding: 2, outstandingDue: '2026-12-15', outstandingItems: '["kontoutdrag","hyresavi","lönespec"]' });
    expect(phase(before)).toBe('undecided_blocked');

    const after = evolveQueue(before, received('k1'))!;
    expect(month(after)).toMatchObject({ outstanding: 1, outstandingDue: '2026-12-18', outstandingItems: '["hyresavi","lönespec"]' });
    expect(phase(after)).toBe('undecided_blocked');
    expect(phase(evolveQueue(after, received('k2'))!)).toBe('undecided');
  });

  it('given a new application for the month after a withdrawal, then its old kompletteringar no longer count', () => {
    const withdrawn = given(opened(), applied(), asked('k1', '2026-12-15', ['kontoutdrag']), ev('ApplicationWithdrawn', { month: MONTH }));
    expect(phase(withdrawn)).toBe('not_applied');
    const again = evolveQueue(withdrawn, applied())!;
    expect(month(again)).toMatchObject({ withdrawn: false, outstanding: 0, outstandingDue: null, outstandingItems: '[]' });
    expect(again.completions).toEqual([]);
    expect(phase(again)).toBe('undecided');
  });

  it('given a decision, it is blocked until communicated, then goes through scheduled, attested and paid', () => {
    const s = given(opened(), applied(), decided());
    expect(phase(s)).toBe('decided_blocked');
    const steps = [communicated(), payment('PaymentScheduled'), payment('PaymentAttested'), payment('PaymentDisbursed')];
    const phases = steps.reduce<{ s: QueueState; seen: string[] }>(({ s: at, seen }, e) => {
      const next = evolveQueue(at, e)!;
      return { s: next, seen: [...seen, phase(next)] };
    }, { s, seen: [] }).seen;
    expect(phases).toEqual(['decided_not_scheduled', 'awaiting_attest', 'ready', 'paid']);
  });

  it('given protected identity, a communicated decision still waits for manual handling', () => {
    expect(phase(given(opened(true), applied(), decided(), communicated()))).toBe('decided_blocked');
  });

  it('given a refusal, the month is refused whatever else is known of it', () => {
    expect(phase(given(opened(), applied(), asked('k1', '2026-12-15', ['kontoutdrag']), decided('refused')))).toBe('refused');
  });

  it('given an omprövning, the new decision replaces the old and must be communicated again', () => {
    const s = given(opened(), applied(), decided('refused'), communicated(), ev('DecisionReconsidered', { decisionId: 'd1', newDecisionId: 'd2', month: MONTH, outcome: 'granted', amount: 900000, decidedOn: '2026-12-16' }));
    expect(month(s)).toMatchObject({ decisionId: 'd2', outcome: 'granted', decisionAmount: 900000, communicatedOn: null });
    expect(phase(s)).toBe('decided_blocked');
  });

  it('given a returned payment, the month is no longer paid and shows the return', () => {
    const s = given(opened(), applied(), decided(), communicated(), payment('PaymentScheduled'), payment('PaymentAttested'), payment('PaymentDisbursed'), payment('PaymentReturned'));
    expect(month(s).paymentStatus).toBe('returned');
    expect(phase(s)).toBe('decided_not_scheduled');
  });

  describe('activity reports', () => {
    const requirement = ev('ActivityRequirementSet', { requirementId: 'r1', from: '2026-11-03', to: null });
    it('given a requirement from November and no report for December, then January waits for the report', () => {
      const s = given(opened(), requirement, applied('2027-01'));
      expect(month(s).reportMissing).toBe(true);
      expect(phase(s)).toBe('undecided_blocked');
    });
    it('when December is reported, then January is clear', () => {
      const s = given(opened(), requirement, applied('2027-01'), ev('ActivityReported', { requirementId: 'r1', period: '2026-12' }));
      expect(month(s).reportMissing).toBe(false);
      expect(phase(s)).toBe('undecided');
    });
    it('given a requirement that starts in December, then December itself misses no report of November', () => {
      const s = given(opened(), ev('ActivityRequirementSet', { requirementId: 'r1', from: '2026-12-01', to: null }), applied('2026-12'), applied('2027-01'));
      expect([month(s, '2026-12').reportMissing, month(s, '2027-01').reportMissing]).toEqual([false, true]);
    });
    it('given a requirement ended in November, then January misses nothing', () => {
      const s = given(opened(), requirement, applied('2027-01'), ev('ActivityRequirementEnded', { requirementId: 'r1', endedOn: '2026-11-20' }));
      expect(month(s).reportMissing).toBe(false);
    });
  });

  it('given events before the case is opened, nothing is kept (every case stream starts with CaseOpened)', () => {
    expect(evolveQueue(null, applied())).toBeNull();
  });

  it('a state written as rows and read back is the same state', () => {
    const s = given(opened(), ev('ActivityRequirementSet', { requirementId: 'r1', from: '2026-11-03', to: '2027-06-30' }), applied('2026-12'), applied(), asked('k2', '2026-12-18', ['hyresavi']), asked('k1', '2026-12-15', ['kontoutdrag']), received('k1'), decided(), communicated(), payment('PaymentScheduled'), ev('ActivityReported', { requirementId: 'r1', period: '2026-12' }), ev('CaseReassigned', { unit: 'enhet-syd', caseworker: 'hl-bo' }));
    const rows = queueFold.rows('c1', s);
    expect(queueFold.fromRows('c1', rows)).toEqual(s);
    expect(rows[1]!.map((r) => [r[1], r[17], r[22]])).toEqual([['2026-12', 'enhet-syd', 'undecided_blocked'], [MONTH, 'enhet-syd', 'awaiting_attest']]);
  });
});
