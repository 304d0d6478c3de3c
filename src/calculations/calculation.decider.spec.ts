import { describe, it, expect } from '@jest/globals';
import { given } from '../command-path/testing/given-when-then.js';
import type { DomainEvent } from '../command-path/decider.js';
import type { CaseState } from '../cases/case-state.js';
import { anna, applicationSubmitted, bo, caseClosed, caseOpened, cilla, completionReceived, completionRequested, withDecision } from '../applications/testing/fixtures.js';
import { consecutiveMonthsOnSupport, decideCalculation, evolveCalculations, latestCalculation, type CalculationCommand } from './calculation.decider.js';
import type { CalculationMade } from './calculation.events.js';

const calculate = (overrides: Partial<CalculationCommand> = {}): CalculationCommand => ({
  kind: 'MakeCalculation',
  calculationId: 'calc-1',
  month: '2026-12',
  kommun: 'demo',
  adjustments: [],
  today: '2026-11-24',
  ...overrides,
});

const made = (events: readonly DomainEvent[]) => events[0] as CalculationMade;

/** Granted (or other) decisions for a run of months, written into the decisions slice. */
function withDecisions(state: CaseState, months: Record<string, 'granted' | 'partly_granted' | 'refused'>): CaseState {
  return Object.entries(months).reduce((s, [month, outcome]) => withDecision(s, month, outcome), state);
}

const submittedDecember = [caseOpened(), applicationSubmitted('2026-12')];

