import type { DomainEvent } from '../command-path/decider.js';
import type { CaseState } from '../cases/case-state.js';
import type { Payee } from '../cases/case.state.js';
import type { DecisionState } from '../decisions/decision.state.js';
import { calendarFor, paymentDateFor, type PaymentCalendar } from '../shared/calendar/payment-calendar.js';
import { PAYMENT_CALENDARS } from '../shared/calendar/payment-calendars.data.js';
import { isBankDay, nextBankDay } from '../shared/calendar/swedish-holidays.js';
import { firstDayOf, type LocalDate } from '../shared/dates.js';
import { NotFoundError, ruleBroken } from '../shared/errors.js';
import { formatKronor, type Ore } from '../shared/money.js';
import type { PaymentEvent, PaymentScheduled } from './payment.events.js';
import { isLive, type PaymentState } from './payment.state.js';

export type PaymentCommand =
  | {
      readonly kind: 'SchedulePayment';
      readonly paymentId: string;
      readonly decisionId: string;
      /** Öre; null = what remains of the decided amount. */
      readonly amount: Ore | null;
      /** A landlord or energy company paid directly; null = the case file's payee. */
      readonly payee: Payee | null;
      /** Whose payment calendar applies. */
      readonly kommun: string;
      readonly actor: string;
      readonly today: LocalDate;
    }
  | { readonly kind: 'AttestPayment'; readonly paymentId: string; readonly actor: string; readonly role: string; readonly comment: string | null; readonly today: LocalDate }
  | { readonly kind: 'RecordDisbursement'; readonly paymentId: string; readonly bankReference: string; readonly today: LocalDate }
  | { readonly kind: 'RecordPaymentFailure'; readonly paymentId: string; readonly reason: string; readonly today: LocalDate }
  | { readonly kind: 'RecordPaymentReturn'; readonly paymentId: string; readonly reason: string; readonly today: LocalDate }
  | { readonly kind: 'CancelPayment'; readonly paymentId: string; readonly reason: string; readonly actor: string; readonly today: LocalDate };

export const ATTESTANT_ROLE = 'attestant';

const STATUS_TEXT: Record<PaymentState['status'], string> = {
  scheduled: 'planerad',
  attested: 'attesterad',
  disbursed: 'utbetald',
  failed: 'misslyckad',
  returned: 'returnerad',
  cancelled: 'makulerad',
};

/**
 * "A month is paid at most once, whatever is retried or raced." The decider refuses a second live
 * payment for a month and a second disbursement from the state it is given; the command path makes
 * that state the truth at the moment of writing: it appends with the version it loaded, so of two
 * requests racing on one case only the first append succeeds, the other gets a version conflict,
 * reloads (now seeing the first fact) and is refused here. A retry with the same Idempotency-Key is
 * answered from the log before it reaches the decider.
 */
