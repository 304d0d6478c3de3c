import type { ApplicationEvent } from '../../applications/application.events.js';
import type { CaseEvent } from '../../cases/case.events.js';
import type { DecisionEvent } from '../../decisions/decision.events.js';
import type { ProjectionEvent } from '../../event-store/event-store.port.js';
import type { PaymentEvent } from '../../payments/payment.events.js';
import type { LocalDate, Month } from '../../shared/dates.js';
import { caseFoldProjection, find, upsert, type CaseFold, text, textOrNull, numberOrNull, sortBy } from '../case-fold.js';

type PortalEvent = CaseEvent | ApplicationEvent | DecisionEvent | PaymentEvent;

export interface PortalMonth {
  month: Month;
  submittedOn: LocalDate;
  withdrawn: boolean;
}
export interface PortalCompletion {
  requestId: string;
  month: Month;
  /** As stored: a JSON array. */
  missing: string;
  dueDate: LocalDate;
  receivedOn: LocalDate | null;
}
export interface PortalDecision {
  decisionId: string;
  month: Month;
  outcome: string;
  amount: number;
  periodFrom: LocalDate;
  periodTo: LocalDate;
  motivering: string;
  /** As stored: a JSON array of the references' texts. */
  legalReferences: string;
  decidedOn: LocalDate;
  communicatedOn: LocalDate | null;
  appealDeadline: LocalDate | null;
  replacedBy: string | null;
}
export interface PortalPayment {
  paymentId: string;
  month: Month;
  amount: number;
  paymentDate: LocalDate;
  status: string;
  manual: boolean;
}

/** What the client may see of one case; every list sorted by its key. */
export interface PortalState {
  /** Null until the case is opened (the contact is its caseworker). */
  case: { contact: string; closedOn: LocalDate | null } | null;
  months: PortalMonth[];
  completions: PortalCompletion[];
  decisions: PortalDecision[];
  payments: PortalPayment[];
}

const empty = (): PortalState => ({ case: null, months: [], completions: [], decisions: [], payments: [] });
const byMonth = (m: PortalMonth) => m.month;
const byRequest = (c: PortalCompletion) => c.requestId;
const byDecision = (d: PortalDecision) => d.decisionId;
const byPayment = (p: PortalPayment) => p.paymentId;

export const PORTAL_EVENT_TYPES: ReadonlySet<string> = new Set([
  'CaseOpened', 'CaseReassigned', 'CaseClosed', 'ApplicationSubmitted', 'ApplicationWithdrawn', 'CompletionRequested', 'CompletionReceived',
  'DecisionMade', 'DecisionReconsidered', 'DecisionCommunicated', 'PaymentScheduled', 'PaymentAttested', 'PaymentDisbursed', 'PaymentFailed', 'PaymentReturned', 'PaymentCancelled',
]);

/**
 * One event folded into what the client sees of the case, IN PLACE (as the queue does): the state
 * passed in is changed and returned; an event that changes nothing returns it as it was (null stays null).
 */