describe('the monthly calculation', () => {
  it('given a couple with a 7-year-old and December applied for, when the caseworker calculates, then riksnorm + rent − barnbidrag is 19 920 kr on riksnorm-2026', () => {
    const e = made(given(submittedDecember).when(decideCalculation, calculate()).events());
    expect(e.type).toBe('CalculationMade');
    expect(e.data).toMatchObject({
      calculationId: 'calc-1',
      month: '2026-12',
      applicationId: 'app-2026-12',
      calculatedOn: '2026-11-24',
      kommun: 'demo',
      supersedes: null,
      tableVersion: 'riksnorm-2026',
      ceilingVersion: 'demo-ceilings-2026',
      jobbstimulansVersion: null,
      consecutiveMonthsOnSupport: 0,
      priorConsecutiveMonths: null,
      household: {
        size: 3,
        adults: 2,
        couple: true,
        members: [
          { memberId: 'anna', role: 'applicant', ageAtMonthStart: 44, counted: true },
          { memberId: 'bo', role: 'co_applicant', ageAtMonthStart: 47, counted: true },
          { memberId: 'cilla', role: 'child', ageAtMonthStart: 7, counted: true },
        ],
      },
      totals: { riksnorm: 1_267_000, claimedCosts: 850_000, approvedCosts: 850_000, income: 125_000, countedIncome: 125_000, jobbstimulansDisregard: 0, adjustments: 0, beforeFloor: 1_992_000, total: 1_992_000 },
    });
    expect(e.data.lines.riksnorm.map((l) => l.amount)).toEqual([709_000, 380_000, 178_000]);
    expect(e.data.lines.costs).toEqual([{ kind: 'housing', label: 'Boendekostnad (hyra)', claimed: 850_000, approved: 850_000, capped: false, ceiling: 1_020_000, reason: null }]);
    expect(e.data.lines.incomes).toEqual([{ kind: 'barnbidrag', label: 'Barnbidrag', amount: 125_000, earned: false }]);
    expect(e.data.rulesApplied.map((r) => r.rule)).toEqual(['riksnorm', 'reasonable-costs']);
  });

  it('when the rent is above the kommun\'s ceiling for three persons, then the approved cost is capped with the ceiling and the reason', () => {
    const events = given([caseOpened(), applicationSubmitted('2026-12', { costs: [{ kind: 'housing', amount: 1_200_000 }] })]).when(decideCalculation, calculate()).events();
    const [line] = made(events).data.lines.costs;
    expect(line).toMatchObject({ kind: 'housing', claimed: 1_200_000, approved: 1_020_000, capped: true, ceiling: 1_020_000 });
    expect(line?.reason).toContain('demo-ceilings-2026');
  });

  it('when income covers the need, then the bistånd is zero and the shortfall shows before the floor', () => {
    const events = given([caseOpened(), applicationSubmitted('2026-12', { incomes: [{ kind: 'wages', amount: 3_000_000, earned: true }] })]).when(decideCalculation, calculate()).events();
    expect(made(events).data.totals).toMatchObject({ beforeFloor: 1_267_000 + 850_000 - 3_000_000, total: 0 });
  });

  it('given six months of granted support before December, when wages of 5 000 kr are declared, then 1 250 kr is left out as jobbstimulans', () => {
    const base = given([caseOpened(), applicationSubmitted('2026-12', { incomes: [{ kind: 'wages', amount: 500_000, earned: true }] })]).state;
    const state = withDecisions(base, { '2026-06': 'granted', '2026-07': 'granted', '2026-08': 'partly_granted', '2026-09': 'granted', '2026-10': 'granted', '2026-11': 'granted' });
    const e = made(decideCalculation(calculate(), state));
    expect(e.data.consecutiveMonthsOnSupport).toBe(6);
    expect(e.data.totals).toMatchObject({ earnedIncome: 500_000, jobbstimulansDisregard: 125_000, countedIncome: 375_000 });
    expect(e.data.jobbstimulansVersion).toBe('jobbstimulans-2013');
    expect(latestCalculationAfter(state, e)?.lines.at(-1)).toEqual({ label: 'Jobbstimulans: bortsedd del av arbetsinkomst', amount: 125_000, rule: 'jobbstimulans-2013' });
  });

  it('given only five months of support, then no jobbstimulans yet', () => {
    const base = given([caseOpened(), applicationSubmitted('2026-12', { incomes: [{ kind: 'wages', amount: 500_000, earned: true }] })]).state;
    const state = withDecisions(base, { '2026-07': 'granted', '2026-08': 'granted', '2026-09': 'granted', '2026-10': 'granted', '2026-11': 'granted' });
    expect(made(decideCalculation(calculate(), state)).data.totals.jobbstimulansDisregard).toBe(0);
  });

  it('when an adjustment is made with a reason, then it is a line of its own and moves the total', () => {
    const events = given(submittedDecember).when(decideCalculation, calculate({ adjustments: [{ amount: -50_000, reason: 'Avdrag för dubbel ersättning i november' }] })).events();
    const e = made(events);
    expect(e.data.lines.adjustments).toEqual([{ amount: -50_000, reason: 'Avdrag för dubbel ersättning i november' }]);
    expect(e.data.totals).toMatchObject({ adjustments: -50_000, total: 1_942_000 });
    expect(e.data.rulesApplied.map((r) => r.rule)).toContain('manual-adjustment');
  });

  it('when an adjustment has no reason, then it is refused', () => {
    given(submittedDecember).when(decideCalculation, calculate({ adjustments: [{ amount: 10_000, reason: '  ' }] })).thenRefused('adjustment_needs_reason', 422);
  });

  it('given no application for December, when the caseworker calculates, then it is refused', () => {
    given([caseOpened()]).when(decideCalculation, calculate()).thenRefused('no_application', 409);
  });

  it('given December withdrawn, when the caseworker calculates, then it is refused', () => {
    const withdrawn = { type: 'ApplicationWithdrawn', data: { applicationId: 'app-2026-12', month: '2026-12', reason: 'Arbete', on: '2026-11-22' } };
    given([...submittedDecember, withdrawn]).when(decideCalculation, calculate()).thenRefused('application_withdrawn', 409);
  });

  it('given the November payslip still missing, when the caseworker calculates, then it is refused and says what is missing', () => {
    const err = given([...submittedDecember, completionRequested()]).when(decideCalculation, calculate()).thenRefused('completion_outstanding', 409);
    expect(err.message).toContain('lönespecifikation november');
    expect(err.details).toMatchObject({ missing: ['lönespecifikation november'], requests: [{ requestId: 'k-1', dueDate: '2026-12-01' }] });
  });

  it('given the payslip received, when the caseworker calculates, then it is calculated', () => {
    expect(given([...submittedDecember, completionRequested(), completionReceived()]).when(decideCalculation, calculate()).events()).toHaveLength(1);
  });

  it('given a closed case, when the caseworker calculates, then it is refused', () => {
    given([...submittedDecember, caseClosed()]).when(decideCalculation, calculate()).thenRefused('case_closed', 409);
  });

  it('given the same calculation id already used, then it is refused', () => {
    const first = given(submittedDecember).when(decideCalculation, calculate()).events();
    given([...submittedDecember, ...first]).when(decideCalculation, calculate()).thenRefused('calculation_id_exists', 409);
  });
});

describe('recalculation', () => {
  it('given December calculated, when it is calculated again, then the new calculation supersedes the first and is the one in force', () => {
    const first = given(submittedDecember).when(decideCalculation, calculate()).events();
    const second = given([...submittedDecember, ...first]).when(decideCalculation, calculate({ calculationId: 'calc-2', adjustments: [{ amount: 20_000, reason: 'Extra elkostnad' }] })).events();
    expect(made(second).data.supersedes).toBe('calc-1');
    const { state } = given([...submittedDecember, ...first, ...second]);
    expect(latestCalculation(state, '2026-12')).toMatchObject({ calculationId: 'calc-2', total: 2_012_000, tableVersion: 'riksnorm-2026', supersededBy: null });
    expect(state.calculations['calc-1']).toMatchObject({ month: '2026-12', total: 1_992_000, supersededBy: 'calc-2' });
  });

  it('a calculation of another month leaves December in force', () => {
    const dec = given(submittedDecember).when(decideCalculation, calculate()).events();
    const janEvents = [...submittedDecember, ...dec, applicationSubmitted('2027-01', { submittedOn: '2026-12-20' })];
    const jan = given(janEvents).when(decideCalculation, calculate({ calculationId: 'calc-jan', month: '2027-01', today: '2026-12-21' })).events();
    const { state } = given([...janEvents, ...jan]);
    expect(latestCalculation(state, '2026-12')?.calculationId).toBe('calc-1');
    expect(latestCalculation(state, '2027-01')?.calculationId).toBe('calc-jan');
    expect(made(jan).data.supersedes).toBeNull();
  });

  it('the rows of a stored calculation add up to the sum before the floor', () => {
    const events = given([caseOpened(), applicationSubmitted('2026-12', { incomes: [{ kind: 'wages', amount: 300_000, earned: true }, { kind: 'barnbidrag', amount: 125_000, earned: false }] })])
      .when(decideCalculation, calculate({ adjustments: [{ amount: 15_000, reason: 'Glasögon' }] }))
      .events();
    const stored = latestCalculationAfter(given([caseOpened(), applicationSubmitted('2026-12')]).state, made(events));
    expect(stored?.lines.reduce((s, l) => s + l.amount, 0)).toBe(made(events).data.totals.beforeFloor);
  });
});

