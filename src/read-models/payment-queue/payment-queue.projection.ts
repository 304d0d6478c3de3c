import type { ActivityEvent } from '../../activities/activity.events.js';
import type { ApplicationEvent } from '../../applications/application.events.js';
import type { CaseEvent } from '../../cases/case.events.js';
import type { DecisionEvent } from '../../decisions/decision.events.js';
import type { ProjectionEvent } from '../../event-store/event-store.port.js';
import type { PaymentEvent } from '../../payments/payment.events.js';
import { addMonths, monthOf, type LocalDate, type Month } from '../../shared/dates.js';
import { caseFoldProjection, find, upsert, type CaseFold, text, textOrNull, numberOrNull, sortBy } from '../case-fold.js';
import type { Phase } from './payment-queue.query.js';

type QueueEvent = CaseEvent | ApplicationEvent | DecisionEvent | PaymentEvent | ActivityEvent;

export interface QueueCase {
  unit: string;
  caseworker: string;
  protected: boolean;
  openedOn: LocalDate;
  closedOn: LocalDate | null;
}

/** What the queue knows of one benefit month. Outstanding and reportMissing are kept as last computed (see below). */
export interface QueueMonth {
  month: Month;
  applicationId: string | null;
  submittedOn: LocalDate | null;
  withdrawn: boolean;
  /** Kompletteringar not yet received: count, earliest due date, what is missing (JSON array; null until first counted). */
  outstanding: number;
  outstandingDue: LocalDate | null;
  outstandingItems: string | null;
  decisionId: string | null;
  outcome: string | null;
  decisionAmount: number | null;
  decidedOn: LocalDate | null;
  communicatedOn: LocalDate | null;
  paymentId: string | null;
  paymentStatus: string | null;
  paymentDate: LocalDate | null;
  paymentAmount: number | null;
  /** An activity report for the month before is missing (counted when the month or the activity facts change). */
  reportMissing: boolean;
}

export interface QueueCompletion {
  requestId: string;
  month: Month;
  dueDate: LocalDate;
  /** As stored: a JSON array of what is missing. */
  missing: string;
  receivedOn: LocalDate | null;
}

export interface QueueRequirement {
  requirementId: string;
  from: LocalDate;
  to: LocalDate | null;
  endedOn: LocalDate | null;
}

/** One case's queue facts; every list is sorted by its key. */
export interface QueueState {
  case: QueueCase;
  months: QueueMonth[];
  completions: QueueCompletion[];
  requirements: QueueRequirement[];
  /** `requirementId period` of every activity report. */
  reports: string[];
}

const byMonth = (m: QueueMonth) => m.month;
const byRequest = (c: QueueCompletion) => c.requestId;
const byRequirement = (r: QueueRequirement) => r.requirementId;
const self = (s: string) => s;
const reportKey = (requirementId: string, period: Month) => `${requirementId} ${period}`;

const EMPTY_MONTH: Readonly<Omit<QueueMonth, 'month'>> = {
  applicationId: null, submittedOn: null, withdrawn: false, outstanding: 0, outstandingDue: null, outstandingItems: null,
  decisionId: null, outcome: null, decisionAmount: null, decidedOn: null, communicatedOn: null,
  paymentId: null, paymentStatus: null, paymentDate: null, paymentAmount: null, reportMissing: false,
};

const PAYMENT_STATUS = { PaymentAttested: 'attested', PaymentDisbursed: 'disbursed', PaymentFailed: 'failed', PaymentReturned: 'returned', PaymentCancelled: 'cancelled' } as const;

export const QUEUE_EVENT_TYPES: ReadonlySet<string> = new Set([
  'CaseOpened', 'CaseReassigned', 'ProtectedIdentityChanged', 'CaseClosed', 'ApplicationSubmitted', 'ApplicationWithdrawn',
  'CompletionRequested', 'CompletionReceived', 'DecisionMade', 'DecisionReconsidered', 'DecisionCommunicated',
  'PaymentScheduled', ...Object.keys(PAYMENT_STATUS), 'ActivityRequirementSet', 'ActivityRequirementEnded', 'ActivityReported',
]);