export function evolvePortal(current: PortalState | null, event: ProjectionEvent): PortalState | null {
  const e = event as unknown as PortalEvent;
  switch (e.type) {
    case 'CaseOpened': {
      const s = current ?? empty();
      s.case = { contact: e.data.caseworker, closedOn: null };
      return s;
    }
    case 'CaseReassigned':
      if (current?.case) current.case.contact = e.data.caseworker;
      return current;
    case 'CaseClosed':
      if (current?.case) current.case.closedOn = e.data.on;
      return current;
    case 'ApplicationSubmitted': {
      const s = current ?? empty();
      const { month } = e.data;
      upsert(s.months, byMonth, month, { month, submittedOn: e.data.submittedOn, withdrawn: false });
      if (s.completions.some((c) => c.month === month)) s.completions = s.completions.filter((c) => c.month !== month);
      return s;
    }
    case 'ApplicationWithdrawn': {
      const m = current && find(current.months, byMonth, e.data.month);
      if (m) m.withdrawn = true;
      return current;
    }
    case 'CompletionRequested': {
      const s = current ?? empty();
      const c: PortalCompletion = { requestId: e.data.requestId, month: e.data.month, missing: JSON.stringify(e.data.missing), dueDate: e.data.dueDate, receivedOn: null };
      upsert(s.completions, byRequest, c.requestId, c);
      return s;
    }
    case 'CompletionReceived': {
      const c = current && find(current.completions, byRequest, e.data.requestId);
      if (c) c.receivedOn = e.data.receivedOn;
      return current;
    }
    case 'DecisionMade':
    case 'DecisionReconsidered': {
      const s = current ?? empty();
      const d = e.data;
      const decisionId = e.type === 'DecisionMade' ? e.data.decisionId : e.data.newDecisionId;
      const made: PortalDecision = {
        decisionId, month: d.month, outcome: d.outcome, amount: d.amount, periodFrom: d.period.from, periodTo: d.period.to, motivering: d.motivering,
        legalReferences: JSON.stringify(d.legalReferences.map((l) => l.text)), decidedOn: d.decidedOn, communicatedOn: null, appealDeadline: null, replacedBy: null,
      };
      upsert(s.decisions, byDecision, decisionId, made);
      // An omprövning's decision replaces the one appealed.
      if (e.type === 'DecisionReconsidered') for (const x of s.decisions) if (x.decisionId === e.data.decisionId) x.replacedBy = decisionId;
      return s;
    }
    case 'DecisionCommunicated':
      if (current) {
        for (const x of current.decisions) {
          if (x.decisionId !== e.data.decisionId) continue;
          x.communicatedOn = e.data.learnedOn;
          x.appealDeadline = e.data.appealDeadline;
        }
      }
      return current;
    case 'PaymentScheduled': {
      const s = current ?? empty();
      const p: PortalPayment = { paymentId: e.data.paymentId, month: e.data.month, amount: e.data.amount, paymentDate: e.data.paymentDate, status: 'scheduled', manual: !!e.data.manualRoute };
      upsert(s.payments, byPayment, p.paymentId, p);
      return s;
    }
    case 'PaymentAttested':
    case 'PaymentDisbursed':
    case 'PaymentFailed':
    case 'PaymentReturned':
    case 'PaymentCancelled': {
      // The client sees that a payment stopped, not why.
      const status = e.type === 'PaymentAttested' ? 'attested' : e.type === 'PaymentDisbursed' ? 'disbursed' : 'stopped';
      if (current) for (const x of current.payments) if (x.paymentId === e.data.paymentId) x.status = status;
      return current;
    }
    default:
      return current;
  }
}

const bit = (b: boolean) => (b ? 1 : 0);

/**
 * What the client may see of their own case, and nothing more: by design the tables hold no
 * staff identities but the named contact, no notes, no protected-identity flag, no account.
 */