describe('household composition', () => {
  it('an adult lodger who is not a sambo is left out of the household norm, with a note', () => {
    const lodger = { memberId: 'dan', role: 'other_adult' as const, name: 'Dan Dansson', personnummer: null, birthDate: '1990-01-01' };
    const e = made(given([caseOpened([anna, bo, cilla, lodger]), applicationSubmitted()]).when(decideCalculation, calculate()).events());
    expect(e.data.household.size).toBe(3);
    expect(e.data.household.members[3]).toMatchObject({ memberId: 'dan', counted: false });
    expect(e.data.household.members[3]?.note).toMatch(/söker själv/);
  });

  it('a single applicant with a child born in December counts the child at age 0', () => {
    const baby = { memberId: 'baby', role: 'child' as const, name: 'Bebis', personnummer: null, birthDate: '2026-12-10' };
    const e = made(given([caseOpened([anna, baby]), applicationSubmitted('2026-12', { signedBy: ['anna'] })]).when(decideCalculation, calculate()).events());
    expect(e.data.household).toMatchObject({ size: 2, adults: 1, couple: false });
    expect(e.data.household.members[1]).toMatchObject({ ageAtMonthStart: 0, counted: true });
  });

  it('a child not yet born in the month is not counted', () => {
    const unborn = { memberId: 'u', role: 'child' as const, name: 'Väntat barn', personnummer: null, birthDate: '2027-02-01' };
    const e = made(given([caseOpened([anna, unborn]), applicationSubmitted('2026-12', { signedBy: ['anna'] })]).when(decideCalculation, calculate()).events());
    expect(e.data.household.size).toBe(1);
  });
});

describe('consecutive months on support', () => {
  const base = given(submittedDecember).state;

  it('counts granted and partly granted months right before the month, and stops at a refusal', () => {
    const state = withDecisions(base, { '2026-06': 'granted', '2026-07': 'granted', '2026-08': 'granted', '2026-09': 'refused', '2026-10': 'granted', '2026-11': 'partly_granted' });
    expect(consecutiveMonthsOnSupport(state, '2026-12')).toBe(2);
  });

  it('stops at a month with no decision', () => {
    const state = withDecisions(base, { '2026-08': 'granted', '2026-10': 'granted', '2026-11': 'granted' });
    expect(consecutiveMonthsOnSupport(state, '2026-12', 12)).toBe(2);
  });

  it('adds the months a migrated case brought along when its own history runs out without a gap', () => {
    expect(consecutiveMonthsOnSupport(base, '2026-12', 8)).toBe(8);
    expect(consecutiveMonthsOnSupport(withDecisions(base, { '2026-10': 'granted', '2026-11': 'granted' }), '2026-12', 5)).toBe(7);
  });

  it('does not count a decision replaced after omprövning', () => {
    const replaced = withDecision(base, '2026-11', 'granted', 'd-old');
    const state = {
      ...replaced,
      decisions: { ...replaced.decisions, 'd-old': { ...replaced.decisions['d-old']!, replacedBy: 'd-new' } },
    };
    expect(consecutiveMonthsOnSupport(withDecision(state, '2026-11', 'refused', 'd-new'), '2026-12')).toBe(0);
  });

  it('the command\'s prior months reach the event', () => {
    const e = made(given(submittedDecember).when(decideCalculation, calculate({ priorConsecutiveMonths: 7 })).events());
    expect(e.data).toMatchObject({ consecutiveMonthsOnSupport: 7, priorConsecutiveMonths: 7, jobbstimulansVersion: null });
  });

  it('a refused month right before ends the run, even for a migrated case', () => {
    expect(consecutiveMonthsOnSupport(withDecision(base, '2026-11', 'refused'), '2026-12', 9)).toBe(0);
  });
});

/** The stored calculation once the event is folded into the case. */
function latestCalculationAfter(state: CaseState, e: CalculationMade) {
  return latestCalculation(evolveCalculations(state, e), e.data.month);
}
