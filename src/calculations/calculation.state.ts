import type { Ore } from '../shared/money.js';
import type { Month } from '../shared/dates.js';

export interface CalculationLine {
  readonly label: string;
  readonly amount: Ore;
  readonly rule?: string;
}

/** A stored calculation: every figure, and the table versions that produced them. */
export interface CalculationState {
  readonly calculationId: string;
  readonly month: Month;
  readonly riksnorm: Ore;
  readonly approvedCosts: Ore;
  readonly countedIncome: Ore;
  readonly jobbstimulansDisregard: Ore;
  readonly adjustments: Ore;
  readonly total: Ore;
  readonly lines: readonly CalculationLine[];
  readonly tableVersion: string;
  readonly ceilingVersion: string | null;
}
