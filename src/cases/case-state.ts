import type { DomainEvent } from '../command-path/decider.js';
import type { ActivityRequirementState } from '../activities/activity.state.js';
import type { ApplicationState } from '../applications/application.state.js';
import type { CalculationState } from '../calculations/calculation.state.js';
import type { DecisionState } from '../decisions/decision.state.js';
import type { PaymentState } from '../payments/payment.state.js';
import type { RecoveryState } from '../recoveries/recovery.state.js';
import type { CaseFile } from './case.state.js';

/**
 * A household's case is one stream; its state is one record with a slice per capability.
 * Each capability folds its own events into its slice (its `evolve`), and decides from the whole.
 */
export interface CaseState {
  readonly file: CaseFile | null;
  /** By month YYYY-MM. */
  readonly applications: Readonly<Record<string, ApplicationState>>;
  readonly calculations: Readonly<Record<string, CalculationState>>;
  readonly decisions: Readonly<Record<string, DecisionState>>;
  readonly activities: Readonly<Record<string, ActivityRequirementState>>;
  readonly payments: Readonly<Record<string, PaymentState>>;
  readonly recoveries: Readonly<Record<string, RecoveryState>>;
}

export const emptyCase: CaseState = {
  file: null,
  applications: {},
  calculations: {},
  decisions: {},
  activities: {},
  payments: {},
  recoveries: {},
};

export type SliceEvolver = (state: CaseState, event: DomainEvent) => CaseState;

export const caseStream = (caseId: string) => `case-${caseId}`;
