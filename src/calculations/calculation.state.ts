import type { Ore } from '../shared/money.js';
import type { LocalDate, Month } from '../shared/dates.js';

/** One row as a caseworker or the client reads it: + for norm, costs and disregard, − for income. */
export interface CalculationLine {
  readonly label: string;
  readonly amount: Ore;
  readonly rule?: string;
}

/**
 * A stored calculation: every figure, and the table versions that produced them. Keyed by
 * calculationId; a recalculation of a month supersedes the earlier one (see latestCalculation).
 */
export interface CalculationState {
  readonly calculationId: string;
  readonly month: Month;
  readonly applicationId: string;
  readonly calculatedOn: LocalDate;
  readonly riksnorm: Ore;
  readonly approvedCosts: Ore;
  readonly countedIncome: Ore;
  readonly jobbstimulansDisregard: Ore;
  readonly adjustments: Ore;
  readonly total: Ore;
  readonly lines: readonly CalculationLine[];
  readonly tableVersion: string;
  readonly ceilingVersion: string | null;
  readonly consecutiveMonthsOnSupport: number;
  /** The calculation for the same month that replaced this one; null = the one in force. */
  readonly supersededBy: string | null;
}