export const portalFold: CaseFold<PortalState> = {
  name: 'portal',
  version: 2,
  eventTypes: PORTAL_EVENT_TYPES,
  tables: [
    {
      name: 'portal_cases',
      columns: ['case_id', 'contact', 'closed_on'],
      keyColumns: 1,
      ddl: 'CREATE TABLE IF NOT EXISTS portal_cases (case_id TEXT PRIMARY KEY, contact TEXT NOT NULL, closed_on TEXT) WITHOUT ROWID',
    },
    {
      name: 'portal_months',
      columns: ['case_id', 'month', 'submitted_on', 'withdrawn'],
      keyColumns: 2,
      ddl: `CREATE TABLE IF NOT EXISTS portal_months (
        case_id TEXT NOT NULL, month TEXT NOT NULL, submitted_on TEXT, withdrawn INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (case_id, month)) WITHOUT ROWID`,
    },
    {
      name: 'portal_completions',
      columns: ['case_id', 'request_id', 'month', 'missing', 'due_date', 'received_on'],
      keyColumns: 2,
      ddl: `CREATE TABLE IF NOT EXISTS portal_completions (
        case_id TEXT NOT NULL, month TEXT NOT NULL, request_id TEXT NOT NULL, missing TEXT NOT NULL, due_date TEXT NOT NULL, received_on TEXT,
        PRIMARY KEY (case_id, request_id)) WITHOUT ROWID`,
    },
    {
      name: 'portal_decisions',
      columns: ['case_id', 'decision_id', 'month', 'outcome', 'amount', 'period_from', 'period_to', 'motivering', 'legal_references', 'decided_on', 'communicated_on', 'appeal_deadline', 'replaced_by'],
      keyColumns: 2,
      ddl: `CREATE TABLE IF NOT EXISTS portal_decisions (
        case_id TEXT NOT NULL, decision_id TEXT NOT NULL, month TEXT NOT NULL, outcome TEXT NOT NULL, amount INTEGER NOT NULL,
        period_from TEXT NOT NULL, period_to TEXT NOT NULL, motivering TEXT NOT NULL, legal_references TEXT NOT NULL, decided_on TEXT NOT NULL,
        communicated_on TEXT, appeal_deadline TEXT, replaced_by TEXT, PRIMARY KEY (case_id, decision_id)) WITHOUT ROWID`,
    },
    {
      name: 'portal_payments',
      columns: ['case_id', 'payment_id', 'month', 'amount', 'payment_date', 'status', 'manual'],
      keyColumns: 2,
      ddl: `CREATE TABLE IF NOT EXISTS portal_payments (
        case_id TEXT NOT NULL, payment_id TEXT NOT NULL, month TEXT NOT NULL, amount INTEGER NOT NULL, payment_date TEXT NOT NULL,
        status TEXT NOT NULL, manual INTEGER NOT NULL, PRIMARY KEY (case_id, payment_id)) WITHOUT ROWID`,
    },
  ],
  evolve: (state, _caseId, event) => evolvePortal(state, event),
  rows(caseId, s) {
    return [
      s.case ? [[caseId, s.case.contact, s.case.closedOn]] : [],
      s.months.map((m) => [caseId, m.month, m.submittedOn, bit(m.withdrawn)]),
      s.completions.map((c) => [caseId, c.requestId, c.month, c.missing, c.dueDate, c.receivedOn]),
      s.decisions.map((d) => [caseId, d.decisionId, d.month, d.outcome, d.amount, d.periodFrom, d.periodTo, d.motivering, d.legalReferences, d.decidedOn, d.communicatedOn, d.appealDeadline, d.replacedBy]),
      s.payments.map((p) => [caseId, p.paymentId, p.month, p.amount, p.paymentDate, p.status, bit(p.manual)]),
    ];
  },
  fromRows(_caseId, [cases, months, completions, decisions, payments]) {
    if (cases!.length + months!.length + completions!.length + decisions!.length + payments!.length === 0) return null;
    const c = cases![0];
    return {
      case: c ? { contact: text(c[1]), closedOn: textOrNull(c[2]) } : null,
      months: sortBy(months!.map((r) => ({ month: text(r[1]), submittedOn: text(r[2]), withdrawn: r[3] === 1 })), byMonth),
      completions: sortBy(completions!.map((r) => ({ requestId: text(r[1]), month: text(r[2]), missing: text(r[3]), dueDate: text(r[4]), receivedOn: textOrNull(r[5]) })), byRequest),
      decisions: sortBy(
        decisions!.map((r) => ({
          decisionId: text(r[1]), month: text(r[2]), outcome: text(r[3]), amount: r[4] as number, periodFrom: text(r[5]), periodTo: text(r[6]), motivering: text(r[7]),
          legalReferences: text(r[8]), decidedOn: text(r[9]), communicatedOn: textOrNull(r[10]), appealDeadline: textOrNull(r[11]), replacedBy: textOrNull(r[12]),
        })),
        byDecision,
      ),
      payments: sortBy(payments!.map((r) => ({ paymentId: text(r[1]), month: text(r[2]), amount: r[3] as number, paymentDate: text(r[4]), status: text(r[5]), manual: r[6] === 1 })), byPayment),
    };
  },
};

export const portalProjection = caseFoldProjection(portalFold);