export function decidePayment(command: PaymentCommand, state: CaseState, calendars: readonly PaymentCalendar[] = PAYMENT_CALENDARS): PaymentEvent[] {
  switch (command.kind) {
    case 'SchedulePayment':
      return [schedule(command, state, calendars)];
    case 'AttestPayment': {
      const payment = paymentOf(state, command.paymentId);
      ruleBroken(command.role === ATTESTANT_ROLE, 'attestant_role_required', 'Endast en attestant kan attestera en utbetalning.', 422, { role: command.role });
      ruleBroken(payment.status !== 'cancelled', 'payment_cancelled', 'Utbetalningen är makulerad och kan inte attesteras.', 409);
      ruleBroken(payment.status !== 'attested', 'payment_already_attested', `Utbetalningen är redan attesterad av ${payment.attestedBy ?? 'någon annan'}.`, 409);
      ruleBroken(payment.status === 'scheduled', 'payment_not_attestable', `Utbetalningen är ${STATUS_TEXT[payment.status]} och kan inte attesteras.`, 409, { status: payment.status });
      const decision = state.decisions[payment.decisionId];
      // Four-eyes: whoever decided or prepared a payment may not also approve it.
      ruleBroken(decision?.decidedBy !== command.actor, 'attester_decided', 'Du har själv fattat beslutet som utbetalningen bygger på och kan inte också attestera den (fyraögonsprincipen). En annan attestant måste attestera.', 422);
      ruleBroken(payment.scheduledBy !== command.actor, 'attester_scheduled', 'Du har själv lagt upp utbetalningen och kan inte också attestera den (fyraögonsprincipen). En annan attestant måste attestera.', 422);
      ruleBroken(decision !== undefined && decision.replacedBy === null, 'decision_replaced', 'Beslutet som utbetalningen bygger på har ersatts efter omprövning. Makulera utbetalningen och lägg upp en ny på det nya beslutet.', 409, { replacedBy: decision?.replacedBy ?? null });
      return [{ type: 'PaymentAttested', data: { paymentId: payment.paymentId, attestedBy: command.actor, on: command.today, comment: command.comment } }];
    }
    case 'RecordDisbursement': {
      const payment = paymentOf(state, command.paymentId);
      ruleBroken(payment.status !== 'disbursed', 'payment_already_disbursed', `Utbetalningen är redan utbetald (${payment.disbursedOn ?? ''}, bankreferens ${payment.bankReference ?? ''}).`, 409, { bankReference: payment.bankReference });
      ruleBroken(payment.status !== 'cancelled', 'payment_cancelled', 'Utbetalningen är makulerad och kan inte betalas ut.', 409);
      ruleBroken(payment.status === 'attested', 'payment_not_attested', `Utbetalningen är ${STATUS_TEXT[payment.status]}; bara en attesterad utbetalning kan betalas ut.`, 409, { status: payment.status });
      const paid = Object.values(state.payments).find((p) => p.month === payment.month && p.status === 'disbursed');
      ruleBroken(paid === undefined, 'month_already_paid', `Försörjningsstöd för ${payment.month} är redan utbetalt.`, 409, { paymentId: paid?.paymentId });
      return [{ type: 'PaymentDisbursed', data: { paymentId: payment.paymentId, bankReference: command.bankReference, on: command.today } }];
    }
    case 'RecordPaymentFailure': {
      const payment = paymentOf(state, command.paymentId);
      requireReason(command.reason);
      ruleBroken(payment.status === 'attested', 'payment_not_sent', `Utbetalningen är ${STATUS_TEXT[payment.status]}; bara en attesterad utbetalning som skickats till banken kan misslyckas.`, 409, { status: payment.status });
      return [{ type: 'PaymentFailed', data: { paymentId: payment.paymentId, reason: command.reason.trim(), on: command.today } }];
    }
    case 'RecordPaymentReturn': {
      const payment = paymentOf(state, command.paymentId);
      requireReason(command.reason);
      ruleBroken(payment.status === 'disbursed', 'payment_not_disbursed', `Utbetalningen är ${STATUS_TEXT[payment.status]}; bara en utbetald betalning kan komma tillbaka.`, 409, { status: payment.status });
      return [{ type: 'PaymentReturned', data: { paymentId: payment.paymentId, reason: command.reason.trim(), on: command.today } }];
    }
    case 'CancelPayment': {
      const payment = paymentOf(state, command.paymentId);
      requireReason(command.reason);
      ruleBroken(payment.status !== 'cancelled', 'payment_already_cancelled', 'Utbetalningen är redan makulerad.', 409);
      ruleBroken(payment.status !== 'disbursed', 'payment_already_disbursed', 'Utbetalningen är redan utbetald och kan inte makuleras; felaktigt utbetalt belopp hanteras som återkrav.', 409);
      ruleBroken(payment.status === 'scheduled' || payment.status === 'attested', 'payment_not_cancellable', `Utbetalningen är ${STATUS_TEXT[payment.status]} och kan inte makuleras.`, 409, { status: payment.status });
      return [{ type: 'PaymentCancelled', data: { paymentId: payment.paymentId, reason: command.reason.trim(), cancelledBy: command.actor, on: command.today } }];
    }
  }
}

