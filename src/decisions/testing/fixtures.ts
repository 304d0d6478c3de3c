/** Facts and commands for the decisions and activities specs, in the field's words. */
import type { DomainEvent } from '../../command-path/decider.js';
import type { CaseOpened } from '../../cases/case.events.js';
import type { HouseholdMember } from '../../cases/case.state.js';
import type { ApplicationSubmitted, ApplicationWithdrawn, CompletionReceived, CompletionRequested } from '../../applications/application.events.js';
import type { CalculationMade } from '../../calculations/calculation.events.js';
import type { ActivityMissed, ActivityMissExcused, ActivityRequirementSet } from '../../activities/activity.events.js';
import { citeLaw } from '../law-citation.js';
import { appealDeadline } from '../../shared/calendar/deadlines.js';
import { lastDayOf } from '../../shared/date-math.js';
import type { LocalDate, Month } from '../../shared/dates.js';
import type { Ore } from '../../shared/money.js';
import type { DecisionCommunicated, DecisionMade, DecisionOutcome } from '../decision.events.js';
import type { DecisionCommand } from '../decision.decider.js';

/** A couple with one child: Anna (sökande), Bo (medsökande), Cilla (7). */
export const anna: HouseholdMember = { memberId: 'anna', role: 'applicant', name: 'Anna Andersson', personnummer: '198112189876', birthDate: '1981-12-18' };
export const bo: HouseholdMember = { memberId: 'bo', role: 'co_applicant', name: 'Bo Andersson', personnummer: '197910102397', birthDate: '1979-10-10' };
export const cilla: HouseholdMember = { memberId: 'cilla', role: 'child', name: 'Cilla Andersson', personnummer: null, birthDate: '2019-03-01' };

export function caseOpened(household: readonly HouseholdMember[] = [anna, bo, cilla]): CaseOpened {
  return {
    type: 'CaseOpened',
    data: { caseId: 'c-1', household, unit: 'enhet-nord', caseworker: 'hl-eva', payee: { kind: 'client_account', name: 'Anna Andersson', account: '8327-9 123 456 789-0' }, protectedIdentity: false, openedOn: '2025-01-10' },
  };
}

export const caseClosed = (on: LocalDate = '2026-12-20'): DomainEvent => ({ type: 'CaseClosed', data: { on, reason: 'Flyttat från kommunen' } });

export function applicationSubmitted(month: Month = '2026-12', submittedOn: LocalDate = '2026-11-16'): ApplicationSubmitted {
  return {
    type: 'ApplicationSubmitted',
    data: { applicationId: `app-${month}`, month, submittedOn, costs: [{ kind: 'housing', amount: 850_000 }], incomes: [], attachments: ['hyresavi'], signedBy: ['anna', 'bo'] },
  };
}

export function completionRequested(month: Month = '2026-12', dueDate: LocalDate = '2026-11-30', requestId = 'k-1'): CompletionRequested {
  return { type: 'CompletionRequested', data: { applicationId: `app-${month}`, month, requestId, missing: ['kontoutdrag oktober'], dueDate, requestedOn: '2026-11-17' } };
}

export function completionReceived(month: Month = '2026-12', requestId = 'k-1'): CompletionReceived {
  return { type: 'CompletionReceived', data: { applicationId: `app-${month}`, month, requestId, receivedOn: '2026-11-20', supplied: ['kontoutdrag oktober'], attachments: ['kontoutdrag.pdf'] } };
}

export function applicationWithdrawn(month: Month = '2026-12'): ApplicationWithdrawn {
  return { type: 'ApplicationWithdrawn', data: { applicationId: `app-${month}`, month, reason: 'Anna har fått arbete', on: '2026-11-19' } };
}

/** The month's bistånd after the calculation: 12 000 kr unless told. */
export function calculationMade(month: Month = '2026-12', total: Ore = 1_200_000, calculationId = `calc-${month}`): CalculationMade {
  return {
    type: 'CalculationMade',
    data: {
      calculationId,
      month,
      applicationId: `app-${month}`,
      calculatedOn: '2026-11-18',
      kommun: 'stockholm',
      supersedes: null,
      household: { size: 3, adults: 2, couple: true, members: [] },
      lines: { riksnorm: [], costs: [], incomes: [], adjustments: [] },
      totals: { riksnorm: total, claimedCosts: 0, approvedCosts: 0, income: 0, earnedIncome: 0, jobbstimulansDisregard: 0, countedIncome: 0, adjustments: 0, beforeFloor: total, total },
      tableVersion: 'riksnorm-2026',
      ceilingVersion: null,
      jobbstimulansVersion: null,
      consecutiveMonthsOnSupport: 0,
      priorConsecutiveMonths: null,
      rulesApplied: [],
    },
  };
}

