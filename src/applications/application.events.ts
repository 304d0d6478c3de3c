import type { DomainEvent } from '../command-path/decider.js';
import type { LocalDate, Month } from '../shared/dates.js';
import type { ClaimedCost, DeclaredIncome } from './application.state.js';

export type ApplicationSubmitted = DomainEvent<'ApplicationSubmitted', {
  readonly applicationId: string;
  readonly month: Month;
  readonly submittedOn: LocalDate;
  readonly costs: readonly ClaimedCost[];
  readonly incomes: readonly DeclaredIncome[];
  /** Documents handed in with the application (names or document references). */
  readonly attachments: readonly string[];
  /** memberIds of the applicant and, when there is one, the co-applicant. */
  readonly signedBy: readonly string[];
}>;

/** Komplettering: the caseworker asks for what is missing, by a due date. */
export type CompletionRequested = DomainEvent<'CompletionRequested', {
  readonly applicationId: string;
  readonly month: Month;
  readonly requestId: string;
  readonly missing: readonly string[];
  readonly dueDate: LocalDate;
  readonly requestedOn: LocalDate;
}>;

export type CompletionReceived = DomainEvent<'CompletionReceived', {
  readonly applicationId: string;
  readonly month: Month;
  readonly requestId: string;
  readonly receivedOn: LocalDate;
  /** What the household supplied, in the words of the request. */
  readonly supplied: readonly string[];
  readonly attachments: readonly string[];
}>;

export type ApplicationWithdrawn = DomainEvent<'ApplicationWithdrawn', {
  readonly applicationId: string;
  readonly month: Month;
  readonly reason: string;
  readonly on: LocalDate;
}>;

export type ApplicationEvent = ApplicationSubmitted | CompletionRequested | CompletionReceived | ApplicationWithdrawn;

export const APPLICATION_EVENT_TYPES = ['ApplicationSubmitted', 'CompletionRequested', 'CompletionReceived', 'ApplicationWithdrawn'] as const;
