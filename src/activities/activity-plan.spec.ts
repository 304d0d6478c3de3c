import { describe, it, expect } from '@jest/globals';
import { given } from '../command-path/testing/given-when-then.js';
import type { HouseholdMember } from '../cases/case.state.js';
import { anna, bo, caseOpened, cilla, decidedMonth, requirementSet } from '../decisions/testing/fixtures.js';
import { activityPlanRequired } from './activity-plan.js';
import { ACTIVITY_RULES, activityRuleFor } from './activity.rules.js';

const julyToSeptember = [caseOpened(), ...decidedMonth('2026-07'), ...decidedMonth('2026-08'), ...decidedMonth('2026-09')];

describe('aktivitetskrav: an individual plan after three consecutive months on försörjningsstöd', () => {
  it('the reform governs support from October 2026, as versioned data with its source; September still runs under the older "may" rule', () => {
    expect(activityRuleFor('2026-09')).toMatchObject({ version: 'praktik-kompetenshojande-may', individualPlan: null, missConsequence: 'may' });
    expect(activityRuleFor('2026-10')).toMatchObject({ version: 'aktivitetskrav-2026-10', individualPlan: { afterConsecutiveMonthsOnSupport: 3 }, missConsequence: 'shall', lawInForceFrom: '2026-07-01' });
    const reform = ACTIVITY_RULES.find((r) => r.version === 'aktivitetskrav-2026-10')!;
    expect(reform.exemptions.map((e) => e.code)).toEqual(['under_18', 'in_school_18_20', 'full_time_work_or_af_programme', 'sick_benefit', 'pension_age']);
    expect(reform.exemptions.every((e) => e.source.length > 0)).toBe(true);
  });

  it('given support July, August and September 2026 and no plan, October requires a plan and it is missing for Anna and Bo; Cilla is exempt as under 18', () => {
    const a = activityPlanRequired(given(julyToSeptember).state, '2026-10');
    expect(a).toMatchObject({ required: true, planMissing: true, consecutiveMonths: 3, membersWithoutPlan: ['anna', 'bo'], ruleVersion: 'aktivitetskrav-2026-10' });
    expect(a.exemptions).toEqual([{ memberId: 'cilla', code: 'under_18', label: 'under 18 år' }]);
    expect(a.reason).toMatch(/3 månader i följd \(2026-07–2026-09\)/);
  });

  it('given the same history for September (June–August), no plan is required yet: the reform applies from October', () => {
    const state = given([caseOpened(), ...decidedMonth('2026-06'), ...decidedMonth('2026-07'), ...decidedMonth('2026-08')]).state;
    expect(activityPlanRequired(state, '2026-09')).toMatchObject({ required: false, planMissing: false });
  });

  it('given only August and September on support, October does not require a plan yet', () => {
    const state = given([caseOpened(), ...decidedMonth('2026-08'), ...decidedMonth('2026-09')]).state;
    expect(activityPlanRequired(state, '2026-10')).toMatchObject({ required: false, consecutiveMonths: 2 });
  });

  it('a refused month breaks the run of consecutive months', () => {
    const state = given([caseOpened(), ...decidedMonth('2026-06'), ...decidedMonth('2026-07', 'refused'), ...decidedMonth('2026-08'), ...decidedMonth('2026-09')]).state;
    expect(activityPlanRequired(state, '2026-10').consecutiveMonths).toBe(2);
  });

  it('given Anna has a requirement running into October but Bo\'s ended in September, the plan is missing for Bo only', () => {
    const bosEnded = { type: 'ActivityRequirementEnded', data: { requirementId: 'req-bo', endedOn: '2026-09-30', reason: 'Avbröt' } };
    const state = given([...julyToSeptember, requirementSet('anna', '2026-09-01'), requirementSet('bo', '2026-08-01'), bosEnded]).state;
    expect(activityPlanRequired(state, '2026-10')).toMatchObject({ planMissing: true, membersWithoutPlan: ['bo'] });
  });

  it('given Bo has reached pension age and Anna is on sjukpenning (recorded), no plan is missing', () => {
    const olderBo: HouseholdMember = { ...bo, birthDate: '1958-05-01' };
    const state = given([caseOpened([anna, olderBo, cilla]), ...decidedMonth('2026-07'), ...decidedMonth('2026-08'), ...decidedMonth('2026-09')]).state;
    const a = activityPlanRequired(state, '2026-10', [{ memberId: 'anna', code: 'sick_benefit' }]);
    expect(a).toMatchObject({ required: true, planMissing: false, membersWithoutPlan: [] });
    expect(a.exemptions.map((e) => [e.memberId, e.code])).toEqual([
      ['anna', 'sick_benefit'],
      ['bo', 'pension_age'],
      ['cilla', 'under_18'],
    ]);
  });
});
