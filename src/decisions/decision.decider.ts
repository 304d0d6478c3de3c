import type { DomainEvent } from '../command-path/decider.js';
import type { CaseState } from '../cases/case-state.js';
import { activityPlanRequired } from '../activities/activity-plan.js';
import { openMisses } from '../activities/activity.decider.js';
import { activityRuleFor } from '../activities/activity.rules.js';
import type { CalculationState } from '../calculations/calculation.state.js';
import { appealDeadline } from '../shared/calendar/deadlines.js';
import { daysBetween, lastDayOf } from '../shared/date-math.js';
import { firstDayOf, type LocalDate, type Month } from '../shared/dates.js';
import { NotFoundError, ruleBroken } from '../shared/errors.js';
import { formatKronor, type Ore } from '../shared/money.js';
import type {
  CommunicationChannel,
  ConsideredMiss,
  DecisionContent,
  DecisionEvent,
  DecisionOutcome,
  DisadvantageGround,
  MissConsequence,
  ReconsiderationGrounds,
} from './decision.events.js';
import type { DecisionState } from './decision.state.js';
import { citeLaw } from './law-citation.js';

/** How the decision takes a stand on one unexcused activity miss. */
export interface MissConsiderationInput {
  readonly missId: string;
  readonly consequence: MissConsequence;
  readonly reductionAmount: Ore | null;
  /** Law code, resolved on the decision date. */
  readonly legalReference: string;
}

/** What the caseworker (or the automated rule) decides; shared by a first decision and an omprövning. */
export interface DecisionInput {
  readonly outcome: DecisionOutcome;
  readonly amount: Ore;
  readonly period: { readonly from: LocalDate; readonly to: LocalDate };
  /** When given, must be the month's latest calculation (the one the caseworker looked at). */
  readonly calculationId: string | null;
  readonly motivering: string;
  readonly legalReferences: readonly string[];
  readonly delegation: string;
  readonly automation: { readonly ruleVersion: string; readonly reasons: readonly string[] } | null;
  readonly considersMisses: readonly MissConsiderationInput[];
  /** The actor. */
  readonly decidedBy: string;
  /** True when a system actor decides (förvaltningslagen 28 §). */
  readonly automated: boolean;
  readonly today: LocalDate;
}

export type DecisionCommand =
  | ({ readonly kind: 'MakeDecision'; readonly decisionId: string; readonly month: Month } & DecisionInput)
  | { readonly kind: 'CommunicateDecision'; readonly decisionId: string; readonly learnedOn: LocalDate; readonly channel: CommunicationChannel; readonly today: LocalDate }
  | { readonly kind: 'ReceiveAppeal'; readonly decisionId: string; readonly appealId: string; readonly receivedOn: LocalDate; readonly today: LocalDate }
  | ({
      readonly kind: 'ReconsiderDecision';
      readonly decisionId: string;
      readonly newDecisionId: string;
      readonly grounds: ReconsiderationGrounds;
      readonly appealId: string | null;
      readonly disadvantageGround: DisadvantageGround | null;
    } & DecisionInput);

function requireCase(state: CaseState): void {
  ruleBroken(state.file !== null, 'case_not_opened', 'Ärendet finns inte.', 409);
}

function requireOpen(state: CaseState): void {
  requireCase(state);
  ruleBroken(state.file!.closed === null, 'case_closed', `Ärendet avslutades ${state.file!.closed?.on}; nya beslut kan inte fattas i det.`, 409);
}

function decisionOf(state: CaseState, decisionId: string): DecisionState {
  const d = state.decisions[decisionId];
  if (!d) throw new NotFoundError(`Beslutet ${decisionId} finns inte i ärendet.`);
  return d;
}

/** The month's calculation in force: the latest, i.e. the one no recalculation has superseded. */
export function latestCalculation(state: CaseState, month: Month): CalculationState | undefined {
  return Object.values(state.calculations).find((c) => c.month === month && c.supersededBy === null);
}

