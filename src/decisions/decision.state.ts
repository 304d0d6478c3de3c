import type { Ore } from '../shared/money.js';
import type { LocalDate, Month } from '../shared/dates.js';

export type DecisionOutcome = 'granted' | 'partly_granted' | 'refused';

export interface Appeal {
  readonly appealId: string;
  readonly receivedOn: LocalDate;
  readonly onTime: boolean;
  readonly deadline: LocalDate;
}

export interface DecisionState {
  readonly decisionId: string;
  readonly month: Month;
  readonly outcome: DecisionOutcome;
  readonly amount: Ore;
  readonly calculationId: string | null;
  readonly motivering: string;
  readonly legalReferences: readonly string[];
  readonly decidedBy: string;
  readonly decidedOn: LocalDate;
  readonly delegation: string;
  readonly automated: boolean;
  /** The day the client learned of the decision (delgivning); the appeal clock starts there. */
  readonly communicatedOn: LocalDate | null;
  readonly appealDeadline: LocalDate | null;
  readonly appeals: readonly Appeal[];
  /** Set when an omprövning replaced this decision. */
  readonly replacedBy: string | null;
}
