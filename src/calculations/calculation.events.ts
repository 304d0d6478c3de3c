import type { DomainEvent } from '../command-path/decider.js';
import type { MemberRole } from '../cases/case.state.js';
import type { CostKind } from '../rules/reasonable-costs.js';
import type { IncomeKind } from '../rules/income-kinds.js';
import type { LocalDate, Month } from '../shared/dates.js';
import type { Ore } from '../shared/money.js';

/** A household member as the calculation saw them on the month's first day. */
export interface CompositionMember {
  readonly memberId: string;
  readonly role: MemberRole;
  readonly birthDate: LocalDate;
  readonly ageAtMonthStart: number;
  readonly preschoolLunch: boolean;
  /** False when the member is outside the household norm; `note` says why. */
  readonly counted: boolean;
  readonly note?: string;
}

export interface HouseholdComposition {
  /** Persons counted in the norm (common costs by this size). */
  readonly size: number;
  readonly adults: number;
  readonly couple: boolean;
  readonly members: readonly CompositionMember[];
}

export interface RiksnormCalcLine {
  readonly label: string;
  readonly amount: Ore;
  readonly status: 'verified' | 'estimated';
}

export interface CostCalcLine {
  readonly kind: CostKind;
  readonly label: string;
  readonly claimed: Ore;
  readonly approved: Ore;
  readonly capped: boolean;
  readonly ceiling: Ore | null;
  /** Why the claim was capped (Swedish), null when approved as claimed. */
  readonly reason: string | null;
}

export interface IncomeCalcLine {
  readonly kind: IncomeKind;
  readonly label: string;
  readonly amount: Ore;
  readonly earned: boolean;
}

export interface AdjustmentLine {
  readonly amount: Ore;
  readonly reason: string;
}

export interface CalculationTotals {
  readonly riksnorm: Ore;
  readonly claimedCosts: Ore;
  readonly approvedCosts: Ore;
  readonly income: Ore;
  readonly earnedIncome: Ore;
  readonly jobbstimulansDisregard: Ore;
  readonly countedIncome: Ore;
  readonly adjustments: Ore;
  /** riksnorm + approved costs − counted income + adjustments (negative: income covers the need). */
  readonly beforeFloor: Ore;
  /** The bistånd for the month, never below zero. */
  readonly total: Ore;
}

export type CalculationMade = DomainEvent<'CalculationMade', {
  readonly calculationId: string;
  readonly month: Month;
  readonly applicationId: string;
  readonly calculatedOn: LocalDate;
  readonly kommun: string;
  /** The earlier calculation of the same month this one replaces, if any. */
  readonly supersedes: string | null;
  readonly household: HouseholdComposition;
  readonly lines: {
    readonly riksnorm: readonly RiksnormCalcLine[];
    readonly costs: readonly CostCalcLine[];
    readonly incomes: readonly IncomeCalcLine[];
    readonly adjustments: readonly AdjustmentLine[];
  };
  readonly totals: CalculationTotals;
  readonly tableVersion: string;
  readonly ceilingVersion: string | null;
  readonly jobbstimulansVersion: string | null;
  /** Months with granted support immediately before `month`, including months before this system when migrated. */
  readonly consecutiveMonthsOnSupport: number;
  /** As given for a case migrated from another system; null otherwise. */
  readonly priorConsecutiveMonths: number | null;
  readonly rulesApplied: ReadonlyArray<{ readonly rule: string; readonly version: string; readonly law?: string }>;
}>;

export type CalculationEvent = CalculationMade;