/** The decision that currently stands for a month (not replaced by omprövning). */
export function currentDecision(state: CaseState, month: Month): DecisionState | undefined {
  return Object.values(state.decisions).find((d) => d.month === month && d.replacedBy === null);
}

function requireDecidableApplication(state: CaseState, month: Month, input: DecisionInput): void {
  const application = state.applications[month];
  ruleBroken(application !== undefined, 'application_missing', `Det finns ingen ansökan för ${month} att besluta om.`, 409, { month });
  ruleBroken(
    application.status !== 'withdrawn',
    'application_withdrawn',
    `Ansökan för ${month} är återkallad${application.withdrawn ? ` (${application.withdrawn.on}: ${application.withdrawn.reason})` : ''} och kan inte beslutas. Behöver hushållet stöd för månaden krävs en ny ansökan.`,
    409,
    { month },
  );
  const outstanding = application.completionRequests.filter((r) => r.receivedOn === null);
  // A komplettering never supplied must not lock the month: once every due date has passed, the
  // nämnd may refuse on the basis it has.
  const refusalAfterDueDate = input.outcome === 'refused' && outstanding.every((r) => r.dueDate < input.today);
  ruleBroken(
    outstanding.length === 0 || refusalAfterDueDate,
    'completion_outstanding',
    `Kompletteringen för ${month} har inte kommit in: ${outstanding.map((r) => `${r.missing.join(', ')} (begärd ${r.requestedOn}, senast ${r.dueDate})`).join('; ')}. Beslut kan fattas när den kommit in, eller som avslag när sista dagen passerat.`,
    409,
    { month, requestIds: outstanding.map((r) => r.requestId) },
  );
}

