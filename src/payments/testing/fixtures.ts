import type { CaseClosed, CaseOpened, ProtectedIdentityChanged } from '../../cases/case.events.js';
import type { DecisionContent, DecisionMade, DecisionReconsidered } from '../../decisions/decision.events.js';
import { citeLaw } from '../../decisions/law-citation.js';
import { lastDayOf } from '../../shared/date-math.js';
import { firstDayOf, type LocalDate, type Month } from '../../shared/dates.js';
import type { Ore } from '../../shared/money.js';
import type { PaymentAttested, PaymentCancelled, PaymentDisbursed, PaymentFailed, PaymentReturned, PaymentScheduled } from '../payment.events.js';

/** Given facts of a household's case, in the field's words, for payment and återkrav tests. */
export const caseId = 'c-pay-1';
export const clientAccount = { kind: 'client_account', name: 'Anna Andersson', account: '8327-9 123 456 789-0' } as const;

export function caseOpened(protectedIdentity = false): CaseOpened {
  return {
    type: 'CaseOpened',
    data: {
      caseId,
      household: [{ memberId: 'anna', role: 'applicant', name: 'Anna Andersson', personnummer: '198112189876', birthDate: '1981-12-18' }],
      unit: 'enhet-nord',
      caseworker: 'hl-eva',
      payee: clientAccount,
      protectedIdentity,
      openedOn: '2026-01-10',
    },
  };
}

export const protectedIdentitySet = (): ProtectedIdentityChanged => ({ type: 'ProtectedIdentityChanged', data: { protectedIdentity: true, reason: 'Skyddad folkbokföring' } });
export const caseClosed = (on: LocalDate = '2026-11-30'): CaseClosed => ({ type: 'CaseClosed', data: { on, reason: 'Självförsörjande' } });

function content(month: Month, amount: Ore, decidedBy: string, outcome: DecisionContent['outcome']): DecisionContent {
  const decidedOn = '2026-01-15';
  return {
    month,
    outcome,
    amount: outcome === 'refused' ? 0 : amount,
    period: { from: firstDayOf(month), to: lastDayOf(month) },
    calculationId: `calc-${month}`,
    calculationTotal: amount,
    motivering: outcome === 'refused' ? 'Inkomsterna överstiger norm och kostnader.' : 'Hushållets inkomster räcker inte till norm och skäliga kostnader.',
    legalReferences: [citeLaw('SoL-12-1', decidedOn)],
    decidedBy,
    delegation: 'delegationsordning 4.1',
    automated: false,
    automation: null,
    decidedOn,
    activityMisses: [],
    activityRuleVersion: 'test',
  };
}

/** A decision for the month, made by hl-eva unless told otherwise. */
export function decisionMade(month: Month, opts: { amount?: Ore; decidedBy?: string; outcome?: DecisionContent['outcome']; decisionId?: string } = {}): DecisionMade {
  const { amount = 952_000, decidedBy = 'hl-eva', outcome = 'granted', decisionId = `d-${month}` } = opts;
  return { type: 'DecisionMade', data: { decisionId, ...content(month, amount, decidedBy, outcome) } };
}

/** Omprövning: the decision is replaced by a new one for the same month. */
export function decisionReconsidered(month: Month, newDecisionId: string, opts: { amount?: Ore; decidedBy?: string; decisionId?: string } = {}): DecisionReconsidered {
  const { amount = 1_000_000, decidedBy = 'hl-eva', decisionId = `d-${month}` } = opts;
  return {
    type: 'DecisionReconsidered',
    data: {
      decisionId,
      newDecisionId,
      grounds: 'new_circumstances',
      appealId: null,
      disadvantageGround: null,
      reconsiderationBasis: citeLaw('FL-37-39', '2026-01-20'),
      ...content(month, amount, decidedBy, 'granted'),
    },
  };
}

export interface ScheduledOpts {
  readonly paymentId?: string;
  readonly amount?: Ore;
  readonly scheduledBy?: string;
  readonly decisionId?: string;
  readonly retryOf?: string | null;
}

/** A payment already scheduled on the demo calendar (25th of the month before). */
export function paymentScheduled(month: Month, paymentDate: LocalDate, opts: ScheduledOpts = {}): PaymentScheduled {
  const { paymentId = `p-${month}`, amount = 952_000, scheduledBy = 'hl-eva', decisionId = `d-${month}`, retryOf = null } = opts;
  return {
    type: 'PaymentScheduled',
    data: {
      paymentId,
      decisionId,
      month,
      amount,
      payee: clientAccount,
      paymentDate,
      basis: { calendarId: 'demo-2025', kommun: 'demo', calendarVersion: '2025-01-01', nominalDate: paymentDate, calendarDate: paymentDate, movedFrom: null, moveReason: null, lateReason: null },
      manualRoute: false,
      scheduledBy,
      scheduledOn: '2026-01-16',
      retryOf,
    },
  };
}

export const paymentAttested = (paymentId: string, attestedBy = 'att-olle', on: LocalDate = '2026-01-20'): PaymentAttested => ({ type: 'PaymentAttested', data: { paymentId, attestedBy, on, comment: null } });
export const paymentDisbursed = (paymentId: string, on: LocalDate = '2026-01-23', bankReference = `BGC-${paymentId}`): PaymentDisbursed => ({ type: 'PaymentDisbursed', data: { paymentId, bankReference, on } });
export const paymentReturned = (paymentId: string, on: LocalDate = '2026-01-27'): PaymentReturned => ({ type: 'PaymentReturned', data: { paymentId, reason: 'Kontot är avslutat', on } });
export const paymentFailed = (paymentId: string, on: LocalDate = '2026-01-23'): PaymentFailed => ({ type: 'PaymentFailed', data: { paymentId, reason: 'Ogiltigt kontonummer', on } });
export const paymentCancelled = (paymentId: string, on: LocalDate = '2026-01-21'): PaymentCancelled => ({ type: 'PaymentCancelled', data: { paymentId, reason: 'Fel mottagare', cancelledBy: 'hl-eva', on } });
