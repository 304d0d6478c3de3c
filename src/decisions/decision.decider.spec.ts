import { describe, it, expect } from '@jest/globals';
import { given } from '../command-path/testing/given-when-then.js';
import { evolveCase } from '../cases/case-evolve.js';
import type { DomainEvent } from '../command-path/decider.js';
import { NotFoundError } from '../shared/errors.js';
import { decideDecisions, type DecisionCommand } from './decision.decider.js';
import type { DecisionMade, DecisionReconsidered } from './decision.events.js';
import {
  activityMissed,
  applicationSubmitted,
  applicationWithdrawn,
  calculationMade,
  caseClosed,
  caseOpened,
  communicated,
  completionReceived,
  completionRequested,
  decidedMonth,
  makeDecision,
  missExcused,
  requirementSet,
} from './testing/fixtures.js';

const decide = decideDecisions;
const readyForDecember: DomainEvent[] = [caseOpened(), applicationSubmitted('2026-12'), calculationMade('2026-12')];
const made = (events: readonly DomainEvent[]) => events[0] as DecisionMade;

const communicate = (decisionId: string, learnedOn: string, today = learnedOn): DecisionCommand => ({ kind: 'CommunicateDecision', decisionId, learnedOn, channel: 'e_tjanst', today });
const appeal = (decisionId: string, receivedOn: string, appealId = 'ö-1'): DecisionCommand => ({ kind: 'ReceiveAppeal', decisionId, appealId, receivedOn, today: receivedOn });

function reconsider(overrides: Partial<Extract<DecisionCommand, { kind: 'ReconsiderDecision' }>> = {}): Extract<DecisionCommand, { kind: 'ReconsiderDecision' }> {
  const { kind: _k, decisionId: _d, month: _m, ...content } = makeDecision();
  return {
    kind: 'ReconsiderDecision',
    decisionId: 'd-2026-12',
    newDecisionId: 'd-2026-12-b',
    grounds: 'appeal',
    appealId: 'ö-1',
    disadvantageGround: null,
    ...content,
    motivering: 'Vid omprövningen har hyran för december visats vara högre; beräkningen är gjord om.',
    today: '2026-12-10',
    ...overrides,
  };
}