/** Every rule a decision's content must keep, first decision or omprövning alike. */
function decideContent(state: CaseState, month: Month, input: DecisionInput, replacing: DecisionState | null): DecisionContent {
  const on = input.today;
  ruleBroken(input.motivering.trim().length > 0, 'motivering_required', 'Beslutet saknar motivering. Ett beslut ska innehålla de skäl som bestämt utgången (förvaltningslagen 32 §).', 422, { field: 'motivering' });
  ruleBroken(input.period.from <= input.period.to, 'period_reversed', `Perioden ${input.period.from}–${input.period.to} slutar innan den börjar.`, 422, { field: 'period' });
  ruleBroken(
    input.period.from >= firstDayOf(month) && input.period.to <= lastDayOf(month),
    'period_outside_month',
    `Perioden ${input.period.from}–${input.period.to} ligger utanför beslutsmånaden ${month}.`,
    422,
    { field: 'period' },
  );
  ruleBroken(input.legalReferences.length > 0, 'legal_reference_required', 'Ange lagrummet beslutet grundas på (t.ex. SoL-12-1).', 422, { field: 'legalReferences' });
  const legalReferences = [...new Set(input.legalReferences)].map((code) => citeLaw(code, on));

  const automated = input.automated || input.automation !== null;
  const automation = input.automation;
  ruleBroken(
    !automated || (automation !== null && automation.ruleVersion.trim().length > 0 && automation.reasons.some((r) => r.trim().length > 0)),
    'automated_decision_unexplained',
    'Ett automatiserat beslut ska ange regelversion och skälen för utfallet (förvaltningslagen 28 §).',
    422,
    { field: 'automation' },
  );

  if (input.outcome === 'refused') {
    ruleBroken(input.amount === 0, 'refused_amount_not_zero', `Ett avslag beviljar inget belopp (angivet ${formatKronor(input.amount)}).`, 422, { field: 'amount' });
  } else {
    ruleBroken(input.amount > 0, 'amount_required', 'Ett bifall eller delvis bifall ska ange ett belopp större än 0 kr.', 422, { field: 'amount' });
  }

  const calculation = latestCalculation(state, month);
  if (input.calculationId !== null) {
    ruleBroken(
      calculation?.calculationId === input.calculationId,
      'calculation_not_latest',
      calculation ? `Beräkningen ${input.calculationId} är inte den senaste för ${month} (senaste är ${calculation.calculationId}). Granska den nya beräkningen.` : `Det finns ingen beräkning för ${month}.`,
      409,
      { calculationId: input.calculationId, latest: calculation?.calculationId ?? null },
    );
  }
  if (input.outcome !== 'refused') {
    ruleBroken(calculation !== undefined, 'calculation_missing', `Det finns ingen beräkning för ${month}; bifall kräver en beräkning.`, 409, { month });
    if (input.outcome === 'granted') {
      ruleBroken(
        input.amount === calculation.total,
        'granted_amount_differs',
        `Bifall ska motsvara beräkningen (${formatKronor(calculation.total)}); angivet ${formatKronor(input.amount)}. Beviljas mindre är beslutet delvis bifall.`,
        422,
        { field: 'amount', calculationTotal: calculation.total },
      );
    } else {
      ruleBroken(
        input.amount < calculation.total,
        'partly_granted_not_less',
        `Delvis bifall ska vara lägre än beräkningen (${formatKronor(calculation.total)}); angivet ${formatKronor(input.amount)}.`,
        422,
        { field: 'amount', calculationTotal: calculation.total },
      );
    }
  }

  const activityMisses = considerMisses(state, month, input, replacing, calculation);

  const plan = activityPlanRequired(state, month);
  return {
    month,
    outcome: input.outcome,
    amount: input.amount,
    period: { from: input.period.from, to: input.period.to },
    calculationId: calculation?.calculationId ?? null,
    calculationTotal: calculation?.total ?? null,
    motivering: input.motivering,
    legalReferences,
    decidedBy: input.decidedBy,
    delegation: input.delegation,
    automated,
    automation: automated && automation ? { ruleVersion: automation.ruleVersion, reasons: automation.reasons, legalBasis: citeLaw('FL-28', on, 'automation') } : null,
    decidedOn: on,
    activityMisses,
    activityRuleVersion: activityRuleFor(month).version,
    ...(plan.planMissing
      ? { planMissing: true as const, activityPlan: { ruleVersion: plan.ruleVersion, consecutiveMonths: plan.consecutiveMonths, membersWithoutPlan: plan.membersWithoutPlan, reason: plan.reason } }
      : {}),
  };
}

/**
 * Every miss without acceptable reason that no standing decision has taken a stand on must be
 * carried into this one, as a reduction or refusal with its law reference (or, where the rule only
 * says 'may', as considered without consequence).
 */
