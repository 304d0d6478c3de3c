import type { DomainEvent } from '../command-path/decider.js';
import type { CitedLaw } from '../decisions/law-citation.js';
import type { LocalDate, Month } from '../shared/dates.js';
import type { ActivityKind, ActivitySchedule } from './activity.state.js';

export type ActivityRequirementSet = DomainEvent<'ActivityRequirementSet', {
  readonly requirementId: string;
  readonly memberId: string;
  readonly kind: ActivityKind;
  readonly description: string | null;
  readonly schedule: ActivitySchedule;
  readonly from: LocalDate;
  /** null = until further notice. */
  readonly to: LocalDate | null;
  /** The law code resolved to its wording in force on `from`. */
  readonly legalBasis: CitedLaw;
  readonly setOn: LocalDate;
}>;

export type ActivityReported = DomainEvent<'ActivityReported', {
  readonly requirementId: string;
  readonly memberId: string;
  readonly period: Month;
  readonly fulfilled: boolean;
  readonly evidence: readonly string[];
  readonly reportedOn: LocalDate;
}>;

export type ActivityMissed = DomainEvent<'ActivityMissed', {
  readonly requirementId: string;
  readonly memberId: string;
  readonly missId: string;
  readonly period: Month;
  readonly description: string;
  readonly recordedOn: LocalDate;
}>;

/** An acceptable reason (godtagbart skäl): the miss no longer weighs on the next decision. */
export type ActivityMissExcused = DomainEvent<'ActivityMissExcused', {
  readonly requirementId: string;
  readonly missId: string;
  readonly reason: string;
  readonly excusedOn: LocalDate;
}>;

export type ActivityRequirementEnded = DomainEvent<'ActivityRequirementEnded', {
  readonly requirementId: string;
  readonly endedOn: LocalDate;
  readonly reason: string;
}>;

export type ActivityEvent = ActivityRequirementSet | ActivityReported | ActivityMissed | ActivityMissExcused | ActivityRequirementEnded;

export const ACTIVITY_EVENT_TYPES = ['ActivityRequirementSet', 'ActivityReported', 'ActivityMissed', 'ActivityMissExcused', 'ActivityRequirementEnded'] as const;
