import type { Ore } from '../shared/money.js';
import type { LocalDate, Month } from '../shared/dates.js';
import type { Payee } from '../cases/case.state.js';

export type PaymentStatus = 'scheduled' | 'attested' | 'disbursed' | 'failed' | 'returned' | 'cancelled';

/** A payment in one of these states pays (or will pay) its month; a month has at most one. */
export const LIVE_PAYMENT_STATUSES: readonly PaymentStatus[] = ['scheduled', 'attested', 'disbursed'];

export const isLive = (p: Pick<PaymentState, 'status'>): boolean => LIVE_PAYMENT_STATUSES.includes(p.status);

export interface PaymentState {
  readonly paymentId: string;
  readonly decisionId: string;
  readonly month: Month;
  readonly amount: Ore;
  readonly payee: Payee;
  /** The day the money should be in the account. */
  readonly paymentDate: LocalDate;
  readonly calendarId: string;
  readonly calendarVersion: string;
  /** Why the payment day differs from the calendar's nominal day, if it does (Swedish). */
  readonly moveReason: string | null;
  /** Protected identity: the payment goes through the manual route. */
  readonly manualRoute: boolean;
  readonly scheduledBy: string;
  readonly scheduledOn: LocalDate;
  /** The failed, returned or cancelled payment of the same month this one replaces. */
  readonly retryOf: string | null;
  readonly attestedBy: string | null;
  readonly attestedOn: LocalDate | null;
  readonly bankReference: string | null;
  readonly disbursedOn: LocalDate | null;
  /** Failed, returned or cancelled: why and when. */
  readonly ended: { readonly reason: string; readonly on: LocalDate; readonly by?: string } | null;
  readonly status: PaymentStatus;
}