describe('a caseworker decides a month of försörjningsstöd', () => {
  it('given a complete application for December 2026 and its calculation, when the caseworker grants the calculated 12 000 kr, then the decision records the calculation, the law in force, who decided and under which delegation', () => {
    given(readyForDecember)
      .when(decide, makeDecision())
      .then([
        {
          type: 'DecisionMade',
          data: {
            decisionId: 'd-2026-12',
            month: '2026-12',
            outcome: 'granted',
            amount: 1_200_000,
            period: { from: '2026-12-01', to: '2026-12-31' },
            calculationId: 'calc-2026-12',
            calculationTotal: 1_200_000,
            motivering: 'Hushållet saknar egna medel; behovet enligt beräkningen tillgodoses.',
            legalReferences: [{ code: 'SoL-12-1', text: 'SoL (2025:400) 12 kap. 1 §', title: expect.any(String), version: 'SoL-12-1@2025-07-01', verified: true }],
            decidedBy: 'hl-eva',
            delegation: 'DO 4.1.1',
            automated: false,
            automation: null,
            decidedOn: '2026-11-24',
            activityMisses: [],
            activityRuleVersion: 'aktivitetskrav-2026-10',
          },
        },
      ]);
  });

  it('given a decision made in March 2025, the same law code cites the old SoL (2001:453) in force that day', () => {
    const e = given([caseOpened(), applicationSubmitted('2025-04', '2025-03-16'), calculationMade('2025-04')])
      .when(decide, makeDecision({ month: '2025-04', decisionId: 'd-2025-04', period: { from: '2025-04-01', to: '2025-04-30' }, today: '2025-03-20' }))
      .events();
    expect(made(e).data.legalReferences[0]).toMatchObject({ text: 'SoL (2001:453) 4 kap. 1 §', version: 'SoL-12-1@2002-01-01' });
  });

  it('given the household withdrew its December application, when the caseworker decides it, then it is refused with a message saying the application is withdrawn', () => {
    const err = given([...readyForDecember, applicationWithdrawn('2026-12')]).when(decide, makeDecision()).thenRefused('application_withdrawn', 409);
    expect(err.message).toMatch(/Ansökan för 2026-12 är återkallad/);
    expect(err.message).toMatch(/Anna har fått arbete/);
  });

  it('given no application for the month, a decision is refused', () => {
    given([caseOpened(), calculationMade('2026-12')]).when(decide, makeDecision()).thenRefused('application_missing', 409);
  });

  it('given a komplettering still outstanding, a decision is refused naming what is missing and by when', () => {
    const err = given([...readyForDecember, completionRequested('2026-12', '2026-11-30')]).when(decide, makeDecision()).thenRefused('completion_outstanding', 409);
    expect(err.message).toMatch(/kontoutdrag oktober/);
    expect(err.message).toMatch(/2026-11-30/);
  });

  it('given the komplettering came in, the month can be decided', () => {
    const e = given([...readyForDecember, completionRequested(), completionReceived()]).when(decide, makeDecision()).events();
    expect(e.map((x) => x.type)).toEqual(['DecisionMade']);
  });

  it('given the komplettering never came and its last day has passed, the nämnd may refuse on what it has, but not grant', () => {
    const history = [...readyForDecember, completionRequested('2026-12', '2026-11-30')];
    const refusal = makeDecision({ outcome: 'refused', amount: 0, motivering: 'Begärda kontoutdrag har inte kommit in; rätten till bistånd kan inte bedömas.', today: '2026-12-02' });
    expect(made(given(history).when(decide, refusal).events()).data.outcome).toBe('refused');
    given(history).when(decide, makeDecision({ today: '2026-12-02' })).thenRefused('completion_outstanding', 409);
  });

  it('given a decision without motivering, it is refused citing förvaltningslagen 32 §', () => {
    const err = given(readyForDecember).when(decide, makeDecision({ motivering: '   ' })).thenRefused('motivering_required', 422);
    expect(err.message).toMatch(/32 §/);
  });

  it('given no law reference, or an unknown one, the decision is refused', () => {
    given(readyForDecember).when(decide, makeDecision({ legalReferences: [] })).thenRefused('legal_reference_required', 422);
    given(readyForDecember).when(decide, makeDecision({ legalReferences: ['SoL-99-9'] })).thenRefused('unknown_legal_reference', 422);
  });

  it('given no calculation for the month, granting is refused; refusing needs none and rests on no calculation', () => {
    const history = [caseOpened(), applicationSubmitted('2026-12')];
    given(history).when(decide, makeDecision()).thenRefused('calculation_missing', 409);
    const e = given(history).when(decide, makeDecision({ outcome: 'refused', amount: 0, motivering: 'Hushållets inkomster täcker behovet.' })).events();
    expect(made(e).data).toMatchObject({ outcome: 'refused', amount: 0, calculationId: null, calculationTotal: null });
  });

  it('granted means the calculated amount, above zero', () => {
    given(readyForDecember).when(decide, makeDecision({ amount: 1_100_000 })).thenRefused('granted_amount_differs', 422);
    given([caseOpened(), applicationSubmitted('2026-12'), calculationMade('2026-12', 0)]).when(decide, makeDecision({ amount: 0 })).thenRefused('amount_required', 422);
  });

  it('partly granted must be less than the calculation; refused grants nothing', () => {
    given(readyForDecember).when(decide, makeDecision({ outcome: 'partly_granted', amount: 1_200_000 })).thenRefused('partly_granted_not_less', 422);
    expect(made(given(readyForDecember).when(decide, makeDecision({ outcome: 'partly_granted', amount: 900_000 })).events()).data.amount).toBe(900_000);
    given(readyForDecember).when(decide, makeDecision({ outcome: 'refused', amount: 100 })).thenRefused('refused_amount_not_zero', 422);
  });

  it('given a recalculation of December, a decision on the superseded calculation is refused; it rests on the latest', () => {
    const recalculated: DomainEvent = { ...calculationMade('2026-12', 1_250_000, 'calc-2026-12-b'), data: { ...calculationMade('2026-12', 1_250_000, 'calc-2026-12-b').data, supersedes: 'calc-2026-12' } };
    const history = [...readyForDecember, recalculated];
    given(history).when(decide, makeDecision({ calculationId: 'calc-2026-12' })).thenRefused('calculation_not_latest', 409);
    expect(made(given(history).when(decide, makeDecision({ amount: 1_250_000 })).events()).data.calculationId).toBe('calc-2026-12-b');
  });

  it('given December is already decided, a second decision is refused: a new one comes only through omprövning', () => {
    const err = given([caseOpened(), ...decidedMonth('2026-12')]).when(decide, makeDecision({ decisionId: 'd-2026-12-ny' })).thenRefused('month_already_decided', 409);
    expect(err.message).toMatch(/omprövning/);
  });

  it('given the case is closed, no decision is made', () => {
    given([...readyForDecember, caseClosed('2026-11-22')]).when(decide, makeDecision()).thenRefused('case_closed', 409);
  });

  it('given a period outside the month, the decision is refused', () => {
    given(readyForDecember).when(decide, makeDecision({ period: { from: '2026-11-15', to: '2026-12-31' } })).thenRefused('period_outside_month', 422);
  });

  it('given an automated decision (förvaltningslagen 28 §), it must record the rule version and reasons', () => {
    given(readyForDecember).when(decide, makeDecision({ decidedBy: 'system-fortsattning', automated: true })).thenRefused('automated_decision_unexplained', 422);
    const e = given(readyForDecember)
      .when(decide, makeDecision({ decidedBy: 'system-fortsattning', automated: true, automation: { ruleVersion: 'fortsattningsansokan-v3', reasons: ['Oförändrade inkomster och utgifter sedan november'] } }))
      .events();
    expect(made(e).data.automation).toEqual({
      ruleVersion: 'fortsattningsansokan-v3',
      reasons: ['Oförändrade inkomster och utgifter sedan november'],
      legalBasis: expect.objectContaining({ code: 'FL-28', text: 'förvaltningslagen (2017:900) 28 §' }),
    });
  });

  it('once decided, the application for the month reads as decided', () => {
    const history = [...readyForDecember, ...given(readyForDecember).when(decide, makeDecision()).events()];
    const state = history.reduce(evolveCase, given([]).state);
    expect(state.applications['2026-12']?.status).toBe('decided');
    expect(state.decisions['d-2026-12']).toMatchObject({ month: '2026-12', outcome: 'granted', amount: 1_200_000, decidedBy: 'hl-eva', communicatedOn: null, replacedBy: null });
  });
});