/**
 * One event folded into a case's queue facts, IN PLACE: the state passed in is changed and returned
 * (a draft; a rebuild keeps one per case, live loads it fresh from the rows). A case's facts start
 * with CaseOpened (the first event of every case stream); a month exists once applied for or decided.
 */
export function evolveQueue(state: QueueState | null, event: ProjectionEvent): QueueState | null {
  const e = event as unknown as QueueEvent;
  if (e.type === 'CaseOpened') {
    const d = e.data;
    const c: QueueCase = { unit: d.unit, caseworker: d.caseworker, protected: d.protectedIdentity, openedOn: d.openedOn, closedOn: null };
    if (!state) return { case: c, months: [], completions: [], requirements: [], reports: [] };
    state.case = c;
    return state;
  }
  if (!state) return null;
  switch (e.type) {
    case 'CaseReassigned':
      state.case.unit = e.data.unit;
      state.case.caseworker = e.data.caseworker;
      return state;
    case 'ProtectedIdentityChanged':
      state.case.protected = e.data.protectedIdentity;
      return state;
    case 'CaseClosed':
      state.case.closedOn = e.data.on;
      return state;
    case 'ApplicationSubmitted': {
      // A new submission after a withdrawal starts the month afresh: its kompletteringar go.
      const { month } = e.data;
      const m = monthFor(state, month);
      m.applicationId = e.data.applicationId;
      m.submittedOn = e.data.submittedOn;
      m.withdrawn = false;
      if (state.completions.some((c) => c.month === month)) state.completions = state.completions.filter((c) => c.month !== month);
      outstanding(state, month);
      reportsFrom(state, month);
      return state;
    }
    case 'ApplicationWithdrawn': {
      const m = find(state.months, byMonth, e.data.month);
      if (m) m.withdrawn = true;
      return state;
    }
    case 'CompletionRequested': {
      const c: QueueCompletion = { requestId: e.data.requestId, month: e.data.month, dueDate: e.data.dueDate, missing: JSON.stringify(e.data.missing), receivedOn: null };
      upsert(state.completions, byRequest, c.requestId, c);
      outstanding(state, e.data.month);
      return state;
    }
    case 'CompletionReceived': {
      const c = find(state.completions, byRequest, e.data.requestId);
      if (c) c.receivedOn = e.data.receivedOn;
      outstanding(state, e.data.month);
      return state;
    }
    case 'DecisionMade':
    case 'DecisionReconsidered': {
      // An omprövning's new decision replaces the old one for the month; it must be communicated again.
      const m = monthFor(state, e.data.month);
      m.decisionId = e.type === 'DecisionMade' ? e.data.decisionId : e.data.newDecisionId;
      m.outcome = e.data.outcome;
      m.decisionAmount = e.data.amount;
      m.decidedOn = e.data.decidedOn;
      m.communicatedOn = null;
      return state;
    }
    case 'DecisionCommunicated':
      for (const m of state.months) if (m.decisionId === e.data.decisionId) m.communicatedOn = e.data.learnedOn;
      return state;
    case 'PaymentScheduled': {
      const m = find(state.months, byMonth, e.data.month);
      if (m) {
        m.paymentId = e.data.paymentId;
        m.paymentStatus = 'scheduled';
        m.paymentDate = e.data.paymentDate;
        m.paymentAmount = e.data.amount;
      }
      return state;
    }
    case 'PaymentAttested':
    case 'PaymentDisbursed':
    case 'PaymentFailed':
    case 'PaymentReturned':
    case 'PaymentCancelled': {
      const status = PAYMENT_STATUS[e.type];
      for (const m of state.months) if (m.paymentId === e.data.paymentId) m.paymentStatus = status;
      return state;
    }
    // An activity fact only changes whether the months after it miss a report.
    case 'ActivityRequirementSet': {
      const r: QueueRequirement = { requirementId: e.data.requirementId, from: e.data.from, to: e.data.to, endedOn: null };
      upsert(state.requirements, byRequirement, r.requirementId, r);
      reportsFrom(state, addMonths(monthOf(e.data.from), 1));
      return state;
    }
    case 'ActivityRequirementEnded': {
      const r = find(state.requirements, byRequirement, e.data.requirementId);
      if (r) r.endedOn = e.data.endedOn;
      reportsFrom(state, addMonths(monthOf(e.data.endedOn), 1));
      return state;
    }
    case 'ActivityReported': {
      const key = reportKey(e.data.requirementId, e.data.period);
      if (find(state.reports, self, key) === undefined) upsert(state.reports, self, key, key);
      reportsFrom(state, addMonths(e.data.period, 1));
      return state;
    }
    default:
      return state;
  }
}

