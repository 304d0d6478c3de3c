import type { Ore } from '../shared/money.js';
import type { LocalDate, Month } from '../shared/dates.js';
import type { Payee } from '../cases/case.state.js';

export type PaymentStatus = 'scheduled' | 'attested' | 'disbursed' | 'failed' | 'returned' | 'cancelled';

export interface PaymentState {
  readonly paymentId: string;
  readonly decisionId: string;
  readonly month: Month;
  readonly amount: Ore;
  readonly payee: Payee;
  readonly paymentDate: LocalDate;
  readonly calendarVersion: string;
  readonly scheduledBy: string;
  readonly attestedBy: string | null;
  readonly bankReference: string | null;
  readonly status: PaymentStatus;
}
