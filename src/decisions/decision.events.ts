import type { DomainEvent } from '../command-path/decider.js';
import type { LocalDate, Month } from '../shared/dates.js';
import type { Ore } from '../shared/money.js';
import type { CitedLaw } from './law-citation.js';

export type DecisionOutcome = 'granted' | 'partly_granted' | 'refused';
export const DECISION_OUTCOMES: readonly DecisionOutcome[] = ['granted', 'partly_granted', 'refused'];

/** What an unexcused activity miss led to in the decision. 'none' only where the rule says 'may'. */
export type MissConsequence = 'reduction' | 'refusal' | 'none';
export const MISS_CONSEQUENCES: readonly MissConsequence[] = ['reduction', 'refusal', 'none'];

/** How the client learned of the decision (delgivning/kännedom). */
export type CommunicationChannel = 'e_tjanst' | 'brev' | 'personligen' | 'delgivning';
export const COMMUNICATION_CHANNELS: readonly CommunicationChannel[] = ['e_tjanst', 'brev', 'personligen', 'delgivning'];

/** Why the nämnd reconsiders (förvaltningslagen 37 § and 39 §). */
export type ReconsiderationGrounds = 'appeal' | 'new_circumstances' | 'other_error';
export const RECONSIDERATION_GROUNDS: readonly ReconsiderationGrounds[] = ['appeal', 'new_circumstances', 'other_error'];

/** Förvaltningslagen 38 §: when a favourable decision may be changed to the party's disadvantage. */
export type DisadvantageGround = 'reservation_in_decision' | 'compelling_safety' | 'misleading_information';
export const DISADVANTAGE_GROUNDS: readonly DisadvantageGround[] = ['reservation_in_decision', 'compelling_safety', 'misleading_information'];

export interface ConsideredMiss {
  readonly missId: string;
  readonly requirementId: string;
  readonly memberId: string;
  readonly period: Month;
  readonly consequence: MissConsequence;
  /** Öre taken off for this miss; null unless the consequence is a reduction. */
  readonly reductionAmount: Ore | null;
  readonly legalReference: CitedLaw;
}

/** Förvaltningslagen 28 §: an automated decision records the rule version and its reasons. */
export interface AutomationRecord {
  readonly ruleVersion: string;
  readonly reasons: readonly string[];
  readonly legalBasis: CitedLaw;
}

/** The flag for the queue: support 3 consecutive months and an adult without an activity plan. */
export interface ActivityPlanFlag {
  readonly ruleVersion: string;
  readonly consecutiveMonths: number;
  readonly membersWithoutPlan: readonly string[];
  readonly reason: string;
}

/** Everything a decision says, whether first made or made again at omprövning. */
export interface DecisionContent {
  readonly month: Month;
  readonly outcome: DecisionOutcome;
  readonly amount: Ore;
  readonly period: { readonly from: LocalDate; readonly to: LocalDate };
  /** The calculation the decision rests on (the month's latest); null for a refusal without one. */
  readonly calculationId: string | null;
  readonly calculationTotal: Ore | null;
  /** Förvaltningslagen 32 §. */
  readonly motivering: string;
  readonly legalReferences: readonly CitedLaw[];
  readonly decidedBy: string;
  /** The delegation point (delegationsordning) the decider acts under. */
  readonly delegation: string;
  readonly automated: boolean;
  readonly automation: AutomationRecord | null;
  readonly decidedOn: LocalDate;
  readonly activityMisses: readonly ConsideredMiss[];
  readonly activityRuleVersion: string;
  /** Present only when it applies: information for the queue, never a refusal. */
  readonly planMissing?: true;
  readonly activityPlan?: ActivityPlanFlag;
}

export type DecisionMade = DomainEvent<'DecisionMade', { readonly decisionId: string } & DecisionContent>;

export type DecisionCommunicated = DomainEvent<'DecisionCommunicated', {
  readonly decisionId: string;
  /** The day the client learned of the decision: the appeal period runs from here. */
  readonly learnedOn: LocalDate;
  readonly channel: CommunicationChannel;
  readonly appealDeadline: LocalDate;
  /** Three weeks to the same weekday, before the söndagsregel. */
  readonly nominalAppealDeadline: LocalDate;
  /** Set when the deadline moved (lag 1930:173 2 §), e.g. { from: '2026-12-24', reason: 'flyttad från julafton' }. */
  readonly deadlineMoved: { readonly from: LocalDate; readonly reason: string; readonly skipped: readonly { readonly date: LocalDate; readonly label: string }[] } | null;
  readonly appealRuleVersion: string;
  readonly appealLegalBasis: string;
  readonly recordedOn: LocalDate;
}>;

export type AppealReceived = DomainEvent<'AppealReceived', {
  readonly decisionId: string;
  readonly appealId: string;
  readonly receivedOn: LocalDate;
  /** The deadline recorded when the decision was communicated. */
  readonly deadline: LocalDate;
  readonly onTime: boolean;
  readonly daysLate: number;
  /** A late appeal is recorded all the same; the nämnd rejects it as too late (avvisning, FL 45 §). */
  readonly lateGround: CitedLaw | null;
  readonly recordedOn: LocalDate;
}>;

export type DecisionReconsidered = DomainEvent<'DecisionReconsidered', {
  /** The decision reconsidered; it is replaced by `newDecisionId`. */
  readonly decisionId: string;
  readonly newDecisionId: string;
  readonly grounds: ReconsiderationGrounds;
  readonly appealId: string | null;
  readonly disadvantageGround: DisadvantageGround | null;
  readonly reconsiderationBasis: CitedLaw;
} & DecisionContent>;

export type DecisionEvent = DecisionMade | DecisionCommunicated | AppealReceived | DecisionReconsidered;

export const DECISION_EVENT_TYPES = ['DecisionMade', 'DecisionCommunicated', 'AppealReceived', 'DecisionReconsidered'] as const;
