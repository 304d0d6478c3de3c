import type { Ore } from '../shared/money.js';
import type { LocalDate, Month } from '../shared/dates.js';
import type { AutomationRecord, CommunicationChannel, ConsideredMiss, DecisionOutcome, ReconsiderationGrounds } from './decision.events.js';
import type { CitedLaw } from './law-citation.js';

export type { DecisionOutcome } from './decision.events.js';

export interface Appeal {
  readonly appealId: string;
  readonly receivedOn: LocalDate;
  readonly onTime: boolean;
  readonly deadline: LocalDate;
}

/** One decision; `state.decisions` is keyed by decisionId. */
export interface DecisionState {
  readonly decisionId: string;
  readonly month: Month;
  readonly outcome: DecisionOutcome;
  readonly amount: Ore;
  readonly period: { readonly from: LocalDate; readonly to: LocalDate };
  readonly calculationId: string | null;
  readonly motivering: string;
  readonly legalReferences: readonly CitedLaw[];
  readonly decidedBy: string;
  readonly decidedOn: LocalDate;
  readonly delegation: string;
  readonly automated: boolean;
  readonly automation: AutomationRecord | null;
  readonly activityMisses: readonly ConsideredMiss[];
  /** Aktivitetskrav: support 3 consecutive months and an adult without a plan (information only). */
  readonly planMissing: boolean;
  /** The day the client learned of the decision (delgivning); the appeal clock starts there. */
  readonly communicatedOn: LocalDate | null;
  readonly communicationChannel: CommunicationChannel | null;
  readonly appealDeadline: LocalDate | null;
  readonly appeals: readonly Appeal[];
  /** Set on the new decision made at omprövning. */
  readonly replaces: { readonly decisionId: string; readonly grounds: ReconsiderationGrounds } | null;
  /** Set when an omprövning replaced this decision. */
  readonly replacedBy: string | null;
}
