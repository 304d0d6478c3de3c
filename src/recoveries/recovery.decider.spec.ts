import { describe, it, expect } from '@jest/globals';
import { given } from '../command-path/testing/given-when-then.js';
import { decidePayment } from '../payments/payment.decider.js';
import type { PaymentScheduled } from '../payments/payment.events.js';
import { caseClosed, caseOpened, decisionMade, paymentAttested, paymentDisbursed, paymentReturned, paymentScheduled } from '../payments/testing/fixtures.js';
import { decideRecovery, type RecoveryCommand } from './recovery.decider.js';
import type { RecoveryClaimed, RecoveryDecided } from './recovery.events.js';

/** March and April 2026 were paid out; the household did not report a salary in March. */
const paidMarchAndApril = [
  caseOpened(),
  decisionMade('2026-03', { amount: 900_000 }),
  paymentScheduled('2026-03', '2026-02-25', { amount: 900_000 }),
  paymentAttested('p-2026-03'),
  paymentDisbursed('p-2026-03', '2026-02-25'),
  decisionMade('2026-04', { amount: 700_000 }),
  paymentScheduled('2026-04', '2026-03-25', { amount: 700_000 }),
  paymentAttested('p-2026-04'),
  paymentDisbursed('p-2026-04', '2026-03-25'),
];

const claim = (overrides: Partial<Extract<RecoveryCommand, { kind: 'ClaimRecovery' }>> = {}): RecoveryCommand => ({
  kind: 'ClaimRecovery',
  recoveryId: 'r-1',
  reason: 'omitted_information',
  description: 'Lön för mars (8 000 kr) uppgavs inte i ansökan.',
  amount: 800_000,
  legalBasis: 'SoL-aterkrav',
  paymentIds: ['p-2026-03'],
  actor: 'hl-eva',
  today: '2026-05-04',
  ...overrides,
});

const decide = (overrides: Partial<Extract<RecoveryCommand, { kind: 'DecideRecovery' }>> = {}): RecoveryCommand => ({
  kind: 'DecideRecovery',
  recoveryId: 'r-1',
  outcome: 'pursue',
  motivering: 'Uppgiften om lön lämnades inte trots uttrycklig fråga i ansökan; beloppet betalades ut obehörigen.',
  actor: 'hl-eva',
  today: '2026-05-10',
  ...overrides,
});

const claimed = (amount = 800_000, paymentIds = ['p-2026-03'], recoveryId = 'r-1'): RecoveryClaimed => ({
  type: 'RecoveryClaimed',
  data: {
    recoveryId,
    reason: 'omitted_information',
    description: 'Lön för mars (8 000 kr) uppgavs inte i ansökan.',
    amount,
    legalBasis: { code: 'SoL-aterkrav', text: 'SoL (2025:400), återkrav (kapitel och paragraf ej verifierade)', effectiveFrom: '2025-07-01', verified: false },
    paymentIds,
    months: ['2026-03'],
    paidForPayments: 900_000,
    claimedBy: 'hl-eva',
    claimedOn: '2026-05-04',
  },
});

