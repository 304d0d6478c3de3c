import type { Ore } from '../shared/money.js';
import type { LocalDate, Month } from '../shared/dates.js';

export interface ClaimedCost {
  readonly kind: string;
  readonly amount: Ore;
  readonly note?: string;
}

export interface DeclaredIncome {
  readonly kind: string;
  readonly amount: Ore;
  readonly earned: boolean;
  readonly memberId?: string;
}

export interface CompletionRequest {
  readonly requestId: string;
  readonly missing: readonly string[];
  readonly dueDate: LocalDate;
  readonly requestedOn: LocalDate;
  readonly receivedOn: LocalDate | null;
}

export type ApplicationStatus = 'submitted' | 'awaiting_completion' | 'complete' | 'withdrawn' | 'decided';

/** One household application for one month. */
export interface ApplicationState {
  readonly month: Month;
  readonly applicationId: string;
  readonly submittedOn: LocalDate;
  readonly costs: readonly ClaimedCost[];
  readonly incomes: readonly DeclaredIncome[];
  readonly attachments: readonly string[];
  readonly signedBy: readonly string[];
  readonly completionRequests: readonly CompletionRequest[];
  readonly status: ApplicationStatus;
}
