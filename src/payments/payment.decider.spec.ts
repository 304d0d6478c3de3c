import { describe, it, expect } from '@jest/globals';
import { given } from '../command-path/testing/given-when-then.js';
import type { CaseState } from '../cases/case-state.js';
import type { PaymentCalendar } from '../shared/calendar/payment-calendar.js';
import { PAYMENT_CALENDARS } from '../shared/calendar/payment-calendars.data.js';
import { decidePayment, type PaymentCommand } from './payment.decider.js';
import type { PaymentScheduled } from './payment.events.js';
import {
  caseClosed,
  caseOpened,
  clientAccount,
  decisionMade,
  decisionReconsidered,
  paymentAttested,
  paymentCancelled,
  paymentDisbursed,
  paymentFailed,
  paymentReturned,
  paymentScheduled,
} from './testing/fixtures.js';

const decide = (command: PaymentCommand, state: CaseState) => decidePayment(command, state);

const schedule = (decisionId: string, today: string, extra: Partial<Extract<PaymentCommand, { kind: 'SchedulePayment' }>> = {}): PaymentCommand => ({
  kind: 'SchedulePayment',
  paymentId: 'p-new',
  decisionId,
  amount: null,
  payee: null,
  kommun: 'demo',
  actor: 'hl-eva',
  today,
  ...extra,
});
const attest = (paymentId: string, actor: string, role = 'attestant'): PaymentCommand => ({ kind: 'AttestPayment', paymentId, actor, role, comment: null, today: '2026-01-20' });
const disburse = (paymentId: string, bankReference = 'BGC-2'): PaymentCommand => ({ kind: 'RecordDisbursement', paymentId, bankReference, today: '2026-01-23' });

const scheduledData = (events: readonly unknown[]) => (events[0] as PaymentScheduled).data;