function considerMisses(state: CaseState, month: Month, input: DecisionInput, replacing: DecisionState | null, calculation: CalculationState | undefined): ConsideredMiss[] {
  const rule = activityRuleFor(month);
  const open = openMisses(state, replacing?.decisionId ?? null);
  const ids = input.considersMisses.map((m) => m.missId);
  ruleBroken(new Set(ids).size === ids.length, 'miss_considered_twice', 'Samma avvikelse anges två gånger.', 422, { field: 'considersMisses' });

  const considered = input.considersMisses.map((c, i): ConsideredMiss => {
    const field = `considersMisses[${i}]`;
    const miss = open.find((m) => m.missId === c.missId);
    if (!miss) {
      const known = Object.values(state.activities).flatMap((r) => r.misses).find((m) => m.missId === c.missId);
      ruleBroken(known !== undefined, 'unknown_miss', `Avvikelsen ${c.missId} finns inte i ärendet.`, 422, { field });
      ruleBroken(known.excuse === null, 'miss_excused', `Avvikelsen ${c.missId} har godtagbart skäl (${known.excuse?.reason}) och ska inte påverka beslutet.`, 409, { missId: c.missId });
      ruleBroken(false, 'miss_already_considered', `Avvikelsen ${c.missId} har redan beaktats i beslut ${known.consideredInDecision}.`, 409, { missId: c.missId });
    }
    if (c.consequence === 'reduction') {
      ruleBroken(c.reductionAmount !== null && c.reductionAmount > 0, 'reduction_amount_required', `Ange med hur mycket biståndet sätts ned för avvikelsen ${c.missId}.`, 422, { field: `${field}.reductionAmount` });
    } else {
      ruleBroken(c.reductionAmount === null || c.reductionAmount === 0, 'reduction_amount_unexpected', `Nedsättningsbelopp anges bara när följden är nedsättning (${c.missId}).`, 422, { field: `${field}.reductionAmount` });
    }
    ruleBroken(
      c.consequence !== 'none' || rule.missConsequence === 'may',
      'miss_consequence_required',
      `Från ${month} ska nämnden vägra eller sätta ned fortsatt försörjningsstöd när aktivitet uteblivit utan godtagbart skäl (regelversion ${rule.version}); ange nedsättning eller avslag för ${c.missId}.`,
      422,
      { field: `${field}.consequence` },
    );
    return {
      missId: miss.missId,
      requirementId: miss.requirementId,
      memberId: miss.memberId,
      period: miss.period,
      consequence: c.consequence,
      reductionAmount: c.consequence === 'reduction' ? c.reductionAmount : null,
      legalReference: citeLaw(c.legalReference, input.today, `${field}.legalReference`),
    };
  });

  if (considered.some((c) => c.consequence === 'refusal')) {
    ruleBroken(input.outcome === 'refused', 'miss_refusal_needs_refused_outcome', 'En avvikelse som leder till avslag kräver att beslutet är ett avslag.', 422, { field: 'outcome' });
  }
  const reduction = considered.reduce((sum, c) => sum + (c.reductionAmount ?? 0), 0);
  if (reduction > 0 && input.outcome !== 'refused') {
    ruleBroken(input.outcome === 'partly_granted', 'reduction_needs_partly_granted', 'Ett beslut med nedsättning för avvikelse från aktivitetskravet är ett delvis bifall.', 422, { field: 'outcome' });
    const ceiling = (calculation?.total ?? 0) - reduction;
    ruleBroken(
      input.amount <= ceiling,
      'reduction_not_applied',
      `Beräkningen ${formatKronor(calculation?.total ?? 0)} minus nedsättningen ${formatKronor(reduction)} ger högst ${formatKronor(Math.max(ceiling, 0))}; angivet ${formatKronor(input.amount)}.`,
      422,
      { field: 'amount', ceiling },
    );
  }

  const unconsidered = open.filter((m) => !ids.includes(m.missId));
  ruleBroken(
    unconsidered.length === 0,
    'activity_misses_unconsidered',
    `Beslutet måste ta ställning till aktivitet som uteblivit utan godtagbart skäl: ${unconsidered.map((m) => `${m.missId} (${m.period}: ${m.description})`).join('; ')}. Ange nedsättning eller avslag med lagrum, eller registrera ett godtagbart skäl.`,
    409,
    { missIds: unconsidered.map((m) => m.missId) },
  );
  return considered;
}

const worse = (next: DecisionContent, old: DecisionState) => next.amount < old.amount;