/** The month's facts, added (empty) when the queue has none yet. */
function monthFor(state: QueueState, month: Month): QueueMonth {
  const was = find(state.months, byMonth, month);
  if (was) return was;
  const m: QueueMonth = { ...EMPTY_MONTH, month };
  upsert(state.months, byMonth, month, m);
  return m;
}

/** The month's kompletteringar counted again: how many are outstanding, the earliest due date, what is missing (by request id). */
function outstanding(state: QueueState, month: Month): void {
  const m = find(state.months, byMonth, month);
  // A fact about a month the queue has no row for is not kept.
  if (!m) return;
  let count = 0;
  let due: LocalDate | null = null;
  let items = '';
  for (const c of state.completions) {
    if (c.month !== month || c.receivedOn !== null) continue;
    count += 1;
    if (due === null || c.dueDate < due) due = c.dueDate;
    // `missing` is a JSON array: its items joined without re-parsing (same text as JSON.stringify of the flattened list).
    const inner = c.missing.slice(1, -1);
    if (inner.length > 0) items = items.length === 0 ? inner : `${items},${inner}`;
  }
  m.outstanding = count;
  m.outstandingDue = due;
  m.outstandingItems = `[${items}]`;
}

/** Whether each month from `from` on misses the activity report for the month before it. */
function reportsFrom(state: QueueState, from: Month): void {
  for (const m of state.months) if (m.month >= from) m.reportMissing = reportMissing(state, m.month);
}

/** A requirement that ran in the month before `month` has no report for that month. */
export function reportMissing(state: Pick<QueueState, 'requirements' | 'reports'>, month: Month): boolean {
  if (state.requirements.length === 0) return false;
  const prev = addMonths(month, -1);
  const prevFirst = `${prev}-01`;
  // Started on or before the last day of the month before ⟺ started before this month's first day.
  const monthFirst = `${month}-01`;
  return state.requirements.some(
    (r) => r.from < monthFirst && (r.to === null || r.to >= prevFirst) && (r.endedOn === null || r.endedOn >= prevFirst) && find(state.reports, self, reportKey(r.requirementId, prev)) === undefined,
  );
}

/**
 * The month's phase: its status with the day left out. Only the undecided phases change with the
 * day (at risk or blocked before the cut-off, late after it); see phaseToStatus in the query.
 */
export function phaseOf(m: QueueMonth, protectedIdentity: boolean): Phase {
  if (m.paymentStatus === 'disbursed') return 'paid';
  if (m.paymentStatus === 'attested') return 'ready';
  if (m.paymentStatus === 'scheduled') return 'awaiting_attest';
  if (m.outcome === 'refused') return 'refused';
  if (m.applicationId === null || m.withdrawn) return 'not_applied';
  if (m.decisionId !== null && (m.communicatedOn === null || protectedIdentity)) return 'decided_blocked';
  if (m.decisionId !== null) return 'decided_not_scheduled';
  if (m.outstanding > 0 || m.reportMissing) return 'undecided_blocked';
  return 'undecided';
}

const bit = (b: boolean) => (b ? 1 : 0);

