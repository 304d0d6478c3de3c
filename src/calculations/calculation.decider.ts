import type { DomainEvent } from '../command-path/decider.js';
import type { CaseState } from '../cases/case-state.js';
import type { HouseholdMember } from '../cases/case.state.js';
import { findApplication, monthText, outstandingCompletions, requireOpenCase } from '../applications/application.decider.js';
import { calculateBistand, type BistandCalculation } from '../rules/calculation.js';
import { lastDayOf } from '../shared/date-math.js';
import { addMonths, ageOn, firstDayOf, type LocalDate, type Month } from '../shared/dates.js';
import { ruleBroken } from '../shared/errors.js';
import type { Ore } from '../shared/money.js';
import type { CalculationEvent, CalculationMade, CompositionMember, HouseholdComposition } from './calculation.events.js';
import type { CalculationLine, CalculationState } from './calculation.state.js';

export type CalculationCommand = {
  readonly kind: 'MakeCalculation';
  readonly calculationId: string;
  readonly month: Month;
  /** Whose reasonable-cost ceilings apply. */
  readonly kommun: string;
  readonly adjustments: ReadonlyArray<{ readonly amount: Ore; readonly reason: string }>;
  /** For a case migrated from another system: consecutive months on support before its history here. */
  readonly priorConsecutiveMonths?: number;
  readonly today: LocalDate;
};

/** The calculation in force for a month: the latest one made. */
export function latestCalculation(state: CaseState, month: Month): CalculationState | undefined {
  return Object.values(state.calculations).find((c) => c.month === month && c.supersededBy === null);
}

const SUPPORTED = new Set(['granted', 'partly_granted']);

/**
 * Months on support immediately before `month`: walk back while a month has a granted or partly
 * granted decision in force. When the walk runs past the case's own decisions (no decision at or
 * before the first gap), the months a migrated case brought along are added.
 */
export function consecutiveMonthsOnSupport(state: CaseState, month: Month, priorConsecutiveMonths = 0): number {
  const decisions = Object.values(state.decisions).filter((d) => d.replacedBy === null || d.replacedBy === undefined);
  const supported = new Set(decisions.filter((d) => SUPPORTED.has(d.outcome)).map((d) => d.month));
  let count = 0;
  let gap = addMonths(month, -1);
  while (supported.has(gap)) {
    count++;
    gap = addMonths(gap, -1);
  }
  const historyReachesGap = Object.values(state.decisions).some((d) => d.month <= gap);
  return count + (historyReachesGap ? 0 : priorConsecutiveMonths);
}

/** The household on the month's first day, as the norm counts it. */
export function composition(household: readonly HouseholdMember[], month: Month): HouseholdComposition {
  const onDate = firstDayOf(month);
  const members = household.map((m): CompositionMember => {
    const base = { memberId: m.memberId, role: m.role, birthDate: m.birthDate, ageAtMonthStart: Math.max(0, ageOn(m.birthDate, onDate)), preschoolLunch: m.preschoolLunch ?? false };
    if (m.role === 'applicant' || m.role === 'co_applicant') return { ...base, counted: true };
    if (m.role === 'other_adult') return { ...base, counted: false, note: 'Vuxen i hushållet som inte är sambo eller make/maka: ingår inte i hushållets norm (söker själv).' };
    if (m.birthDate > lastDayOf(month)) return { ...base, counted: false, note: `Inte född under ${monthText(month)}.` };
    if (ageOn(m.birthDate, onDate) > 20) return { ...base, counted: false, note: 'Över 20 år: ingår inte i hushållets norm (söker själv).' };
    return { ...base, counted: true };
  });
  const counted = members.filter((m) => m.counted);
  const adults = counted.filter((m) => m.role !== 'child').length;
  return { size: counted.length, adults, couple: counted.some((m) => m.role === 'co_applicant'), members };
}

export function decideCalculation(command: CalculationCommand, state: CaseState): CalculationEvent[] {
  requireOpenCase(state);
  const { month } = command;
  ruleBroken(state.calculations[command.calculationId] === undefined, 'calculation_id_exists', 'Det finns redan en beräkning med samma id.', 409);
  const application = findApplication(state, month);
  ruleBroken(application !== undefined, 'no_application', `Det finns ingen ansökan för ${monthText(month)} att beräkna.`, 409, { month });
  ruleBroken(application.status !== 'withdrawn', 'application_withdrawn', `Ansökan för ${monthText(month)} är återkallad och kan inte beräknas.`, 409, { month });
  const outstanding = outstandingCompletions(application);
  const missing = outstanding.flatMap((r) => r.missing);
  ruleBroken(
    outstanding.length === 0,
    'completion_outstanding',
    `Ansökan för ${monthText(month)} väntar på komplettering: ${missing.join(', ')} (senast ${outstanding.map((r) => r.dueDate).sort()[0]}).`,
    409,
    { month, missing, requests: outstanding.map((r) => ({ requestId: r.requestId, missing: r.missing, dueDate: r.dueDate })) },
  );
  command.adjustments.forEach((a, i) =>
    ruleBroken(a.reason.trim().length > 0, 'adjustment_needs_reason', `Justering ${i + 1} (${a.amount} öre) saknar motivering; ange varför beloppet justeras.`, 422, { index: i }),
  );
  const prior = command.priorConsecutiveMonths;
  ruleBroken(prior === undefined || (Number.isSafeInteger(prior) && prior >= 0), 'prior_months_invalid', 'Tidigare månader med bistånd måste vara ett helt tal, noll eller fler.', 422);

  const household = composition(state.file!.household, month);
  const consecutive = consecutiveMonthsOnSupport(state, month, prior ?? 0);
  const outcome = calculateBistand({
    month,
    kommun: command.kommun,
    household: {
      adults: household.adults,
      couple: household.couple,
      children: household.members.filter((m) => m.counted && m.role === 'child').map((m) => ({ birthDate: m.birthDate, preschoolLunch: m.preschoolLunch })),
    },
    costs: application.costs.map((c) => ({ kind: c.kind, amount: c.amount })),
    incomes: application.incomes.map((i) => ({ kind: i.kind, amount: i.amount, earned: i.earned })),
    consecutiveMonthsOnSupport: consecutive,
    adjustments: command.adjustments.map((a) => ({ amount: a.amount, reason: a.reason.trim() })),
  });
  if (!outcome.ok) {
    ruleBroken(false, 'calculation_not_possible', `Beräkningen kan inte göras: ${outcome.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}.`, 422, { errors: outcome.errors });
  }
  return [made(command, application.applicationId, household, consecutive, outcome.calculation, latestCalculation(state, month)?.calculationId ?? null)];
}

