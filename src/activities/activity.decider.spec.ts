import { describe, it, expect } from '@jest/globals';
import { given } from '../command-path/testing/given-when-then.js';
import { NotFoundError } from '../shared/errors.js';
import { activityMissed, caseClosed, caseOpened, missExcused, requirementSet } from '../decisions/testing/fixtures.js';
import { decideActivities, type ActivityCommand } from './activity.decider.js';

const decide = decideActivities;
const today = '2026-11-24';

function setRequirement(overrides: Partial<Extract<ActivityCommand, { kind: 'SetActivityRequirement' }>> = {}): Extract<ActivityCommand, { kind: 'SetActivityRequirement' }> {
  return {
    kind: 'SetActivityRequirement',
    requirementId: 'req-anna',
    memberId: 'anna',
    activity: 'job_search',
    description: null,
    schedule: { reportsPerMonth: 8 },
    from: '2026-10-01',
    to: '2027-03-31',
    legalBasis: 'SoL-aktivitetskrav',
    today,
    ...overrides,
  };
}

const report = (period: string, fulfilled = true, evidence = ['8 sökta jobb, lista från Arbetsförmedlingen']): ActivityCommand => ({ kind: 'ReportActivity', requirementId: 'req-anna', period, fulfilled, evidence, today });
const miss = (missId: string, period: string): ActivityCommand => ({ kind: 'RecordActivityMiss', requirementId: 'req-anna', missId, period, description: 'Lämnade ingen aktivitetsrapport', today });
const withPraktik = [caseOpened(), requirementSet('anna', '2026-09-01')];

describe('an activity requirement is set for an adult in the household', () => {
  it('given Anna (44) in the household, when the caseworker asks her to report 8 job applications a month from October 2026, then the requirement records the law in force on its first day', () => {
    given([caseOpened()])
      .when(decide, setRequirement())
      .then([
        {
          type: 'ActivityRequirementSet',
          data: {
            requirementId: 'req-anna',
            memberId: 'anna',
            kind: 'job_search',
            description: null,
            schedule: { reportsPerMonth: 8 },
            from: '2026-10-01',
            to: '2027-03-31',
            legalBasis: expect.objectContaining({ code: 'SoL-aktivitetskrav', version: 'SoL-aktivitetskrav@2026-07-01' }),
            setOn: today,
          },
        },
      ]);
  });

  it('given Cilla is 7, no activity requirement is set for her', () => {
    const err = given([caseOpened()]).when(decide, setRequirement({ memberId: 'cilla' })).thenRefused('member_not_adult', 422);
    expect(err.message).toMatch(/Cilla Andersson är under 18 år/);
  });

  it('given a member not in the household, the requirement is refused', () => {
    given([caseOpened()]).when(decide, setRequirement({ memberId: 'okänd' })).thenRefused('unknown_member', 422);
  });

  it('the extent is hours a week or reports a month, not both', () => {
    given([caseOpened()]).when(decide, setRequirement({ schedule: { hoursPerWeek: 40, reportsPerMonth: 8 } })).thenRefused('schedule_one_measure', 422);
    given([caseOpened()]).when(decide, setRequirement({ schedule: {} })).thenRefused('schedule_one_measure', 422);
  });

  it('an unknown law code, a reversed period, or "other" without a description is refused', () => {
    given([caseOpened()]).when(decide, setRequirement({ legalBasis: 'SoL-0' })).thenRefused('unknown_legal_reference', 422);
    given([caseOpened()]).when(decide, setRequirement({ to: '2026-09-30' })).thenRefused('period_reversed', 422);
    given([caseOpened()]).when(decide, setRequirement({ activity: 'other' })).thenRefused('description_required', 422);
  });

  it('given the case is closed, nothing is set', () => {
    given([caseOpened(), caseClosed('2026-11-01')]).when(decide, setRequirement()).thenRefused('case_closed', 409);
  });

  it('the same requirement is set once', () => {
    given(withPraktik).when(decide, setRequirement()).thenRefused('requirement_exists', 409);
  });
});