describe('activity misses must be considered in the next decision', () => {
  const withPraktik = [...readyForDecember, requirementSet('anna', '2026-09-01')];

  it('given Anna missed her praktik in November without acceptable reason, a December decision that does not take a stand on it is refused naming the miss', () => {
    const err = given([...withPraktik, activityMissed('miss-1', '2026-11')]).when(decide, makeDecision()).thenRefused('activity_misses_unconsidered', 409);
    expect(err.message).toMatch(/miss-1 \(2026-11/);
    expect(err.details).toEqual({ missIds: ['miss-1'] });
  });

  it('given the unexcused miss, when December is partly granted with a reduction and its law reference, then the decision carries the miss and the next month need not', () => {
    const history = [...withPraktik, activityMissed('miss-1', '2026-11')];
    const cmd = makeDecision({
      outcome: 'partly_granted',
      amount: 1_000_000,
      motivering: 'Anna har utan godtagbart skäl uteblivit från praktiken i november; biståndet sätts ned med 2 000 kr.',
      considersMisses: [{ missId: 'miss-1', consequence: 'reduction', reductionAmount: 200_000, legalReference: 'SoL-aktivitetskrav' }],
    });
    const e = given(history).when(decide, cmd).events();
    expect(made(e).data.activityMisses).toEqual([
      {
        missId: 'miss-1',
        requirementId: 'req-anna',
        memberId: 'anna',
        period: '2026-11',
        consequence: 'reduction',
        reductionAmount: 200_000,
        legalReference: expect.objectContaining({ code: 'SoL-aktivitetskrav', version: 'SoL-aktivitetskrav@2026-07-01' }),
      },
    ]);
    const next = [...history, ...e, applicationSubmitted('2027-01', '2026-12-16'), calculationMade('2027-01')];
    expect(made(given(next).when(decide, makeDecision({ month: '2027-01', decisionId: 'd-2027-01', today: '2026-12-22' })).events()).data.activityMisses).toEqual([]);
    expect(given([...history, ...e]).state.activities['req-anna']?.misses[0]?.consideredInDecision).toBe('d-2026-12');
  });

  it('a reduction is not a full grant, and the amount must come down by at least the reduction', () => {
    const history = [...withPraktik, activityMissed('miss-1', '2026-11')];
    const reduction = { missId: 'miss-1', consequence: 'reduction' as const, reductionAmount: 200_000, legalReference: 'SoL-aktivitetskrav' };
    given(history).when(decide, makeDecision({ considersMisses: [reduction] })).thenRefused('reduction_needs_partly_granted', 422);
    given(history).when(decide, makeDecision({ outcome: 'partly_granted', amount: 1_100_000, considersMisses: [reduction] })).thenRefused('reduction_not_applied', 422);
  });

  it('a miss that leads to refusal makes the decision a refusal', () => {
    const history = [...withPraktik, activityMissed('miss-1', '2026-11')];
    const refusal = { missId: 'miss-1', consequence: 'refusal' as const, reductionAmount: null, legalReference: 'SoL-aktivitetskrav' };
    given(history).when(decide, makeDecision({ considersMisses: [refusal] })).thenRefused('miss_refusal_needs_refused_outcome', 422);
    const e = given(history).when(decide, makeDecision({ outcome: 'refused', amount: 0, considersMisses: [refusal] })).events();
    expect(made(e).data.activityMisses[0]).toMatchObject({ consequence: 'refusal', reductionAmount: null });
  });

  it('given the miss was excused, the decision need not carry it, and may not', () => {
    const history = [...withPraktik, activityMissed('miss-1', '2026-11'), missExcused('miss-1')];
    expect(given(history).when(decide, makeDecision()).events()).toHaveLength(1);
    given(history).when(decide, makeDecision({ outcome: 'partly_granted', amount: 1_000_000, considersMisses: [{ missId: 'miss-1', consequence: 'reduction', reductionAmount: 200_000, legalReference: 'SoL-aktivitetskrav' }] })).thenRefused('miss_excused', 409);
  });

  it('under the older rule (September 2026) the nämnd may let a miss pass; from October 2026 it shall refuse or reduce', () => {
    const none = { missId: 'miss-1', consequence: 'none' as const, reductionAmount: null, legalReference: 'SoL-aktivitetskrav' };
    const september = [caseOpened(), applicationSubmitted('2026-09', '2026-08-16'), calculationMade('2026-09'), requirementSet('anna', '2026-07-01'), activityMissed('miss-1', '2026-08')];
    const sept = makeDecision({ month: '2026-09', decisionId: 'd-2026-09', period: { from: '2026-09-01', to: '2026-09-30' }, considersMisses: [none], today: '2026-08-25' });
    expect(made(given(september).when(decide, sept).events()).data.activityMisses[0]?.consequence).toBe('none');
    given([...withPraktik, activityMissed('miss-1', '2026-11')]).when(decide, makeDecision({ considersMisses: [none] })).thenRefused('miss_consequence_required', 422);
  });

  it('an unknown miss cannot be carried', () => {
    given(withPraktik).when(decide, makeDecision({ outcome: 'refused', amount: 0, considersMisses: [{ missId: 'nope', consequence: 'refusal', reductionAmount: null, legalReference: 'SoL-aktivitetskrav' }] })).thenRefused('unknown_miss', 422);
  });
});

describe('aktivitetskrav: the October 2026 plan flag', () => {
  const threeMonths = [caseOpened(), ...decidedMonth('2026-07'), ...decidedMonth('2026-08'), ...decidedMonth('2026-09')];
  const october = makeDecision({ month: '2026-10', decisionId: 'd-2026-10', period: { from: '2026-10-01', to: '2026-10-31' }, today: '2026-09-24' });

  it('given support July–September 2026 and no activity plan for Anna or Bo, the October decision is made and flagged planMissing for the queue', () => {
    const e = given([...threeMonths, applicationSubmitted('2026-10', '2026-09-16'), calculationMade('2026-10')]).when(decide, october).events();
    expect(made(e).data).toMatchObject({
      outcome: 'granted',
      planMissing: true,
      activityPlan: { ruleVersion: 'aktivitetskrav-2026-10', consecutiveMonths: 3, membersWithoutPlan: ['anna', 'bo'] },
    });
    expect(made(e).data.activityPlan?.reason).toMatch(/Anna Andersson, Bo Andersson/);
  });

  it('given both adults have an activity requirement running in October, there is no flag', () => {
    const history = [...threeMonths, requirementSet('anna', '2026-09-01'), requirementSet('bo', '2026-09-15'), applicationSubmitted('2026-10', '2026-09-16'), calculationMade('2026-10')];
    expect(made(given(history).when(decide, october).events()).data.planMissing).toBeUndefined();
  });

  it('given support June–August 2026, the September decision is not flagged: the reform applies from October', () => {
    const history = [caseOpened(), ...decidedMonth('2026-06'), ...decidedMonth('2026-07'), ...decidedMonth('2026-08'), applicationSubmitted('2026-09', '2026-08-16'), calculationMade('2026-09')];
    const e = given(history).when(decide, makeDecision({ month: '2026-09', decisionId: 'd-2026-09', period: { from: '2026-09-01', to: '2026-09-30' }, today: '2026-08-24' })).events();
    expect(made(e).data.planMissing).toBeUndefined();
  });
});

describe('the client learns of the decision: the appeal clock', () => {
  const decided = [caseOpened(), ...decidedMonth('2026-12')];

  it('given the client learned of the decision on 3 December 2026, three weeks end on julafton, so the deadline moves past juldagen and annandag jul to Monday 28 December', () => {
    given(decided)
      .when(decide, communicate('d-2026-12', '2026-12-03'))
      .then([
        {
          type: 'DecisionCommunicated',
          data: {
            decisionId: 'd-2026-12',
            learnedOn: '2026-12-03',
            channel: 'e_tjanst',
            appealDeadline: '2026-12-28',
            nominalAppealDeadline: '2026-12-24',
            deadlineMoved: {
              from: '2026-12-24',
              reason: 'flyttad från julafton',
              skipped: [
                { date: '2026-12-24', label: 'julafton' },
                { date: '2026-12-25', label: 'juldagen' },
                { date: '2026-12-26', label: 'annandag jul' },
                { date: '2026-12-27', label: 'söndag' },
              ],
            },
            appealRuleVersion: 'fl-2017-900-44',
            appealLegalBasis: expect.stringContaining('förvaltningslagen (2017:900) 44 §'),
            recordedOn: '2026-12-03',
          },
        },
      ]);
  });

  it('given the client learned of the June decision on 29 May 2026, three weeks end on midsommarafton, so the deadline moves to Monday 22 June', () => {
    const june = [caseOpened(), applicationSubmitted('2026-06', '2026-05-16'), calculationMade('2026-06')];
    const decision = given(june).when(decide, makeDecision({ month: '2026-06', decisionId: 'd-2026-06', period: { from: '2026-06-01', to: '2026-06-30' }, today: '2026-05-25' })).events();
    const e = given([...june, ...decision]).when(decide, communicate('d-2026-06', '2026-05-29')).events();
    expect(e[0]?.data).toMatchObject({ appealDeadline: '2026-06-22', nominalAppealDeadline: '2026-06-19', deadlineMoved: { from: '2026-06-19', reason: 'flyttad från midsommarafton' } });
  });

  it('given a deadline on an ordinary weekday, nothing moves', () => {
    const e = given(decided).when(decide, communicate('d-2026-12', '2026-12-02')).events();
    expect(e[0]?.data).toMatchObject({ appealDeadline: '2026-12-23', deadlineMoved: null });
  });

  it('the client cannot have learned of it before it was decided, nor on a day still to come', () => {
    given(decided).when(decide, communicate('d-2026-12', '2026-11-30')).thenRefused('learned_before_decision', 422);
    given(decided).when(decide, communicate('d-2026-12', '2026-12-05', '2026-12-04')).thenRefused('learned_in_future', 422);
  });

  it('the day of kännedom is recorded once', () => {
    given([...decided, communicated('d-2026-12', '2026-12-03')]).when(decide, communicate('d-2026-12', '2026-12-04')).thenRefused('already_communicated', 409);
  });

  it('an unknown decision is not found', () => {
    expect(() => given(decided).when(decide, communicate('d-nope', '2026-12-03')).events()).toThrow(NotFoundError);
  });
});

describe('an appeal arrives', () => {
  const toldOnDec3 = [caseOpened(), ...decidedMonth('2026-12'), communicated('d-2026-12', '2026-12-03')];

  it('given the deadline moved from julafton to 28 December, an appeal received on 28 December is on time', () => {
    given(toldOnDec3)
      .when(decide, appeal('d-2026-12', '2026-12-28'))
      .then([{ type: 'AppealReceived', data: { decisionId: 'd-2026-12', appealId: 'ö-1', receivedOn: '2026-12-28', deadline: '2026-12-28', onTime: true, daysLate: 0, lateGround: null, recordedOn: '2026-12-28' } }]);
  });

  it('given the same deadline, an appeal received on 29 December is recorded all the same, flagged late for the nämnd to reject (avvisning)', () => {
    const e = given(toldOnDec3).when(decide, appeal('d-2026-12', '2026-12-29')).events();
    expect(e[0]?.data).toMatchObject({ onTime: false, daysLate: 1, deadline: '2026-12-28', lateGround: { code: 'FL-45', text: 'förvaltningslagen (2017:900) 45 §' } });
  });

  it('given the decision was never communicated, an appeal cannot be timed and is refused', () => {
    const err = given([caseOpened(), ...decidedMonth('2026-12')]).when(decide, appeal('d-2026-12', '2026-12-10')).thenRefused('decision_not_communicated', 409);
    expect(err.message).toMatch(/fick del av/);
  });

  it('given the case was closed meanwhile, the appeal is still recorded', () => {
    const e = given([...toldOnDec3, caseClosed('2026-12-20')]).when(decide, appeal('d-2026-12', '2026-12-21')).events();
    expect(e[0]?.data).toMatchObject({ onTime: true });
  });

  it('the same appeal is registered once', () => {
    const first = given(toldOnDec3).when(decide, appeal('d-2026-12', '2026-12-10')).events();
    given([...toldOnDec3, ...first]).when(decide, appeal('d-2026-12', '2026-12-11')).thenRefused('appeal_exists', 409);
  });
});

describe('omprövning (förvaltningslagen 37–39 §§)', () => {
  const appealed = [caseOpened(), ...decidedMonth('2026-12', 'partly_granted', 1_000_000), communicated('d-2026-12', '2026-12-03'), { type: 'AppealReceived', data: { decisionId: 'd-2026-12', appealId: 'ö-1', receivedOn: '2026-12-08', deadline: '2026-12-28', onTime: true, daysLate: 0, lateGround: null, recordedOn: '2026-12-08' } }];

  it('given an appeal against a partly granted December, when the nämnd reconsiders and grants in full, then the new decision replaces the old one, which is marked replaced', () => {
    const e = given(appealed).when(decide, reconsider()).events();
    const data = (e[0] as DecisionReconsidered).data;
    expect(data).toMatchObject({
      decisionId: 'd-2026-12',
      newDecisionId: 'd-2026-12-b',
      grounds: 'appeal',
      appealId: 'ö-1',
      month: '2026-12',
      outcome: 'granted',
      amount: 1_200_000,
      motivering: expect.stringMatching(/omprövningen/),
      reconsiderationBasis: { code: 'FL-37-39', text: 'förvaltningslagen (2017:900) 37–39 §§' },
    });
    const state = given([...appealed, ...e]).state;
    expect(state.decisions['d-2026-12']?.replacedBy).toBe('d-2026-12-b');
    expect(state.decisions['d-2026-12-b']).toMatchObject({ amount: 1_200_000, replaces: { decisionId: 'd-2026-12', grounds: 'appeal' }, replacedBy: null, communicatedOn: null });
  });

  it('a reconsidered decision needs its own motivering', () => {
    given(appealed).when(decide, reconsider({ motivering: '' })).thenRefused('motivering_required', 422);
  });

  it('a favourable decision changed to the client\'s disadvantage needs a ground from förvaltningslagen 38 §', () => {
    const lower = reconsider({ grounds: 'new_circumstances', appealId: null, outcome: 'partly_granted', amount: 600_000, motivering: 'Anna hade inte uppgett lön för november.' });
    given(appealed).when(decide, lower).thenRefused('reconsideration_to_disadvantage', 422);
    expect(given(appealed).when(decide, { ...lower, disadvantageGround: 'misleading_information' }).events()[0]?.data).toMatchObject({ amount: 600_000, disadvantageGround: 'misleading_information' });
  });

  it('given the decision was already replaced, it cannot be reconsidered again, and the month still cannot be decided anew', () => {
    const history = [...appealed, ...given(appealed).when(decide, reconsider()).events()];
    given(history).when(decide, reconsider({ newDecisionId: 'd-2026-12-c' })).thenRefused('decision_already_replaced', 409);
    given(history).when(decide, makeDecision({ decisionId: 'd-2026-12-x' })).thenRefused('month_already_decided', 409);
  });

  it('an appeal against a replaced decision belongs to the new one', () => {
    const history = [...appealed, ...given(appealed).when(decide, reconsider()).events()];
    given(history).when(decide, appeal('d-2026-12', '2026-12-12', 'ö-2')).thenRefused('decision_replaced', 409);
  });

  it('omprövning because of an appeal names an appeal against that decision', () => {
    given(appealed).when(decide, reconsider({ appealId: null })).thenRefused('appeal_required', 422);
    given(appealed).when(decide, reconsider({ appealId: 'ö-okänd' })).thenRefused('unknown_appeal', 422);
  });

  it('given December carried a miss that was later excused, the omprövning need not carry it and the miss is free again', () => {
    const base = [caseOpened(), applicationSubmitted('2026-12'), calculationMade('2026-12'), requirementSet('anna', '2026-09-01'), activityMissed('miss-1', '2026-11')];
    const first = given(base).when(decide, makeDecision({ outcome: 'partly_granted', amount: 1_000_000, considersMisses: [{ missId: 'miss-1', consequence: 'reduction', reductionAmount: 200_000, legalReference: 'SoL-aktivitetskrav' }] })).events();
    const excused = [...base, ...first, missExcused('miss-1')];
    const e = given(excused).when(decide, reconsider({ grounds: 'new_circumstances', appealId: null })).events();
    expect((e[0] as DecisionReconsidered).data.activityMisses).toEqual([]);
    expect(given([...excused, ...e]).state.activities['req-anna']?.misses[0]?.consideredInDecision).toBeNull();
  });

  it('given December carried an unexcused miss, the omprövning must take a stand on it again', () => {
    const base = [caseOpened(), applicationSubmitted('2026-12'), calculationMade('2026-12'), requirementSet('anna', '2026-09-01'), activityMissed('miss-1', '2026-11')];
    const reduction = { missId: 'miss-1', consequence: 'reduction' as const, reductionAmount: 200_000, legalReference: 'SoL-aktivitetskrav' };
    const first = given(base).when(decide, makeDecision({ outcome: 'partly_granted', amount: 1_000_000, considersMisses: [reduction] })).events();
    given([...base, ...first]).when(decide, reconsider({ grounds: 'other_error', appealId: null })).thenRefused('activity_misses_unconsidered', 409);
    const e = given([...base, ...first]).when(decide, reconsider({ grounds: 'other_error', appealId: null, outcome: 'partly_granted', amount: 1_000_000, considersMisses: [reduction] })).events();
    expect(given([...base, ...first, ...e]).state.activities['req-anna']?.misses[0]?.consideredInDecision).toBe('d-2026-12-b');
  });
});
