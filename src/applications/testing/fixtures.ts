import type { DomainEvent } from '../../command-path/decider.js';
import { DomainRuleError } from '../../shared/errors.js';
import type { CaseState } from '../../cases/case-state.js';
import type { DecisionOutcome, DecisionState } from '../../decisions/decision.state.js';
import type { CaseOpened } from '../../cases/case.events.js';
import type { HouseholdMember } from '../../cases/case.state.js';
import type { ApplicationSubmitted, CompletionReceived, CompletionRequested } from '../application.events.js';

/** A couple with one child: Anna (sökande), Bo (medsökande), Cilla (7). */
export const anna: HouseholdMember = { memberId: 'anna', role: 'applicant', name: 'Anna Andersson', personnummer: '198112189876', birthDate: '1981-12-18' };
export const bo: HouseholdMember = { memberId: 'bo', role: 'co_applicant', name: 'Bo Andersson', personnummer: '197910102397', birthDate: '1979-10-10' };
export const cilla: HouseholdMember = { memberId: 'cilla', role: 'child', name: 'Cilla Andersson', personnummer: null, birthDate: '2019-03-01' };

export function caseOpened(household: readonly HouseholdMember[] = [anna, bo, cilla]): CaseOpened {
  return {
    type: 'CaseOpened',
    data: {
      caseId: 'c-1',
      household,
      unit: 'enhet-nord',
      caseworker: 'hl-eva',
      payee: { kind: 'client_account', name: 'Anna Andersson', account: '8327-9 123 456 789-0' },
      protectedIdentity: false,
      openedOn: '2026-01-10',
    },
  };
}

export function applicationSubmitted(month = '2026-12', overrides: Partial<ApplicationSubmitted['data']> = {}): ApplicationSubmitted {
  return {
    type: 'ApplicationSubmitted',
    data: {
      applicationId: `app-${month}`,
      month,
      submittedOn: '2026-11-20',
      costs: [{ kind: 'housing', amount: 850_000 }],
      incomes: [{ kind: 'barnbidrag', amount: 125_000, earned: false }],
      attachments: ['hyresavi december'],
      signedBy: ['anna', 'bo'],
      ...overrides,
    },
  };
}

export function completionRequested(month = '2026-12', requestId = 'k-1', missing = ['lönespecifikation november']): CompletionRequested {
  return { type: 'CompletionRequested', data: { applicationId: `app-${month}`, month, requestId, missing, dueDate: '2026-12-01', requestedOn: '2026-11-21' } };
}

export function completionReceived(month = '2026-12', requestId = 'k-1'): CompletionReceived {
  return {
    type: 'CompletionReceived',
    data: { applicationId: `app-${month}`, month, requestId, receivedOn: '2026-11-23', supplied: ['lönespecifikation november'], attachments: ['lonespec-nov.pdf'] },
  };
}

export function caseClosed(): DomainEvent {
  return { type: 'CaseClosed', data: { on: '2026-11-22', reason: 'Flyttat' } };
}

/**
 * The case with a decision for the month, written straight into the decisions slice: the
 * decisions capability owns DecisionMade, so these tests do not depend on its event shape.
 */
export function withDecision(state: CaseState, month: string, outcome: DecisionOutcome = 'granted', decisionId = `d-${month}`): CaseState {
  // Only the fields applications and calculations read; the decisions slice owns the full shape.
  const decision = { decisionId, month, outcome, amount: 500_000, calculationId: null, decidedOn: `${month}-01`, replacedBy: null } as unknown as DecisionState;
  return { ...state, decisions: { ...state.decisions, [decisionId]: decision } };
}

/** For a case built by hand (e.g. withDecision): the DomainRuleError a decide throws, or fails. */
export function refusal(run: () => unknown): DomainRuleError {
  try {
    run();
  } catch (e) {
    if (e instanceof DomainRuleError) return e;
    throw e;
  }
  throw new Error('expected the command to be refused, but it was accepted');
}
