import type { DomainEvent } from '../command-path/decider.js';
import type { Payee } from '../cases/case.state.js';
import type { LocalDate, Month } from '../shared/dates.js';
import type { Ore } from '../shared/money.js';

/** Which calendar version set the payment day, and why the day moved if it did. */
export interface PaymentDayBasis {
  readonly calendarId: string;
  readonly kommun: string;
  /** The calendar version in force for the month's first day. */
  readonly calendarVersion: string;
  /** The calendar's day for the month, before any move. */
  readonly nominalDate: LocalDate;
  /** The calendar's day after moving off a non-bank day. */
  readonly calendarDate: LocalDate;
  readonly movedFrom: LocalDate | null;
  /** Swedish, e.g. 'flyttad från julafton till närmast föregående bankdag'. */
  readonly moveReason: string | null;
  /** Set when the calendar day had already passed when the payment was scheduled. */
  readonly lateReason: string | null;
}

export type PaymentScheduled = DomainEvent<'PaymentScheduled', {
  readonly paymentId: string;
  readonly decisionId: string;
  readonly month: Month;
  readonly amount: Ore;
  readonly payee: Payee;
  readonly paymentDate: LocalDate;
  readonly basis: PaymentDayBasis;
  /** Protected identity: the payment is handled through the manual route. */
  readonly manualRoute: boolean;
  readonly scheduledBy: string;
  readonly scheduledOn: LocalDate;
  /** The failed, returned or cancelled payment for the same month that this one replaces. */
  readonly retryOf: string | null;
}>;

export type PaymentAttested = DomainEvent<'PaymentAttested', {
  readonly paymentId: string;
  readonly attestedBy: string;
  readonly on: LocalDate;
  readonly comment: string | null;
}>;

export type PaymentDisbursed = DomainEvent<'PaymentDisbursed', {
  readonly paymentId: string;
  readonly bankReference: string;
  readonly on: LocalDate;
}>;

/** The bank could not carry out an attested payment; no money left the kommun. */
export type PaymentFailed = DomainEvent<'PaymentFailed', {
  readonly paymentId: string;
  readonly reason: string;
  readonly on: LocalDate;
}>;

/** A disbursed payment came back (closed account, wrong account). */
export type PaymentReturned = DomainEvent<'PaymentReturned', {
  readonly paymentId: string;
  readonly reason: string;
  readonly on: LocalDate;
}>;

export type PaymentCancelled = DomainEvent<'PaymentCancelled', {
  readonly paymentId: string;
  readonly reason: string;
  readonly cancelledBy: string;
  readonly on: LocalDate;
}>;

export type PaymentEvent = PaymentScheduled | PaymentAttested | PaymentDisbursed | PaymentFailed | PaymentReturned | PaymentCancelled;

export const PAYMENT_EVENT_TYPES = ['PaymentScheduled', 'PaymentAttested', 'PaymentDisbursed', 'PaymentFailed', 'PaymentReturned', 'PaymentCancelled'] as const;