export function decideDecisions(command: DecisionCommand, state: CaseState): DecisionEvent[] {
  switch (command.kind) {
    case 'MakeDecision': {
      requireOpen(state);
      ruleBroken(state.decisions[command.decisionId] === undefined, 'decision_exists', 'Beslutet finns redan.', 409);
      const standing = currentDecision(state, command.month);
      ruleBroken(
        standing === undefined,
        'month_already_decided',
        `${command.month} är redan beslutad (beslut ${standing?.decisionId}, ${standing?.decidedOn}). Ett nytt beslut för månaden fattas genom omprövning.`,
        409,
        { month: command.month, decisionId: standing?.decisionId },
      );
      requireDecidableApplication(state, command.month, command);
      const content = decideContent(state, command.month, command, null);
      return [{ type: 'DecisionMade', data: { decisionId: command.decisionId, ...content } }];
    }
    case 'CommunicateDecision': {
      requireCase(state);
      const d = decisionOf(state, command.decisionId);
      ruleBroken(d.replacedBy === null, 'decision_replaced', `Beslutet har ersatts vid omprövning av beslut ${d.replacedBy}; delge det beslutet.`, 409, { replacedBy: d.replacedBy });
      ruleBroken(d.communicatedOn === null, 'already_communicated', `Klienten fick del av beslutet redan ${d.communicatedOn}; överklagandetiden räknas från den dagen.`, 409);
      ruleBroken(command.learnedOn >= d.decidedOn, 'learned_before_decision', `Delgivningsdagen ${command.learnedOn} ligger före beslutsdagen ${d.decidedOn}.`, 422, { field: 'learnedOn' });
      ruleBroken(command.learnedOn <= command.today, 'learned_in_future', `Delgivningsdagen ${command.learnedOn} har inte inträffat än.`, 422, { field: 'learnedOn' });
      const deadline = appealDeadline(command.learnedOn);
      return [
        {
          type: 'DecisionCommunicated',
          data: {
            decisionId: d.decisionId,
            learnedOn: command.learnedOn,
            channel: command.channel,
            appealDeadline: deadline.deadline,
            nominalAppealDeadline: deadline.nominalDeadline,
            deadlineMoved: deadline.movedFrom !== undefined ? { from: deadline.movedFrom, reason: deadline.reason ?? '', skipped: deadline.skipped } : null,
            appealRuleVersion: deadline.ruleVersion,
            appealLegalBasis: deadline.legalBasis,
            recordedOn: command.today,
          },
        },
      ];
    }
    case 'ReceiveAppeal': {
      requireCase(state);
      const d = decisionOf(state, command.decisionId);
      const appeals = Object.values(state.decisions).flatMap((x) => x.appeals);
      ruleBroken(!appeals.some((a) => a.appealId === command.appealId), 'appeal_exists', 'Överklagandet är redan registrerat.', 409);
      ruleBroken(d.replacedBy === null, 'decision_replaced', `Beslutet har ersatts vid omprövning av beslut ${d.replacedBy}; ett överklagande gäller det nya beslutet.`, 409, { replacedBy: d.replacedBy });
      ruleBroken(
        d.communicatedOn !== null && d.appealDeadline !== null,
        'decision_not_communicated',
        'Beslutet är inte delgivet: registrera när klienten fick del av det, så att överklagandetiden kan räknas.',
        409,
      );
      ruleBroken(command.receivedOn >= d.decidedOn, 'appeal_before_decision', `Ett överklagande kan inte ha kommit in ${command.receivedOn}, före beslutet ${d.decidedOn}.`, 422, { field: 'receivedOn' });
      ruleBroken(command.receivedOn <= command.today, 'received_in_future', `Inkomstdagen ${command.receivedOn} har inte inträffat än.`, 422, { field: 'receivedOn' });
      const deadline = d.appealDeadline;
      const onTime = command.receivedOn <= deadline;
      return [
        {
          type: 'AppealReceived',
          data: {
            decisionId: d.decisionId,
            appealId: command.appealId,
            receivedOn: command.receivedOn,
            deadline,
            onTime,
            daysLate: onTime ? 0 : daysBetween(deadline, command.receivedOn),
            lateGround: onTime ? null : citeLaw('FL-45', command.receivedOn),
            recordedOn: command.today,
          },
        },
      ];
    }
    case 'ReconsiderDecision': {
      requireOpen(state);
      const old = decisionOf(state, command.decisionId);
      ruleBroken(old.replacedBy === null, 'decision_already_replaced', `Beslutet har redan ersatts av beslut ${old.replacedBy}; ompröva det beslutet.`, 409, { replacedBy: old.replacedBy });
      ruleBroken(state.decisions[command.newDecisionId] === undefined, 'decision_exists', 'Beslutet finns redan.', 409);
      ruleBroken(command.grounds !== 'appeal' || command.appealId !== null, 'appeal_required', 'Omprövning med anledning av överklagande ska ange överklagandet.', 422, { field: 'appealId' });
      ruleBroken(
        command.appealId === null || old.appeals.some((a) => a.appealId === command.appealId),
        'unknown_appeal',
        `Överklagandet ${command.appealId} gäller inte beslut ${old.decisionId}.`,
        422,
        { field: 'appealId' },
      );
      const content = decideContent(state, old.month, command, old);
      ruleBroken(
        !worse(content, old) || command.disadvantageGround !== null,
        'reconsideration_to_disadvantage',
        `Omprövningen sänker biståndet från ${formatKronor(old.amount)} till ${formatKronor(content.amount)}. Ett gynnande beslut får ändras till nackdel bara på grund av förbehåll, tvingande säkerhetsskäl eller oriktiga uppgifter från parten (förvaltningslagen 38 §).`,
        422,
        { field: 'disadvantageGround' },
      );
      return [
        {
          type: 'DecisionReconsidered',
          data: {
            decisionId: old.decisionId,
            newDecisionId: command.newDecisionId,
            grounds: command.grounds,
            appealId: command.appealId,
            disadvantageGround: command.disadvantageGround,
            reconsiderationBasis: citeLaw('FL-37-39', command.today, 'grounds'),
            ...content,
          },
        },
      ];
    }
  }
}