function schedule(command: Extract<PaymentCommand, { kind: 'SchedulePayment' }>, state: CaseState, calendars: readonly PaymentCalendar[]): PaymentScheduled {
  ruleBroken(state.file !== null, 'case_not_opened', 'Ärendet finns inte.', 409);
  ruleBroken(state.file.closed === null, 'case_closed', 'Ärendet är avslutat; ingen ny utbetalning kan läggas upp.', 409);
  ruleBroken(state.payments[command.paymentId] === undefined, 'payment_exists', `Utbetalningen ${command.paymentId} finns redan.`, 409);

  const decision: DecisionState | undefined = state.decisions[command.decisionId];
  ruleBroken(decision !== undefined, 'decision_unknown', `Beslutet ${command.decisionId} finns inte i ärendet.`, 422, { decisionId: command.decisionId });
  ruleBroken(decision.outcome === 'granted' || decision.outcome === 'partly_granted', 'decision_not_granted', `Beslutet för ${decision.month} är ett avslag; det finns inget att betala ut.`, 409);
  ruleBroken(decision.replacedBy === null, 'decision_replaced', `Beslutet för ${decision.month} har ersatts efter omprövning; lägg upp utbetalningen på det nya beslutet.`, 409, { replacedBy: decision.replacedBy });

  const month = decision.month;
  const ofMonth = Object.values(state.payments).filter((p) => p.month === month);
  const paid = ofMonth.find((p) => p.status === 'disbursed');
  ruleBroken(paid === undefined, 'month_already_paid', `Försörjningsstöd för ${month} är redan utbetalt (${paid ? formatKronor(paid.amount) : ''} den ${paid?.disbursedOn ?? ''}). En månad betalas bara ut en gång.`, 409, { paymentId: paid?.paymentId });
  const pending = ofMonth.find(isLive);
  ruleBroken(pending === undefined, 'month_payment_pending', `Det finns redan en ${pending ? STATUS_TEXT[pending.status] : ''} utbetalning för ${month}. Makulera den först om den ska ersättas.`, 409, { paymentId: pending?.paymentId });

  const alreadyPaid = Object.values(state.payments)
    .filter((p) => p.decisionId === decision.decisionId && isLive(p))
    .reduce((sum, p) => sum + p.amount, 0);
  const remaining = decision.amount - alreadyPaid;
  const amount = command.amount ?? remaining;
  ruleBroken(amount > 0, 'amount_not_positive', remaining <= 0 ? `Hela det beviljade beloppet för ${month} är redan utbetalt eller planerat.` : 'Beloppet måste vara större än 0 kr.', command.amount === null ? 409 : 422, { amount });
  ruleBroken(amount <= remaining, 'amount_exceeds_decision', `Beloppet ${formatKronor(amount)} är större än det som återstår av beslutet (${formatKronor(remaining)} av beviljade ${formatKronor(decision.amount)}).`, 422, { amount, remaining, decided: decision.amount });

  const calendar = calendarFor(command.kommun, firstDayOf(month), calendars);
  ruleBroken(calendar !== undefined, 'no_payment_calendar', `Det finns ingen utbetalningskalender för kommunen "${command.kommun}" som gäller ${month}.`, 409, { kommun: command.kommun, month });
  const day = paymentDateFor(calendar, month);
  // Scheduled after the calendar day (a late decision): pay on the first possible bank day.
  const late = day.date < command.today;
  const paymentDate = late ? (isBankDay(command.today) ? command.today : nextBankDay(command.today)) : day.date;

  const retryOf = ofMonth.filter((p) => !isLive(p)).at(-1)?.paymentId ?? null;
  return {
    type: 'PaymentScheduled',
    data: {
      paymentId: command.paymentId,
      decisionId: decision.decisionId,
      month,
      amount,
      payee: command.payee ?? state.file.payee,
      paymentDate,
      basis: {
        calendarId: calendar.id,
        kommun: calendar.kommun,
        // The calendar data has no version field; a version is identified by its effective date.
        calendarVersion: calendar.effectiveFrom,
        nominalDate: day.nominalDate,
        calendarDate: day.date,
        movedFrom: day.movedFrom ?? null,
        moveReason: day.reason ?? null,
        lateReason: late ? `utbetalningsdagen ${day.date} hade passerat när utbetalningen lades upp; betalas närmast möjliga bankdag` : null,
      },
      manualRoute: state.file.protectedIdentity,
      scheduledBy: command.actor,
      scheduledOn: command.today,
      retryOf,
    },
  };
}

function paymentOf(state: CaseState, paymentId: string): PaymentState {
  ruleBroken(state.file !== null, 'case_not_opened', 'Ärendet finns inte.', 409);
  const payment = state.payments[paymentId];
  if (!payment) throw new NotFoundError(`Utbetalningen ${paymentId} finns inte i ärendet.`);
  return payment;
}

function requireReason(reason: string): void {
  ruleBroken(reason.trim().length > 0, 'reason_required', 'Ange ett skäl.', 422);
}

export function evolvePayments(state: CaseState, event: DomainEvent): CaseState {
  const e = event as PaymentEvent;
  if (e.type === 'PaymentScheduled') {
    const d = e.data;
    const payment: PaymentState = {
      paymentId: d.paymentId,
      decisionId: d.decisionId,
      month: d.month,
      amount: d.amount,
      payee: d.payee,
      paymentDate: d.paymentDate,
      calendarId: d.basis.calendarId,
      calendarVersion: d.basis.calendarVersion,
      moveReason: d.basis.lateReason ?? d.basis.moveReason,
      manualRoute: d.manualRoute,
      scheduledBy: d.scheduledBy,
      scheduledOn: d.scheduledOn,
      retryOf: d.retryOf,
      attestedBy: null,
      attestedOn: null,
      bankReference: null,
      disbursedOn: null,
      ended: null,
      status: 'scheduled',
    };
    return { ...state, payments: { ...state.payments, [d.paymentId]: payment } };
  }
  const update = (paymentId: string, change: (p: PaymentState) => PaymentState): CaseState => {
    const p = state.payments[paymentId];
    return p ? { ...state, payments: { ...state.payments, [paymentId]: change(p) } } : state;
  };
  switch (e.type) {
    case 'PaymentAttested':
      return update(e.data.paymentId, (p) => ({ ...p, status: 'attested', attestedBy: e.data.attestedBy, attestedOn: e.data.on }));
    case 'PaymentDisbursed':
      return update(e.data.paymentId, (p) => ({ ...p, status: 'disbursed', bankReference: e.data.bankReference, disbursedOn: e.data.on }));
    case 'PaymentFailed':
      return update(e.data.paymentId, (p) => ({ ...p, status: 'failed', ended: { reason: e.data.reason, on: e.data.on } }));
    case 'PaymentReturned':
      return update(e.data.paymentId, (p) => ({ ...p, status: 'returned', ended: { reason: e.data.reason, on: e.data.on } }));
    case 'PaymentCancelled':
      return update(e.data.paymentId, (p) => ({ ...p, status: 'cancelled', ended: { reason: e.data.reason, on: e.data.on, by: e.data.cancelledBy } }));
    default:
      return state;
  }
}