describe('reports and misses', () => {
  it('given Anna\'s praktik from September, when she reports October as fulfilled with evidence, then the report is recorded', () => {
    given(withPraktik)
      .when(decide, report('2026-10'))
      .then([{ type: 'ActivityReported', data: { requirementId: 'req-anna', memberId: 'anna', period: '2026-10', fulfilled: true, evidence: ['8 sökta jobb, lista från Arbetsförmedlingen'], reportedOn: today } }]);
  });

  it('a month is reported once, and not before the requirement started or before the month has begun', () => {
    const reported = [...withPraktik, ...given(withPraktik).when(decide, report('2026-10')).events()];
    given(reported).when(decide, report('2026-10')).thenRefused('activity_already_reported', 409);
    given(withPraktik).when(decide, report('2026-08')).thenRefused('period_outside_requirement', 422);
    given(withPraktik).when(decide, report('2026-12')).thenRefused('period_in_future', 422);
  });

  it('given the praktik, when Anna misses November, then the miss is recorded for the next decision to consider', () => {
    const e = given(withPraktik).when(decide, miss('miss-1', '2026-11')).events();
    expect(e).toEqual([{ type: 'ActivityMissed', data: { requirementId: 'req-anna', memberId: 'anna', missId: 'miss-1', period: '2026-11', description: 'Lämnade ingen aktivitetsrapport', recordedOn: today } }]);
    expect(given([...withPraktik, ...e]).state.activities['req-anna']?.misses[0]).toMatchObject({ missId: 'miss-1', excuse: null, consideredInDecision: null });
  });

  it('an unknown requirement is not found', () => {
    expect(() => given([caseOpened()]).when(decide, report('2026-10')).events()).toThrow(NotFoundError);
  });

  it('given a miss, when the caseworker accepts Anna\'s reason, then the miss is excused once', () => {
    const history = [...withPraktik, activityMissed('miss-1', '2026-11')];
    given(history)
      .when(decide, { kind: 'ExcuseActivityMiss', requirementId: 'req-anna', missId: 'miss-1', reason: 'Sjuk med läkarintyg', today })
      .then([{ type: 'ActivityMissExcused', data: { requirementId: 'req-anna', missId: 'miss-1', reason: 'Sjuk med läkarintyg', excusedOn: today } }]);
    given([...history, missExcused('miss-1')]).when(decide, { kind: 'ExcuseActivityMiss', requirementId: 'req-anna', missId: 'miss-1', reason: 'igen', today }).thenRefused('miss_already_excused', 409);
    expect(() => given(history).when(decide, { kind: 'ExcuseActivityMiss', requirementId: 'req-anna', missId: 'miss-9', reason: 'x', today }).events()).toThrow(NotFoundError);
  });
});

describe('ending a requirement', () => {
  const end = (endedOn: string): ActivityCommand => ({ kind: 'EndActivityRequirement', requirementId: 'req-anna', endedOn, reason: 'Anna har fått anställning', today });

  it('given the praktik, when it ends on 15 October, then later months can no longer be reported', () => {
    const e = given(withPraktik).when(decide, end('2026-10-15')).events();
    expect(e).toEqual([{ type: 'ActivityRequirementEnded', data: { requirementId: 'req-anna', endedOn: '2026-10-15', reason: 'Anna har fått anställning' } }]);
    given([...withPraktik, ...e]).when(decide, report('2026-11')).thenRefused('period_outside_requirement', 422);
    given([...withPraktik, ...e]).when(decide, end('2026-10-20')).thenRefused('requirement_ended', 409);
  });

  it('a requirement cannot end before it began', () => {
    given(withPraktik).when(decide, end('2026-08-31')).thenRefused('end_before_start', 422);
  });
});
