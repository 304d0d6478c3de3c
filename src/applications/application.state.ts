import type { CostKind } from '../rules/reasonable-costs.js';
import type { IncomeKind } from '../rules/income-kinds.js';
import type { Ore } from '../shared/money.js';
import type { LocalDate, Month } from '../shared/dates.js';

/** A cost the household asks to have covered, as claimed (the calculation caps it). */
export interface ClaimedCost {
  readonly kind: CostKind;
  readonly amount: Ore;
  readonly note?: string;
}

/** An income the household declares for the month; `earned` = from work (jobbstimulans base). */
export interface DeclaredIncome {
  readonly kind: IncomeKind;
  readonly amount: Ore;
  readonly earned: boolean;
  readonly memberId?: string;
}

/** A komplettering: what is missing, by when; `receivedOn` stays null until it arrives. */
export interface CompletionRequest {
  readonly requestId: string;
  readonly missing: readonly string[];
  readonly dueDate: LocalDate;
  readonly requestedOn: LocalDate;
  readonly receivedOn: LocalDate | null;
  readonly supplied: readonly string[];
}

/**
 * submitted: nothing asked for yet; awaiting_completion: a komplettering is outstanding;
 * complete: every komplettering received; withdrawn; decided (set by the decisions slice).
 */
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
  readonly withdrawn: { readonly on: LocalDate; readonly reason: string } | null;
}
