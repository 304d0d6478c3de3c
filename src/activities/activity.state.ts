import type { CitedLaw } from '../decisions/law-citation.js';
import type { LocalDate, Month } from '../shared/dates.js';

export type ActivityKind = 'job_search' | 'praktik' | 'sfi' | 'other';
export const ACTIVITY_KINDS: readonly ActivityKind[] = ['job_search', 'praktik', 'sfi', 'other'];

/** How much is asked: hours a week (praktik, SFI) or reports a month (job search). Exactly one. */
export interface ActivitySchedule {
  readonly hoursPerWeek?: number;
  readonly reportsPerMonth?: number;
}

export interface ActivityReport {
  readonly period: Month;
  readonly fulfilled: boolean;
  readonly evidence: readonly string[];
  readonly reportedOn: LocalDate;
}

export interface ActivityMiss {
  readonly missId: string;
  readonly period: Month;
  readonly description: string;
  readonly recordedOn: LocalDate;
  /** null = no acceptable reason recorded; an excuse makes the miss acceptable. */
  readonly excuse: { readonly reason: string; readonly on: LocalDate } | null;
  /** The (current) decision that carried this miss as a reduction, refusal or considered no-consequence. */
  readonly consideredInDecision: string | null;
}

/** One activity requirement (aktivitetskrav) for one adult; `state.activities` is keyed by requirementId. */
export interface ActivityRequirementState {
  readonly requirementId: string;
  readonly memberId: string;
  readonly kind: ActivityKind;
  readonly description: string | null;
  readonly schedule: ActivitySchedule;
  readonly from: LocalDate;
  readonly to: LocalDate | null;
  readonly legalBasis: CitedLaw;
  readonly setOn: LocalDate;
  readonly ended: { readonly on: LocalDate; readonly reason: string } | null;
  readonly reports: readonly ActivityReport[];
  readonly misses: readonly ActivityMiss[];
}