describe('återkrav: claiming', () => {
  it('given March was paid out and a salary was not reported, when återkrav is claimed, then it records the ground, the law in force and the payments', () => {
    given(paidMarchAndApril).when(decideRecovery, claim()).then([claimed()]);
  });

  it('given an advance on sjukpenning paid over two months, a claim may cover both payments up to what was paid', () => {
    const events = given(paidMarchAndApril)
      .when(decideRecovery, claim({ reason: 'advance_on_benefit', description: 'Förskott på sjukpenning för mars–april.', amount: 1_600_000, paymentIds: ['p-2026-04', 'p-2026-03'] }))
      .events();
    expect(events[0]?.data).toMatchObject({ amount: 1_600_000, months: ['2026-03', '2026-04'], paidForPayments: 1_600_000 });
  });

  it('refuses a claim larger than what was paid for the payments', () => {
    const err = given(paidMarchAndApril).when(decideRecovery, claim({ amount: 900_001 })).thenRefused('amount_exceeds_paid', 422);
    expect(err.details).toMatchObject({ paid: 900_000, alreadyClaimed: 0 });
  });

  it('refuses a claim of 0 kr', () => {
    given(paidMarchAndApril).when(decideRecovery, claim({ amount: 0 })).thenRefused('amount_not_positive', 422);
  });

  it('given 8 000 kr of March is already claimed, a second claim on March may take at most the remaining 1 000 kr', () => {
    const g = given([...paidMarchAndApril, claimed()]);
    g.when(decideRecovery, claim({ recoveryId: 'r-2', amount: 100_001 })).thenRefused('amount_exceeds_paid', 422);
    expect(g.when(decideRecovery, claim({ recoveryId: 'r-2', amount: 100_000 })).events()).toHaveLength(1);
  });

  it('given the earlier claim was waived, it no longer counts against what was paid', () => {
    const waived: RecoveryDecided = { type: 'RecoveryDecided', data: { recoveryId: 'r-1', outcome: 'waive', motivering: 'Skäl att efterge.', decidedBy: 'hl-eva', decidedOn: '2026-05-10' } };
    expect(given([...paidMarchAndApril, claimed(), waived]).when(decideRecovery, claim({ recoveryId: 'r-2', amount: 900_000 })).events()).toHaveLength(1);
  });

  it('given the payment came back from the bank, nothing was paid, so it cannot be claimed', () => {
    given([...paidMarchAndApril, paymentReturned('p-2026-03')]).when(decideRecovery, claim()).thenRefused('payment_not_disbursed', 409);
  });

  it('refuses a payment that is not in the case', () => {
    given(paidMarchAndApril).when(decideRecovery, claim({ paymentIds: ['p-2025-12'] })).thenRefused('payment_unknown', 422);
  });

  it('refuses a law reference that does not exist', () => {
    given(paidMarchAndApril).when(decideRecovery, claim({ legalBasis: 'SoL-99-9' })).thenRefused('legal_basis_unknown', 422);
  });

  it('a claim may be made after the case was closed', () => {
    expect(given([...paidMarchAndApril, caseClosed('2026-04-30')]).when(decideRecovery, claim()).events()).toHaveLength(1);
  });

  it('is never offset against later försörjningsstöd: May is still paid in full while March is being recovered', () => {
    const g = given([...paidMarchAndApril, claimed(), decisionMade('2026-05', { amount: 950_000 })]);
    const events = g.when(decidePayment, { kind: 'SchedulePayment', paymentId: 'p-2026-05', decisionId: 'd-2026-05', amount: null, payee: null, kommun: 'demo', actor: 'hl-eva', today: '2026-04-10' }).events();
    expect((events[0] as PaymentScheduled).data.amount).toBe(950_000);
  });
});

describe('återkrav: the decision to pursue or waive', () => {
  it('given a claim, when the nämnd decides to pursue it through förvaltningsrätten with a motivering, then the decision is recorded', () => {
    given([...paidMarchAndApril, claimed()])
      .when(decideRecovery, decide())
      .then([
        {
          type: 'RecoveryDecided',
          data: {
            recoveryId: 'r-1',
            outcome: 'pursue',
            motivering: 'Uppgiften om lön lämnades inte trots uttrycklig fråga i ansökan; beloppet betalades ut obehörigen.',
            decidedBy: 'hl-eva',
            decidedOn: '2026-05-10',
          },
        },
      ]);
  });

  it('given a claim, when it is decided without a motivering, then it is refused', () => {
    const err = given([...paidMarchAndApril, claimed()]).when(decideRecovery, decide({ motivering: '   ' })).thenRefused('motivering_required', 422);
    expect(err.message).toMatch(/32 §/);
  });

  it('given a decided claim, when it is decided again, then it is refused', () => {
    const decided: RecoveryDecided = { type: 'RecoveryDecided', data: { recoveryId: 'r-1', outcome: 'pursue', motivering: 'Skäl.', decidedBy: 'hl-eva', decidedOn: '2026-05-10' } };
    given([...paidMarchAndApril, claimed(), decided]).when(decideRecovery, decide({ outcome: 'waive' })).thenRefused('recovery_already_decided', 409);
  });

  it('the recoveries slice keeps the claim and its decision', () => {
    const decided: RecoveryDecided = { type: 'RecoveryDecided', data: { recoveryId: 'r-1', outcome: 'waive', motivering: 'Synnerliga skäl.', decidedBy: 'hl-eva', decidedOn: '2026-05-10' } };
    const { state } = given([...paidMarchAndApril, claimed(), decided]);
    expect(state.recoveries['r-1']).toEqual({
      recoveryId: 'r-1',
      reason: 'omitted_information',
      description: 'Lön för mars (8 000 kr) uppgavs inte i ansökan.',
      amount: 800_000,
      legalBasis: 'SoL-aterkrav',
      paymentIds: ['p-2026-03'],
      months: ['2026-03'],
      claimedBy: 'hl-eva',
      claimedOn: '2026-05-04',
      decision: { outcome: 'waive', decidedBy: 'hl-eva', on: '2026-05-10', motivering: 'Synnerliga skäl.' },
    });
  });
});
