import type { DomainEvent } from '../command-path/decider.js';
import type { LocalDate, Month } from '../shared/dates.js';
import type { Ore } from '../shared/money.js';
import type { RecoveryOutcome, RecoveryReason } from './recovery.state.js';

export type RecoveryClaimed = DomainEvent<'RecoveryClaimed', {
  readonly recoveryId: string;
  readonly reason: RecoveryReason;
  /** What was wrong or left out, or which benefit the advance was paid against. */
  readonly description: string;
  readonly amount: Ore;
  /** The law reference as it read on the claim date. */
  readonly legalBasis: { readonly code: string; readonly text: string; readonly effectiveFrom: LocalDate; readonly verified: boolean };
  readonly paymentIds: readonly string[];
  readonly months: readonly Month[];
  /** What the related payments paid out, for the auditor. */
  readonly paidForPayments: Ore;
  readonly claimedBy: string;
  readonly claimedOn: LocalDate;
}>;

export type RecoveryDecided = DomainEvent<'RecoveryDecided', {
  readonly recoveryId: string;
  readonly outcome: RecoveryOutcome;
  /** Förvaltningslagen 32 §: why. */
  readonly motivering: string;
  readonly decidedBy: string;
  readonly decidedOn: LocalDate;
}>;

export type RecoveryEvent = RecoveryClaimed | RecoveryDecided;

export const RECOVERY_EVENT_TYPES = ['RecoveryClaimed', 'RecoveryDecided'] as const;