function made(command: CalculationCommand, applicationId: string, household: HouseholdComposition, consecutive: number, c: BistandCalculation, supersedes: string | null): CalculationMade {
  return {
    type: 'CalculationMade',
    data: {
      calculationId: command.calculationId,
      month: command.month,
      applicationId,
      calculatedOn: command.today,
      kommun: c.kommun,
      supersedes,
      household,
      lines: {
        riksnorm: c.riksnorm.lines.map((l) => ({ label: l.label, amount: l.amount, status: l.status })),
        costs: c.costs.approved.map((l) => ({ kind: l.kind, label: l.label, claimed: l.claimed, approved: l.approved, capped: l.reason !== undefined, ceiling: l.ceiling ?? null, reason: l.reason ?? null })),
        incomes: c.incomes.lines.map((l) => ({ kind: l.kind, label: l.label, amount: l.amount, earned: l.earned })),
        adjustments: c.adjustments.lines.map((a) => ({ amount: a.amount, reason: a.reason })),
      },
      totals: {
        riksnorm: c.riksnorm.total,
        claimedCosts: c.costs.approved.reduce((s, l) => s + l.claimed, 0),
        approvedCosts: c.costs.approvedTotal,
        income: c.incomes.total,
        earnedIncome: c.incomes.earnedTotal,
        jobbstimulansDisregard: c.incomes.jobbstimulansDisregard,
        countedIncome: c.incomes.countedTotal,
        adjustments: c.adjustments.total,
        beforeFloor: c.beforeFloor,
        total: c.total,
      },
      tableVersion: c.tableVersion,
      ceilingVersion: c.ceilingVersion,
      jobbstimulansVersion: c.jobbstimulansVersion,
      consecutiveMonthsOnSupport: consecutive,
      priorConsecutiveMonths: command.priorConsecutiveMonths ?? null,
      rulesApplied: c.rulesApplied.map((r) => ({ rule: r.rule, version: r.version, ...(r.law !== undefined ? { law: r.law } : {}) })),
    },
  };
}

/** The calculation as rows a person reads, in the order the sum is made. */
function readableLines(d: CalculationMade['data']): CalculationLine[] {
  return [
    ...d.lines.riksnorm.map((l) => ({ label: l.label, amount: l.amount, rule: d.tableVersion })),
    ...d.lines.costs.map((l) => ({ label: l.capped ? `${l.label} (begränsat till tak)` : l.label, amount: l.approved, ...(d.ceilingVersion && l.ceiling !== null ? { rule: d.ceilingVersion } : {}) })),
    ...d.lines.incomes.map((l) => ({ label: l.label, amount: -l.amount })),
    ...(d.totals.jobbstimulansDisregard > 0 ? [{ label: 'Jobbstimulans: bortsedd del av arbetsinkomst', amount: d.totals.jobbstimulansDisregard, ...(d.jobbstimulansVersion ? { rule: d.jobbstimulansVersion } : {}) }] : []),
    ...d.lines.adjustments.map((a) => ({ label: `Justering: ${a.reason}`, amount: a.amount, rule: 'manual-adjustment' })),
  ];
}

export function evolveCalculations(state: CaseState, event: DomainEvent): CaseState {
  const e = event as CalculationEvent;
  if (e.type !== 'CalculationMade') return state;
  const d = e.data;
  const calculation: CalculationState = {
    calculationId: d.calculationId,
    month: d.month,
    applicationId: d.applicationId,
    calculatedOn: d.calculatedOn,
    riksnorm: d.totals.riksnorm,
    approvedCosts: d.totals.approvedCosts,
    countedIncome: d.totals.countedIncome,
    jobbstimulansDisregard: d.totals.jobbstimulansDisregard,
    adjustments: d.totals.adjustments,
    total: d.totals.total,
    lines: readableLines(d),
    tableVersion: d.tableVersion,
    ceilingVersion: d.ceilingVersion,
    consecutiveMonthsOnSupport: d.consecutiveMonthsOnSupport,
    supersededBy: null,
  };
  const calculations: Record<string, CalculationState> = {};
  for (const [id, c] of Object.entries(state.calculations)) {
    calculations[id] = c.month === d.month && c.supersededBy === null ? { ...c, supersededBy: d.calculationId } : c;
  }
  calculations[d.calculationId] = calculation;
  return { ...state, calculations };
}
