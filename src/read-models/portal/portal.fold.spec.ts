import { describe, expect, it } from '@jest/globals';
import type { ProjectionEvent } from '../../event-store/event-store.port.js';
import { caseloadFold, evolveCaseload, type CaseloadState } from '../caseload/caseload.projection.js';
import { evolvePortal, portalFold, type PortalState } from './portal.projection.js';

const MONTH = '2027-01';
const ev = (type: string, data: Record<string, unknown>): ProjectionEvent => ({
  stream: 'case-c1', version: 1, globalPosition: 1, type, schemaVersion: 1, data,
  metadata: { actor: 'hl-anna', role: 'handlaggare', correlationId: 'c', causationId: null, idempotencyKey: null, recordedAt: '2026-12-01T09:00:00.000Z' },
});
const decision = { month: MONTH, outcome: 'refused', amount: 0, period: { from: '2027-01-01', to: '2027-01-31' }, motivering: 'Inkomsten täcker behovet.', legalReferences: [{ text: '4 kap. 1 § SoL' }], decidedOn: '2026-12-14' };
const opened = ev('CaseOpened', { unit: 'enhet-nord', caseworker: 'hl-anna', protectedIdentity: false, openedOn: '2026-01-05' });
const portal = (...events: ProjectionEvent[]) => events.reduce<PortalState | null>((s, e) => evolvePortal(s, e), null)!;
const caseload = (...events: ProjectionEvent[]) => events.reduce<CaseloadState | null>((s, e) => evolveCaseload(s, e), null)!;

describe('the portal as a fold per case', () => {
  it('given a decision appealed and changed at omprövning, then the client sees the old one replaced by the new', () => {
    const s = portal(opened, ev('DecisionMade', { decisionId: 'd1', ...decision }), ev('DecisionReconsidered', { decisionId: 'd1', newDecisionId: 'd2', ...decision, outcome: 'granted', amount: 900000 }));
    expect(s.decisions.map((d) => [d.decisionId, d.outcome, d.replacedBy])).toEqual([['d1', 'refused', 'd2'], ['d2', 'granted', null]]);
    expect(s.decisions[0]!.legalReferences).toBe('["4 kap. 1 § SoL"]');
  });

  it('given a payment that failed, then the client sees it stopped, not why', () => {
    const s = portal(opened, ev('PaymentScheduled', { paymentId: 'p1', month: MONTH, amount: 952000, paymentDate: '2026-12-23', manualRoute: false }), ev('PaymentFailed', { paymentId: 'p1' }));
    expect(s.payments[0]).toMatchObject({ status: 'stopped', manual: false });
  });

  it('given a reassignment, then the contact is the new caseworker', () => {
    expect(portal(opened, ev('CaseReassigned', { unit: 'enhet-syd', caseworker: 'hl-bo' })).case).toEqual({ contact: 'hl-bo', closedOn: null });
  });

  it('a state written as rows and read back is the same state', () => {
    const s = portal(opened, ev('ApplicationSubmitted', { month: MONTH, submittedOn: '2026-12-10' }), ev('CompletionRequested', { month: MONTH, requestId: 'k1', dueDate: '2026-12-15', missing: ['hyresavi'] }), ev('DecisionMade', { decisionId: 'd1', ...decision }), ev('DecisionCommunicated', { decisionId: 'd1', learnedOn: '2026-12-15', appealDeadline: '2027-01-05' }));
    expect(portalFold.fromRows('c1', portalFold.rows('c1', s))).toEqual(s);
  });
});

describe('the caseload as a fold per case', () => {
  it('given kompletteringar asked for, when the application is withdrawn, then they are nobody\'s work', () => {
    const s = caseload(opened, ev('CompletionRequested', { month: MONTH, requestId: 'k1', dueDate: '2026-12-15', requestedOn: '2026-12-11' }), ev('DecisionMade', { decisionId: 'd0', decidedOn: '2026-12-01' }), ev('ApplicationWithdrawn', { month: MONTH }));
    expect(s.items.map((i) => i.itemId)).toEqual(['uncommunicated:d0']);
  });

  it('when the case is closed, then no work is left and the case counts as closed', () => {
    const s = caseload(opened, ev('ActivityRequirementSet', { requirementId: 'r1', from: '2026-11-03', to: null }), ev('CaseClosed', { on: '2026-12-31' }));
    expect(s.items).toEqual([]);
    expect(s.case?.closed).toBe(true);
    expect(caseloadFold.fromRows('c1', caseloadFold.rows('c1', s))).toEqual(s);
  });
});