describe('scheduling a payment on the kommun payment day', () => {
  it('given a granted decision for May 2026 and a kommun paying on the 25th the month before, when scheduled, then it is paid on Friday 24 April because the 25th is a Saturday', () => {
    given([caseOpened(), decisionMade('2026-05')])
      .when(decide, schedule('d-2026-05', '2026-04-10'))
      .then([
        {
          type: 'PaymentScheduled',
          data: {
            paymentId: 'p-new',
            decisionId: 'd-2026-05',
            month: '2026-05',
            amount: 952_000,
            payee: clientAccount,
            paymentDate: '2026-04-24',
            basis: {
              calendarId: 'demo-2025',
              kommun: 'demo',
              calendarVersion: '2025-01-01',
              nominalDate: '2026-04-25',
              calendarDate: '2026-04-24',
              movedFrom: '2026-04-25',
              moveReason: 'flyttad från lördag till närmast föregående bankdag',
              lateReason: null,
            },
            manualRoute: false,
            scheduledBy: 'hl-eva',
            scheduledOn: '2026-04-10',
            retryOf: null,
          },
        },
      ]);
  });

  it('given January 2027 is due on juldagen 25 December, when scheduled, then it moves back over julafton to Wednesday 23 December', () => {
    const data = scheduledData(given([caseOpened(), decisionMade('2027-01')]).when(decide, schedule('d-2027-01', '2026-12-01')).events());
    expect(data.paymentDate).toBe('2026-12-23');
    expect(data.basis).toMatchObject({ nominalDate: '2026-12-25', movedFrom: '2026-12-25', moveReason: 'flyttad från juldagen till närmast föregående bankdag' });
  });

  it('given a kommun paying on the 24th in the month itself, when December 2026 is scheduled, then it is paid on 23 December because the 24th is julafton', () => {
    const paysOn24: PaymentCalendar = { id: 'test-24-v1', kommun: 'test', effectiveFrom: '2026-01-01', dayOfMonth: 24, monthOffset: 0, moveWhenNotBankDay: 'previous_bank_day', cutoffBankDays: 2, source: 'test' };
    const events = given([caseOpened(), decisionMade('2026-12')])
      .when((c: PaymentCommand, s: CaseState) => decidePayment(c, s, [...PAYMENT_CALENDARS, paysOn24]), schedule('d-2026-12', '2026-12-01', { kommun: 'test' }))
      .events();
    expect(scheduledData(events)).toMatchObject({
      paymentDate: '2026-12-23',
      basis: { calendarId: 'test-24-v1', calendarVersion: '2026-01-01', movedFrom: '2026-12-24', moveReason: 'flyttad från julafton till närmast föregående bankdag' },
    });
  });

  it('given the payment day has already passed when a late decision is scheduled, then it is paid on the next bank day and the delay is recorded', () => {
    const data = scheduledData(given([caseOpened(), decisionMade('2026-05')]).when(decide, schedule('d-2026-05', '2026-04-25')).events());
    expect(data.paymentDate).toBe('2026-04-27');
    expect(data.basis.calendarDate).toBe('2026-04-24');
    expect(data.basis.lateReason).toMatch(/hade passerat/);
  });

  it('given the client has protected identity, when scheduled, then it is allowed and flagged for the manual route', () => {
    const data = scheduledData(given([caseOpened(true), decisionMade('2026-05')]).when(decide, schedule('d-2026-05', '2026-04-10')).events());
    expect(data.manualRoute).toBe(true);
  });

  it('given the rent is paid straight to the landlord, when scheduled with that payee, then the landlord is the payee', () => {
    const landlord = { kind: 'landlord', name: 'Bostadsbolaget AB', account: '5050-1055' } as const;
    const data = scheduledData(given([caseOpened(), decisionMade('2026-05')]).when(decide, schedule('d-2026-05', '2026-04-10', { payee: landlord, amount: 650_000 })).events());
    expect(data).toMatchObject({ payee: landlord, amount: 650_000 });
  });

  it('given a partly granted decision, a part of the amount may be scheduled', () => {
    const data = scheduledData(given([caseOpened(), decisionMade('2026-05', { outcome: 'partly_granted', amount: 400_000 })]).when(decide, schedule('d-2026-05', '2026-04-10', { amount: 100_000 })).events());
    expect(data.amount).toBe(100_000);
  });

  it('given a refusal, when a payment is scheduled, then it is refused', () => {
    given([caseOpened(), decisionMade('2026-05', { outcome: 'refused' })]).when(decide, schedule('d-2026-05', '2026-04-10')).thenRefused('decision_not_granted', 409);
  });

  it('given no decision with that id, when a payment is scheduled, then it is refused', () => {
    given([caseOpened()]).when(decide, schedule('d-2026-05', '2026-04-10')).thenRefused('decision_unknown', 422);
  });

  it('given the decision was replaced at omprövning, when a payment is scheduled on the old one, then it is refused, and on the new one it is allowed', () => {
    const g = given([caseOpened(), decisionMade('2026-05'), decisionReconsidered('2026-05', 'd-2026-05-b')]);
    g.when(decide, schedule('d-2026-05', '2026-04-10')).thenRefused('decision_replaced', 409);
    expect(scheduledData(g.when(decide, schedule('d-2026-05-b', '2026-04-10')).events())).toMatchObject({ decisionId: 'd-2026-05-b', amount: 1_000_000 });
  });

  it('refuses an amount above the decided amount, and an amount of 0 kr', () => {
    const g = given([caseOpened(), decisionMade('2026-05')]);
    const err = g.when(decide, schedule('d-2026-05', '2026-04-10', { amount: 952_001 })).thenRefused('amount_exceeds_decision', 422);
    expect(err.message).toContain('9\u00a0520,00\u00a0kr');
    g.when(decide, schedule('d-2026-05', '2026-04-10', { amount: 0 })).thenRefused('amount_not_positive', 422);
  });

  it('given the case is closed, when a payment is scheduled, then it is refused', () => {
    given([caseOpened(), decisionMade('2026-05'), caseClosed()]).when(decide, schedule('d-2026-05', '2026-04-10')).thenRefused('case_closed', 409);
  });

  it('given no calendar for the kommun, when a payment is scheduled, then it is refused', () => {
    given([caseOpened(), decisionMade('2026-05')]).when(decide, schedule('d-2026-05', '2026-04-10', { kommun: 'ingenstans' })).thenRefused('no_payment_calendar', 409);
  });
});

