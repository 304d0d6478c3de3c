/**
 * Aktivitetskrav reform: a household on försörjningsstöd for N consecutive months needs an
 * individual plan for its adults. Pure, for the decision decider (flag) and the read models (queue).
 */
import type { CaseState } from '../cases/case-state.js';
import { lastDayOf } from '../shared/date-math.js';
import { addMonths, ageOn, firstDayOf, type Month } from '../shared/dates.js';
import { activityRuleFor, type ActivityRuleVersion, type ExemptionCode } from './activity.rules.js';
import type { ActivityRequirementState } from './activity.state.js';

/** An exemption a caseworker has established for a person (school, full-time work, sick benefits). */
export interface RecordedExemption {
  readonly memberId: string;
  readonly code: ExemptionCode;
}

export interface MemberExemption {
  readonly memberId: string;
  readonly code: ExemptionCode;
  readonly label: string;
}

export interface ActivityPlanAssessment {
  readonly month: Month;
  readonly ruleVersion: string;
  /** The household has had support long enough, under a rule that asks for an individual plan. */
  readonly required: boolean;
  /** Required, and at least one adult who is not exempt has no active activity requirement in the month. */
  readonly planMissing: boolean;
  /** Swedish, for the queue. */
  readonly reason: string;
  /** Consecutive months with granted or partly granted support right before `month`. */
  readonly consecutiveMonths: number;
  readonly exemptions: readonly MemberExemption[];
  readonly membersWithoutPlan: readonly string[];
}

const ON_SUPPORT = new Set(['granted', 'partly_granted']);

/** Months right before `month` with a current (not replaced) granted or partly granted decision. */
export function consecutiveMonthsOnSupport(state: CaseState, month: Month): number {
  const supported = new Set(Object.values(state.decisions).filter((d) => d.replacedBy === null && ON_SUPPORT.has(d.outcome)).map((d) => d.month));
  let n = 0;
  while (supported.has(addMonths(month, -(n + 1)))) n++;
  return n;
}

/** Whether a requirement is active at some point in the month. */
export function isActiveIn(requirement: ActivityRequirementState, month: Month): boolean {
  const end = requirement.ended ? requirement.ended.on : requirement.to;
  return requirement.from <= lastDayOf(month) && (end === null || end >= firstDayOf(month));
}

function ageExemption(rule: ActivityRuleVersion, age: number): MemberExemption['code'] | undefined {
  for (const e of rule.exemptions) {
    if (e.basis !== 'age') continue;
    if (e.belowAge !== undefined && age < e.belowAge) return e.code;
    if (e.fromAge !== undefined && age >= e.fromAge) return e.code;
  }
  return undefined;
}

export function activityPlanRequired(state: CaseState, month: Month, recorded: readonly RecordedExemption[] = []): ActivityPlanAssessment {
  const rule = activityRuleFor(month);
  const consecutiveMonths = consecutiveMonthsOnSupport(state, month);
  const base = { month, ruleVersion: rule.version, consecutiveMonths };
  const plan = rule.individualPlan;
  if (!plan) {
    return { ...base, required: false, planMissing: false, reason: `Inget krav på individuell plan gäller för ${month} (regelversion ${rule.version}).`, exemptions: [], membersWithoutPlan: [] };
  }
  if (consecutiveMonths < plan.afterConsecutiveMonthsOnSupport) {
    return {
      ...base,
      required: false,
      planMissing: false,
      reason: `Hushållet har haft försörjningsstöd ${consecutiveMonths} månad(er) i följd före ${month}; individuell plan krävs efter ${plan.afterConsecutiveMonthsOnSupport}.`,
      exemptions: [],
      membersWithoutPlan: [],
    };
  }

  const on = firstDayOf(month);
  const members = state.file?.household ?? [];
  const exemptions: MemberExemption[] = [];
  const needPlan: string[] = [];
  for (const m of members) {
    const byAge = ageExemption(rule, ageOn(m.birthDate, on));
    const byFact = recorded.find((r) => r.memberId === m.memberId && rule.exemptions.some((e) => e.code === r.code && e.basis === 'recorded_fact'))?.code;
    const code = byAge ?? byFact;
    if (code) exemptions.push({ memberId: m.memberId, code, label: rule.exemptions.find((e) => e.code === code)?.label ?? code });
    else if (ageOn(m.birthDate, on) >= rule.adultFromAge) needPlan.push(m.memberId);
  }
  const requirements = Object.values(state.activities);
  const membersWithoutPlan = needPlan.filter((id) => !requirements.some((r) => r.memberId === id && isActiveIn(r, month)));
  const since = `${addMonths(month, -consecutiveMonths)}–${addMonths(month, -1)}`;
  const names = membersWithoutPlan.map((id) => members.find((m) => m.memberId === id)?.name ?? id);
  return {
    ...base,
    required: true,
    planMissing: membersWithoutPlan.length > 0,
    reason:
      membersWithoutPlan.length > 0
        ? `Hushållet har haft försörjningsstöd ${consecutiveMonths} månader i följd (${since}); individuell aktivitetsplan saknas för ${names.join(', ')}.`
        : `Hushållet har haft försörjningsstöd ${consecutiveMonths} månader i följd (${since}); alla vuxna som omfattas har en aktiv aktivitetsplan eller är undantagna.`,
    exemptions,
    membersWithoutPlan,
  };
}
