import type { Ore } from '../shared/money.js';
import type { LocalDate } from '../shared/dates.js';

export interface RecoveryState {
  readonly recoveryId: string;
  readonly reason: string;
  readonly amount: Ore;
  readonly legalBasis: string;
  readonly claimedOn: LocalDate;
  readonly decision: { readonly outcome: 'pursue' | 'waive'; readonly decidedBy: string; readonly on: LocalDate; readonly motivering: string } | null;
}