describe('a month is paid at most once', () => {
  const paidMay = [caseOpened(), decisionMade('2026-05'), paymentScheduled('2026-05', '2026-04-24'), paymentAttested('p-2026-05'), paymentDisbursed('p-2026-05')];

  it('given May is paid, when another payment is scheduled for May, then it is refused', () => {
    const err = given(paidMay).when(decide, schedule('d-2026-05', '2026-04-26', { amount: 1_000 })).thenRefused('month_already_paid', 409);
    expect(err.details).toEqual({ paymentId: 'p-2026-05' });
  });

  it('given May is paid and an omprövning grants more, a new payment for May is still refused', () => {
    given([...paidMay, decisionReconsidered('2026-05', 'd-2026-05-b')]).when(decide, schedule('d-2026-05-b', '2026-04-26')).thenRefused('month_already_paid', 409);
  });

  it('given a payment for May is scheduled and not yet paid, when a second one is scheduled, then it is refused', () => {
    given([caseOpened(), decisionMade('2026-05'), paymentScheduled('2026-05', '2026-04-24')]).when(decide, schedule('d-2026-05', '2026-04-10')).thenRefused('month_payment_pending', 409);
  });

  it('given May is disbursed, when the disbursement is recorded again, then the second disbursement is refused', () => {
    given(paidMay).when(decide, disburse('p-2026-05', 'BGC-other')).thenRefused('payment_already_disbursed', 409);
  });

  it('given a payment that is scheduled but not attested, when a disbursement is recorded, then it is refused', () => {
    given([caseOpened(), decisionMade('2026-05'), paymentScheduled('2026-05', '2026-04-24')]).when(decide, disburse('p-2026-05')).thenRefused('payment_not_attested', 409);
  });

  it('given an attested payment, when the bank pays it out, then it is disbursed with the bank reference', () => {
    given([caseOpened(), decisionMade('2026-05'), paymentScheduled('2026-05', '2026-04-24'), paymentAttested('p-2026-05')])
      .when(decide, disburse('p-2026-05', 'BGC-123'))
      .then([{ type: 'PaymentDisbursed', data: { paymentId: 'p-2026-05', bankReference: 'BGC-123', on: '2026-01-23' } }]);
  });

  it('given the May payment came back from the bank, when May is scheduled again, then the new payment is allowed and names the returned one', () => {
    const data = scheduledData(given([...paidMay, paymentReturned('p-2026-05')]).when(decide, schedule('d-2026-05', '2026-04-27', { paymentId: 'p-2026-05-b' })).events());
    expect(data).toMatchObject({ paymentId: 'p-2026-05-b', month: '2026-05', amount: 952_000, retryOf: 'p-2026-05', paymentDate: '2026-04-27' });
  });

  it('given the May payment failed at the bank, when May is scheduled again, then it is allowed', () => {
    const failed = [caseOpened(), decisionMade('2026-05'), paymentScheduled('2026-05', '2026-04-24'), paymentAttested('p-2026-05'), paymentFailed('p-2026-05')];
    expect(scheduledData(given(failed).when(decide, schedule('d-2026-05', '2026-04-20', { paymentId: 'p-2026-05-b' })).events()).retryOf).toBe('p-2026-05');
  });

  it('given a returned payment, the rescheduled one can be attested and paid, and then the month is closed again', () => {
    const events = [...paidMay, paymentReturned('p-2026-05'), paymentScheduled('2026-05', '2026-04-27', { paymentId: 'p-2026-05-b', retryOf: 'p-2026-05' }), paymentAttested('p-2026-05-b')];
    given(events).when(decide, disburse('p-2026-05-b')).then([{ type: 'PaymentDisbursed', data: { paymentId: 'p-2026-05-b', bankReference: 'BGC-2', on: '2026-01-23' } }]);
    given([...events, paymentDisbursed('p-2026-05-b')]).when(decide, schedule('d-2026-05', '2026-04-28', { paymentId: 'p-2026-05-c' })).thenRefused('month_already_paid');
  });
});