const MONTH_COLUMNS = [
  'case_id', 'month', 'application_id', 'submitted_on', 'withdrawn', 'outstanding', 'outstanding_due', 'outstanding_items',
  'decision_id', 'outcome', 'decision_amount', 'decided_on', 'communicated_on', 'payment_id', 'payment_status', 'payment_date', 'payment_amount',
  'unit', 'caseworker', 'protected', 'closed_on', 'report_missing', 'phase', 'sort_due',
] as const;

export const queueFold: CaseFold<QueueState> = {
  name: 'payment-queue',
  version: 3,
  eventTypes: QUEUE_EVENT_TYPES,
  tables: [
    {
      name: 'queue_cases',
      columns: ['case_id', 'unit', 'caseworker', 'protected', 'opened_on', 'closed_on'],
      keyColumns: 1,
      ddl: `CREATE TABLE IF NOT EXISTS queue_cases (
        case_id TEXT PRIMARY KEY, unit TEXT NOT NULL, caseworker TEXT NOT NULL, protected INTEGER NOT NULL,
        opened_on TEXT NOT NULL, closed_on TEXT) WITHOUT ROWID`,
      indexes: [
        'CREATE INDEX IF NOT EXISTS queue_cases_active ON queue_cases (unit, caseworker, opened_on, closed_on)',
        'CREATE INDEX IF NOT EXISTS queue_cases_open ON queue_cases (opened_on, closed_on)',
      ],
    },
    {
      name: 'queue_months',
      columns: MONTH_COLUMNS,
      keyColumns: 2,
      // Each month's phase and sort key are stored so the query reads pages in index order.
      ddl: `CREATE TABLE IF NOT EXISTS queue_months (
        case_id TEXT NOT NULL, month TEXT NOT NULL,
        application_id TEXT, submitted_on TEXT, withdrawn INTEGER NOT NULL DEFAULT 0,
        outstanding INTEGER NOT NULL DEFAULT 0, outstanding_due TEXT, outstanding_items TEXT,
        decision_id TEXT, outcome TEXT, decision_amount INTEGER, decided_on TEXT, communicated_on TEXT,
        payment_id TEXT, payment_status TEXT, payment_date TEXT, payment_amount INTEGER,
        unit TEXT NOT NULL, caseworker TEXT NOT NULL, protected INTEGER NOT NULL, closed_on TEXT,
        report_missing INTEGER NOT NULL DEFAULT 0, phase TEXT NOT NULL DEFAULT 'not_applied', sort_due TEXT NOT NULL DEFAULT '9999-12-31',
        PRIMARY KEY (case_id, month)) WITHOUT ROWID`,
      indexes: [
        'CREATE INDEX IF NOT EXISTS queue_months_page ON queue_months (month, phase, sort_due, case_id, closed_on)',
        'CREATE INDEX IF NOT EXISTS queue_months_unit ON queue_months (month, unit, phase, sort_due, case_id, closed_on)',
        'CREATE INDEX IF NOT EXISTS queue_months_caseworker ON queue_months (month, caseworker, phase, sort_due, case_id, closed_on)',
      ],
    },
    {
      name: 'queue_completions',
      columns: ['case_id', 'request_id', 'month', 'due_date', 'missing', 'received_on'],
      keyColumns: 2,
      ddl: `CREATE TABLE IF NOT EXISTS queue_completions (
        case_id TEXT NOT NULL, month TEXT NOT NULL, request_id TEXT NOT NULL, due_date TEXT NOT NULL,
        missing TEXT NOT NULL, received_on TEXT, PRIMARY KEY (case_id, request_id)) WITHOUT ROWID`,
    },
    {
      name: 'queue_requirements',
      columns: ['case_id', 'requirement_id', 'from_date', 'to_date', 'ended_on'],
      keyColumns: 2,
      ddl: `CREATE TABLE IF NOT EXISTS queue_requirements (
        case_id TEXT NOT NULL, requirement_id TEXT NOT NULL, from_date TEXT NOT NULL, to_date TEXT, ended_on TEXT,
        PRIMARY KEY (case_id, requirement_id)) WITHOUT ROWID`,
    },
    {
      name: 'queue_reports',
      columns: ['case_id', 'requirement_id', 'period'],
      keyColumns: 3,
      ddl: `CREATE TABLE IF NOT EXISTS queue_reports (
        case_id TEXT NOT NULL, requirement_id TEXT NOT NULL, period TEXT NOT NULL,
        PRIMARY KEY (case_id, requirement_id, period)) WITHOUT ROWID`,
    },
  ],
  evolve: (state, _caseId, event) => evolveQueue(state, event),
  rows(caseId, s) {
    const c = s.case;
    return [
      [[caseId, c.unit, c.caseworker, bit(c.protected), c.openedOn, c.closedOn]],
      // A month row carries its case's unit, caseworker, protection and closing, for the covering indexes.
      s.months.map((m) => [
        caseId, m.month, m.applicationId, m.submittedOn, bit(m.withdrawn), m.outstanding, m.outstandingDue, m.outstandingItems,
        m.decisionId, m.outcome, m.decisionAmount, m.decidedOn, m.communicatedOn, m.paymentId, m.paymentStatus, m.paymentDate, m.paymentAmount,
        c.unit, c.caseworker, bit(c.protected), c.closedOn, bit(m.reportMissing), phaseOf(m, c.protected), m.outstandingDue ?? '9999-12-31',
      ]),
      s.completions.map((x) => [caseId, x.requestId, x.month, x.dueDate, x.missing, x.receivedOn]),
      s.requirements.map((r) => [caseId, r.requirementId, r.from, r.to, r.endedOn]),
      s.reports.map((key) => {
        const at = key.lastIndexOf(' ');
        return [caseId, key.slice(0, at), key.slice(at + 1)];
      }),
    ];
  },
  fromRows(_caseId, [cases, months, completions, requirements, reports]) {
    const c = cases?.[0];
    if (!c) return null;
    return {
      case: { unit: text(c[1]), caseworker: text(c[2]), protected: c[3] === 1, openedOn: text(c[4]), closedOn: textOrNull(c[5]) },
      months: sortBy(
        months!.map((r) => ({
          month: text(r[1]), applicationId: textOrNull(r[2]), submittedOn: textOrNull(r[3]), withdrawn: r[4] === 1, outstanding: r[5] as number, outstandingDue: textOrNull(r[6]), outstandingItems: textOrNull(r[7]),
          decisionId: textOrNull(r[8]), outcome: textOrNull(r[9]), decisionAmount: numberOrNull(r[10]), decidedOn: textOrNull(r[11]), communicatedOn: textOrNull(r[12]),
          paymentId: textOrNull(r[13]), paymentStatus: textOrNull(r[14]), paymentDate: textOrNull(r[15]), paymentAmount: numberOrNull(r[16]), reportMissing: r[21] === 1,
        })),
        byMonth,
      ),
      completions: sortBy(completions!.map((r) => ({ requestId: text(r[1]), month: text(r[2]), dueDate: text(r[3]), missing: text(r[4]), receivedOn: textOrNull(r[5]) })), byRequest),
      requirements: sortBy(requirements!.map((r) => ({ requirementId: text(r[1]), from: text(r[2]), to: textOrNull(r[3]), endedOn: textOrNull(r[4]) })), byRequirement),
      reports: sortBy(reports!.map((r) => reportKey(text(r[1]), text(r[2]))), self),
    };
  },
};

/**
 * The facts the payment queue needs, per case and per month, as stored columns, and the month's
 * `phase`: everything about its status that does not depend on the day asked. The query turns a
 * phase into a status for the payment date and today (before or after the cut-off), so tomorrow's
 * queue needs no rebuild, and counting 150 000 cases is an index scan.
 */
export const paymentQueueProjection = caseFoldProjection(queueFold);