function toState(decisionId: string, c: DecisionContent, replaces: DecisionState['replaces']): DecisionState {
  return {
    decisionId,
    month: c.month,
    outcome: c.outcome,
    amount: c.amount,
    period: c.period,
    calculationId: c.calculationId,
    motivering: c.motivering,
    legalReferences: c.legalReferences,
    decidedBy: c.decidedBy,
    decidedOn: c.decidedOn,
    delegation: c.delegation,
    automated: c.automated,
    automation: c.automation,
    activityMisses: c.activityMisses,
    planMissing: c.planMissing === true,
    communicatedOn: null,
    communicationChannel: null,
    appealDeadline: null,
    appeals: [],
    replaces,
    replacedBy: null,
  };
}

function withDecision(state: CaseState, id: string, change: (d: DecisionState) => DecisionState): CaseState {
  const d = state.decisions[id];
  return d ? { ...state, decisions: { ...state.decisions, [id]: change(d) } } : state;
}

export function evolveDecisions(state: CaseState, event: DomainEvent): CaseState {
  const e = event as DecisionEvent;
  switch (e.type) {
    case 'DecisionMade': {
      const { decisionId, ...content } = e.data;
      const application = state.applications[content.month];
      return {
        ...state,
        decisions: { ...state.decisions, [decisionId]: toState(decisionId, content, null) },
        // The application's 'decided' status is kept by this slice (see application.state.ts).
        applications: application && application.status !== 'withdrawn' ? { ...state.applications, [content.month]: { ...application, status: 'decided' } } : state.applications,
      };
    }
    case 'DecisionCommunicated':
      return withDecision(state, e.data.decisionId, (d) => ({ ...d, communicatedOn: e.data.learnedOn, communicationChannel: e.data.channel, appealDeadline: e.data.appealDeadline }));
    case 'AppealReceived':
      return withDecision(state, e.data.decisionId, (d) => ({
        ...d,
        appeals: [...d.appeals, { appealId: e.data.appealId, receivedOn: e.data.receivedOn, onTime: e.data.onTime, deadline: e.data.deadline }],
      }));
    case 'DecisionReconsidered': {
      const { decisionId, newDecisionId, grounds, appealId: _a, disadvantageGround: _g, reconsiderationBasis: _b, ...content } = e.data;
      const replaced = withDecision(state, decisionId, (d) => ({ ...d, replacedBy: newDecisionId }));
      return { ...replaced, decisions: { ...replaced.decisions, [newDecisionId]: toState(newDecisionId, content, { decisionId, grounds }) } };
    }
    default:
      return state;
  }
}
