import type { DomainEvent } from '../src/command-path/decider.js';
import { decideApplication, type ApplicationCommand } from '../src/applications/application.decider.js';
import { decideCalculation, latestCalculation, type CalculationCommand } from '../src/calculations/calculation.decider.js';
import { decideCase, type CaseCommand } from '../src/cases/case.decider.js';
import type { CaseState } from '../src/cases/case-state.js';
import { decideDecisions, type DecisionCommand } from '../src/decisions/decision.decider.js';
import { decidePayment, type PaymentCommand } from '../src/payments/payment.decider.js';
import type { PaymentScheduled } from '../src/payments/payment.events.js';
import { lastDayOf } from '../src/shared/date-math.js';
import { firstDayOf } from '../src/shared/dates.js';

/** One step of a household's month: which decider, the command (built from the state so far), who asks. */
export interface MonthStep {
  readonly name: string;
  readonly decide: (command: any, state: CaseState) => readonly DomainEvent[];
  readonly command: (state: CaseState) => unknown;
  readonly actor: string;
  readonly role: string;
}

/**
 * The eight commands of an ordinary household month, as a caseworker, an attestant and the bank
 * integration send them: open the case, the application, calculation, decision, delgivning,
 * payment scheduled, attested (four eyes) and disbursed. Dates are fixed so every run decides alike.
 */
export function householdMonth(caseId: string, n: number): MonthStep[] {
  const month = '2026-12';
  const today = '2026-11-18';
  const pnr = ['198112189876', '197910102397'];
  const decisionOf = (s: CaseState) => Object.values(s.decisions)[0]!.decisionId;
  const paymentOf = (s: CaseState) => Object.values(s.payments)[0]!.paymentId;
  return [
    {
      name: 'OpenCase',
      decide: decideCase,
      actor: 'hl-bench',
      role: 'handlaggare',
      command: (): CaseCommand => ({
        kind: 'OpenCase',
        caseId,
        household: [
          { memberId: 'm1', role: 'applicant', name: 'Anna Andersson', personnummer: pnr[0]!, birthDate: '1981-12-18' },
          { memberId: 'm2', role: 'co_applicant', name: 'Bo Andersson', personnummer: pnr[1]!, birthDate: '1979-10-10' },
          { memberId: 'b1', role: 'child', name: 'Cilla Andersson', personnummer: null, birthDate: '2019-03-01' },
        ],
        unit: 'enhet-bench',
        caseworker: 'hl-bench',
        payee: { kind: 'client_account', name: 'Anna Andersson', account: '8327-9 123 456 789-0' },
        protectedIdentity: false,
        today,
      }),
    },
    {
      name: 'SubmitApplication',
      decide: decideApplication,
      actor: pnr[0]!,
      role: 'klient',
      command: (): ApplicationCommand => ({
        kind: 'SubmitApplication',
        applicationId: `${caseId}-a`,
        month,
        submittedOn: today,
        costs: [
          { kind: 'housing', amount: 850_000 },
          { kind: 'electricity', amount: 52_000 + (n % 100) * 100 },
        ],
        incomes: [{ kind: 'barnbidrag', amount: 125_000 }],
        attachments: ['hyresavi', 'kontoutdrag'],
        signedBy: ['m1', 'm2'],
        today,
      }),
    },
    {
      name: 'MakeCalculation',
      decide: decideCalculation,
      actor: 'hl-bench',
      role: 'handlaggare',
      command: (): CalculationCommand => ({ kind: 'MakeCalculation', calculationId: `${caseId}-c`, month, kommun: 'demo', adjustments: [], today }),
    },
    {
      name: 'MakeDecision',
      decide: decideDecisions,
      actor: 'hl-bench',
      role: 'handlaggare',
      command: (s): DecisionCommand => {
        const calc = latestCalculation(s, month)!;
        return {
          kind: 'MakeDecision',
          decisionId: `${caseId}-d`,
          month,
          outcome: 'granted',
          amount: calc.total,
          period: { from: firstDayOf(month), to: lastDayOf(month) },
          calculationId: calc.calculationId,
          motivering: 'Hushållet har rätt till försörjningsstöd enligt beräkningen.',
          legalReferences: ['SoL-12-1'],
          delegation: 'Delegationsordning 3.1.1',
          automation: null,
          considersMisses: [],
          decidedBy: 'hl-bench',
          automated: false,
          today,
        };
      },
    },
    {
      name: 'CommunicateDecision',
      decide: decideDecisions,
      actor: 'hl-bench',
      role: 'handlaggare',
      command: (s): DecisionCommand => ({ kind: 'CommunicateDecision', decisionId: decisionOf(s), learnedOn: today, channel: 'e_tjanst', today }),
    },
    {
      name: 'SchedulePayment',
      decide: decidePayment,
      actor: 'hl-bench',
      role: 'handlaggare',
      command: (s): PaymentCommand => ({ kind: 'SchedulePayment', paymentId: `${caseId}-p`, decisionId: decisionOf(s), amount: null, payee: null, kommun: 'demo', actor: 'hl-bench', today }),
    },
    {
      name: 'AttestPayment',
      decide: decidePayment,
      actor: 'att-bench',
      role: 'attestant',
      command: (s): PaymentCommand => ({ kind: 'AttestPayment', paymentId: paymentOf(s), actor: 'att-bench', role: 'attestant', comment: null, today }),
    },
    {
      name: 'RecordDisbursement',
      decide: decidePayment,
      actor: 'bankgiro-integration',
      role: 'system',
      command: (s): PaymentCommand => ({ kind: 'RecordDisbursement', paymentId: paymentOf(s), bankReference: `BG-${n}`, today: '2026-11-25' }),
    },
  ];
}

export type { PaymentScheduled };