describe('attest: four eyes', () => {
  const scheduledBy = (actor: string) => [caseOpened(), decisionMade('2026-05', { decidedBy: 'hl-eva' }), paymentScheduled('2026-05', '2026-04-24', { scheduledBy: actor })];

  it('given a payment decided by hl-eva, when hl-eva attests it, then it is refused', () => {
    const err = given(scheduledBy('hl-kim')).when(decide, attest('p-2026-05', 'hl-eva')).thenRefused('attester_decided', 422);
    expect(err.message).toMatch(/fyraögonsprincipen/);
  });

  it('given a payment scheduled by hl-kim, when hl-kim attests it, then it is refused', () => {
    const err = given(scheduledBy('hl-kim')).when(decide, attest('p-2026-05', 'hl-kim')).thenRefused('attester_scheduled', 422);
    expect(err.message).toMatch(/lagt upp utbetalningen/);
  });

  it('given someone without the attestant role, when they attest, then it is refused', () => {
    given(scheduledBy('hl-kim')).when(decide, attest('p-2026-05', 'hl-olle', 'handlaggare')).thenRefused('attestant_role_required', 422);
  });

  it('given a payment decided and scheduled by others, when an attestant attests it, then it is attested', () => {
    given(scheduledBy('hl-kim'))
      .when(decide, attest('p-2026-05', 'att-olle'))
      .then([{ type: 'PaymentAttested', data: { paymentId: 'p-2026-05', attestedBy: 'att-olle', on: '2026-01-20', comment: null } }]);
  });

  it('given a cancelled payment, when it is attested, then it is refused', () => {
    given([...scheduledBy('hl-kim'), paymentCancelled('p-2026-05')]).when(decide, attest('p-2026-05', 'att-olle')).thenRefused('payment_cancelled', 409);
  });

  it('given an attested payment, when it is attested again, then it is refused', () => {
    given([...scheduledBy('hl-kim'), paymentAttested('p-2026-05')]).when(decide, attest('p-2026-05', 'att-stina')).thenRefused('payment_already_attested', 409);
  });

  it('given the decision was replaced after the payment was scheduled, when it is attested, then it is refused', () => {
    given([...scheduledBy('hl-kim'), decisionReconsidered('2026-05', 'd-2026-05-b')]).when(decide, attest('p-2026-05', 'att-olle')).thenRefused('decision_replaced', 409);
  });

  it('given an unknown payment, when it is attested, then it is not found', () => {
    expect(() => given(scheduledBy('hl-kim')).when(decide, attest('p-nope', 'att-olle')).events()).toThrow(/finns inte/);
  });
});

describe('failures, returns and cancellations', () => {
  const scheduled = [caseOpened(), decisionMade('2026-05'), paymentScheduled('2026-05', '2026-04-24')];

  it('given a scheduled payment, when it is cancelled, then it is cancelled with the reason and by whom', () => {
    given(scheduled)
      .when(decide, { kind: 'CancelPayment', paymentId: 'p-2026-05', reason: ' Fel mottagare ', actor: 'hl-eva', today: '2026-04-20' })
      .then([{ type: 'PaymentCancelled', data: { paymentId: 'p-2026-05', reason: 'Fel mottagare', cancelledBy: 'hl-eva', on: '2026-04-20' } }]);
  });

  it('given a disbursed payment, when it is cancelled, then it is refused', () => {
    given([...scheduled, paymentAttested('p-2026-05'), paymentDisbursed('p-2026-05')])
      .when(decide, { kind: 'CancelPayment', paymentId: 'p-2026-05', reason: 'Fel', actor: 'hl-eva', today: '2026-04-27' })
      .thenRefused('payment_already_disbursed', 409);
  });

  it('given a payment not yet paid out, when a return is recorded, then it is refused', () => {
    given([...scheduled, paymentAttested('p-2026-05')]).when(decide, { kind: 'RecordPaymentReturn', paymentId: 'p-2026-05', reason: 'Konto saknas', today: '2026-04-27' }).thenRefused('payment_not_disbursed', 409);
  });

  it('given a scheduled payment never sent to the bank, when a failure is recorded, then it is refused', () => {
    given(scheduled).when(decide, { kind: 'RecordPaymentFailure', paymentId: 'p-2026-05', reason: 'Ogiltigt konto', today: '2026-04-24' }).thenRefused('payment_not_sent', 409);
  });

  it('a failure needs a reason', () => {
    given([...scheduled, paymentAttested('p-2026-05')]).when(decide, { kind: 'RecordPaymentFailure', paymentId: 'p-2026-05', reason: '  ', today: '2026-04-24' }).thenRefused('reason_required', 422);
  });
});

describe('the payments slice', () => {
  it('follows a payment from scheduled through attested and disbursed to returned', () => {
    const { state } = given([caseOpened(), decisionMade('2026-05'), paymentScheduled('2026-05', '2026-04-24'), paymentAttested('p-2026-05'), paymentDisbursed('p-2026-05', '2026-04-24'), paymentReturned('p-2026-05', '2026-04-28')]);
    expect(state.payments['p-2026-05']).toMatchObject({
      status: 'returned',
      attestedBy: 'att-olle',
      bankReference: 'BGC-p-2026-05',
      disbursedOn: '2026-04-24',
      ended: { reason: 'Kontot är avslutat', on: '2026-04-28' },
    });
  });
});
