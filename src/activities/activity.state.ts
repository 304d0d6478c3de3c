import type { LocalDate, Month } from '../shared/dates.js';

export type ActivityKind = 'job_search' | 'praktik' | 'sfi' | 'other';

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
  /** null = not yet judged; an excuse makes it acceptable. */
  readonly excuse: string | null;
  /** The decision that carried this miss as a reduction or refusal. */
  readonly consideredInDecision: string | null;
}

export interface ActivityRequirementState {
  readonly requirementId: string;
  readonly memberId: string;
  readonly kind: ActivityKind;
  readonly schedule: { readonly hoursPerWeek?: number; readonly reportsPerMonth?: number };
  readonly from: LocalDate;
  readonly to: LocalDate | null;
  readonly legalBasis: string;
  readonly reports: readonly ActivityReport[];
  readonly misses: readonly ActivityMiss[];
}
