import type { Ore } from '../shared/money.js';
import type { LocalDate, Month } from '../shared/dates.js';

/**
 * Grounds for återkrav: försörjningsstöd paid wrongly because the household gave wrong information
 * or left information out, or bistånd given as an advance on a benefit (förskott på förmån).
 */
export type RecoveryReason = 'wrong_information' | 'omitted_information' | 'advance_on_benefit';
export const RECOVERY_REASONS: readonly RecoveryReason[] = ['wrong_information', 'omitted_information', 'advance_on_benefit'];

/** Pursue: the nämnd applies to förvaltningsrätten for the amount. Waive: it lets the claim go. */
export type RecoveryOutcome = 'pursue' | 'waive';
export const RECOVERY_OUTCOMES: readonly RecoveryOutcome[] = ['pursue', 'waive'];

export interface RecoveryState {
  readonly recoveryId: string;
  readonly reason: RecoveryReason;
  readonly description: string;
  readonly amount: Ore;
  /** Law reference code (src/rules/law-references.ts). */
  readonly legalBasis: string;
  readonly paymentIds: readonly string[];
  readonly months: readonly Month[];
  readonly claimedBy: string;
  readonly claimedOn: LocalDate;
  readonly decision: { readonly outcome: RecoveryOutcome; readonly decidedBy: string; readonly on: LocalDate; readonly motivering: string } | null;
}