/** An application, its calculation and the decision for an earlier month, as they stand in the log. */
export function decidedMonth(month: Month, outcome: DecisionOutcome = 'granted', amount: Ore = outcome === 'refused' ? 0 : 1_200_000): DomainEvent[] {
  const decidedOn = `${month}-01` < '2025-07-01' ? '2025-07-01' : `${month}-01`;
  const made: DecisionMade = {
    type: 'DecisionMade',
    data: {
      decisionId: `d-${month}`,
      month,
      outcome,
      amount,
      period: { from: `${month}-01`, to: lastDayOf(month) },
      calculationId: `calc-${month}`,
      calculationTotal: 1_200_000,
      motivering: 'Hushållet saknar egna medel och har rätt till försörjningsstöd.',
      legalReferences: [citeLaw('SoL-12-1', decidedOn)],
      decidedBy: 'hl-eva',
      delegation: 'DO 4.1.1',
      automated: false,
      automation: null,
      decidedOn,
      activityMisses: [],
      activityRuleVersion: 'praktik-kompetenshojande-may',
    },
  };
  return [applicationSubmitted(month, `${month}-01`), calculationMade(month), made];
}

export function communicated(decisionId: string, learnedOn: LocalDate): DecisionCommunicated {
  const d = appealDeadline(learnedOn);
  return {
    type: 'DecisionCommunicated',
    data: {
      decisionId,
      learnedOn,
      channel: 'brev',
      appealDeadline: d.deadline,
      nominalAppealDeadline: d.nominalDeadline,
      deadlineMoved: d.movedFrom ? { from: d.movedFrom, reason: d.reason ?? '', skipped: d.skipped } : null,
      appealRuleVersion: d.ruleVersion,
      appealLegalBasis: d.legalBasis,
      recordedOn: learnedOn,
    },
  };
}

export function requirementSet(memberId = 'anna', from: LocalDate = '2026-09-01', requirementId = `req-${memberId}`, to: LocalDate | null = null): ActivityRequirementSet {
  return {
    type: 'ActivityRequirementSet',
    data: {
      requirementId,
      memberId,
      kind: 'praktik',
      description: null,
      schedule: { hoursPerWeek: 40 },
      from,
      to,
      legalBasis: citeLaw('SoL-aktivitetskrav', from),
      setOn: from,
    },
  };
}

export function activityMissed(missId = 'miss-1', period: Month = '2026-11', requirementId = 'req-anna', memberId = 'anna'): ActivityMissed {
  return { type: 'ActivityMissed', data: { requirementId, memberId, missId, period, description: 'Uteblev från praktiken två veckor utan att höra av sig', recordedOn: `${period}-20` } };
}

export function missExcused(missId = 'miss-1', requirementId = 'req-anna'): ActivityMissExcused {
  return { type: 'ActivityMissExcused', data: { requirementId, missId, reason: 'Vårdade sjukt barn (intyg inlämnat)', excusedOn: '2026-11-22' } };
}

/** The caseworker grants December 2026 in full, as calculated. */
export function makeDecision(overrides: Partial<Extract<DecisionCommand, { kind: 'MakeDecision' }>> = {}): Extract<DecisionCommand, { kind: 'MakeDecision' }> {
  const month = overrides.month ?? '2026-12';
  return {
    kind: 'MakeDecision',
    decisionId: `d-${month}`,
    month,
    outcome: 'granted',
    amount: 1_200_000,
    period: { from: `${month}-01`, to: lastDayOf(month) },
    calculationId: null,
    motivering: 'Hushållet saknar egna medel; behovet enligt beräkningen tillgodoses.',
    legalReferences: ['SoL-12-1'],
    delegation: 'DO 4.1.1',
    automation: null,
    considersMisses: [],
    decidedBy: 'hl-eva',
    automated: false,
    today: '2026-11-24',
    ...overrides,
  };
}
