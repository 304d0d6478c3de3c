import type Database from 'better-sqlite3';
import type { ActivityEvent } from '../../activities/activity.events.js';
import type { ApplicationEvent } from '../../applications/application.events.js';
import type { CaseEvent } from '../../cases/case.events.js';
import type { DecisionEvent } from '../../decisions/decision.events.js';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import type { PaymentEvent } from '../../payments/payment.events.js';
import { perDatabase, type Projection } from '../projection.js';
import { addMonths, monthOf } from '../../shared/dates.js';

type QueueEvent = CaseEvent | ApplicationEvent | DecisionEvent | PaymentEvent | ActivityEvent;

/**
 * The facts the payment queue needs, per case and per month, as stored columns, and the month's
 * `phase`: everything about its status that does not depend on the day asked. The query turns a
 * phase into a status for the payment date and today (before or after the cut-off), so tomorrow's
 * queue needs no rebuild, and counting 150 000 cases is an index scan.
 */
export const paymentQueueProjection: Projection = {
  name: 'payment-queue',
  version: 2,
  setup(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS queue_cases (
        case_id TEXT PRIMARY KEY, unit TEXT NOT NULL, caseworker TEXT NOT NULL, protected INTEGER NOT NULL,
        opened_on TEXT NOT NULL, closed_on TEXT) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS queue_cases_active ON queue_cases (unit, caseworker, opened_on, closed_on);
      CREATE INDEX IF NOT EXISTS queue_cases_open ON queue_cases (opened_on, closed_on);
      CREATE TABLE IF NOT EXISTS queue_months (
        case_id TEXT NOT NULL, month TEXT NOT NULL,
        application_id TEXT, submitted_on TEXT, withdrawn INTEGER NOT NULL DEFAULT 0,
        outstanding INTEGER NOT NULL DEFAULT 0, outstanding_due TEXT, outstanding_items TEXT,
        decision_id TEXT, outcome TEXT, decision_amount INTEGER, decided_on TEXT, communicated_on TEXT,
        payment_id TEXT, payment_status TEXT, payment_date TEXT, payment_amount INTEGER,
        unit TEXT NOT NULL, caseworker TEXT NOT NULL, protected INTEGER NOT NULL, closed_on TEXT,
        report_missing INTEGER NOT NULL DEFAULT 0, phase TEXT NOT NULL DEFAULT 'not_applied', sort_due TEXT NOT NULL DEFAULT '9999-12-31',
        PRIMARY KEY (case_id, month)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS queue_months_page ON queue_months (month, phase, sort_due, case_id, closed_on);
      CREATE INDEX IF NOT EXISTS queue_months_unit ON queue_months (month, unit, phase, sort_due, case_id, closed_on);
      CREATE INDEX IF NOT EXISTS queue_months_caseworker ON queue_months (month, caseworker, phase, sort_due, case_id, closed_on);
      CREATE TABLE IF NOT EXISTS queue_completions (
        case_id TEXT NOT NULL, month TEXT NOT NULL, request_id TEXT NOT NULL, due_date TEXT NOT NULL,
        missing TEXT NOT NULL, received_on TEXT, PRIMARY KEY (case_id, request_id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS queue_requirements (
        case_id TEXT NOT NULL, requirement_id TEXT NOT NULL, from_date TEXT NOT NULL, to_date TEXT, ended_on TEXT,
        PRIMARY KEY (case_id, requirement_id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS queue_reports (
        case_id TEXT NOT NULL, requirement_id TEXT NOT NULL, period TEXT NOT NULL,
        PRIMARY KEY (case_id, requirement_id, period)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS queue_payments (
        case_id TEXT NOT NULL, payment_id TEXT NOT NULL, month TEXT NOT NULL, PRIMARY KEY (case_id, payment_id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS queue_decisions (
        case_id TEXT NOT NULL, decision_id TEXT NOT NULL, month TEXT NOT NULL, PRIMARY KEY (case_id, decision_id)) WITHOUT ROWID;
    `);
  },
  reset(db) {
    db.exec(['queue_cases', 'queue_months', 'queue_completions', 'queue_requirements', 'queue_reports', 'queue_payments', 'queue_decisions'].map((t) => `DROP TABLE IF EXISTS ${t};`).join(' '));
  },
  apply(db, events) {
    const s = statements(db);
    for (const raw of events) {
      if (!raw.stream.startsWith('case-')) continue;
      applyOne(s, raw.stream.slice(5), raw as RecordedEvent & QueueEvent);
    }
  },
  dump(db) {
    return ['queue_cases', 'queue_months', 'queue_completions', 'queue_requirements', 'queue_reports', 'queue_payments', 'queue_decisions'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all());
  },
};

function applyOne(s: Statements, caseId: string, e: QueueEvent): void {
  switch (e.type) {
    case 'CaseOpened':
      s.caseInsert.run(caseId, e.data.unit, e.data.caseworker, e.data.protectedIdentity ? 1 : 0, e.data.openedOn);
      return;
    case 'CaseReassigned':
      s.caseReassign.run(e.data.unit, e.data.caseworker, caseId);
      s.monthsReassign.run(e.data.unit, e.data.caseworker, caseId);
      return;
    case 'ProtectedIdentityChanged':
      s.caseProtected.run(e.data.protectedIdentity ? 1 : 0, caseId);
      s.monthsProtected.run(e.data.protectedIdentity ? 1 : 0, caseId);
      s.phaseOfCase.run(caseId);
      return;
    case 'CaseClosed':
      s.caseClosed.run(e.data.on, caseId);
      s.monthsClosed.run(e.data.on, caseId);
      return;
    case 'ApplicationSubmitted':
      // A new submission after a withdrawal starts the month afresh.
      s.monthEnsure.run({ caseId, month: e.data.month });
      s.monthApplication.run(e.data.applicationId, e.data.submittedOn, caseId, e.data.month);
      s.completionsClearMonth.run(caseId, e.data.month);
      s.monthOutstanding.run({ caseId, month: e.data.month });
      s.reportsFrom.run(caseId, e.data.month);
      s.phaseFrom.run(caseId, e.data.month);
      return;
    case 'ApplicationWithdrawn':
      s.monthWithdrawn.run(caseId, e.data.month);
      s.phaseOfMonth.run(caseId, e.data.month);
      return;
    case 'CompletionRequested':
      s.completionInsert.run(caseId, e.data.month, e.data.requestId, e.data.dueDate, JSON.stringify(e.data.missing));
      s.monthOutstanding.run({ caseId, month: e.data.month });
      s.phaseOfMonth.run(caseId, e.data.month);
      return;
    case 'CompletionReceived':
      s.completionReceived.run(e.data.receivedOn, caseId, e.data.requestId);
      s.monthOutstanding.run({ caseId, month: e.data.month });
      s.phaseOfMonth.run(caseId, e.data.month);
      return;
    case 'DecisionMade':
    case 'DecisionReconsidered': {
      // An omprövning's new decision replaces the old one for the month; it must be communicated again.
      const decisionId = e.type === 'DecisionMade' ? e.data.decisionId : e.data.newDecisionId;
      s.decisionIndex.run(caseId, decisionId, e.data.month);
      s.monthEnsure.run({ caseId, month: e.data.month });
      s.monthDecision.run({ caseId, month: e.data.month, decisionId, outcome: e.data.outcome, amount: e.data.amount, decidedOn: e.data.decidedOn });
      s.phaseOfMonth.run(caseId, e.data.month);
      return;
    }
    case 'DecisionCommunicated':
      s.monthCommunicated.run(e.data.learnedOn, caseId, e.data.decisionId);
      s.phaseOfDecision.run(caseId, e.data.decisionId);
      return;
    case 'PaymentScheduled':
      s.paymentIndex.run(caseId, e.data.paymentId, e.data.month);
      s.monthPayment.run(e.data.paymentId, 'scheduled', e.data.paymentDate, e.data.amount, caseId, e.data.month);
      s.phaseOfMonth.run(caseId, e.data.month);
      return;
    case 'PaymentAttested':
    case 'PaymentDisbursed':
    case 'PaymentFailed':
    case 'PaymentReturned':
    case 'PaymentCancelled':
      s.paymentStatus.run(PAYMENT_STATUS[e.type], caseId, e.data.paymentId);
      s.phaseOfPayment.run(caseId, e.data.paymentId);
      return;
    // An activity fact only changes whether the months after it miss a report.
    case 'ActivityRequirementSet':
      s.requirementInsert.run(caseId, e.data.requirementId, e.data.from, e.data.to);
      s.reportsFrom.run(caseId, addMonths(monthOf(e.data.from), 1));
      s.phaseFrom.run(caseId, addMonths(monthOf(e.data.from), 1));
      return;
    case 'ActivityRequirementEnded':
      s.requirementEnded.run(e.data.endedOn, caseId, e.data.requirementId);
      s.reportsFrom.run(caseId, addMonths(monthOf(e.data.endedOn), 1));
      s.phaseFrom.run(caseId, addMonths(monthOf(e.data.endedOn), 1));
      return;
    case 'ActivityReported':
      s.reportInsert.run(caseId, e.data.requirementId, e.data.period);
      s.reportsFrom.run(caseId, addMonths(e.data.period, 1));
      s.phaseFrom.run(caseId, addMonths(e.data.period, 1));
      return;
    default:
      return;
  }
}

const PAYMENT_STATUS = { PaymentAttested: 'attested', PaymentDisbursed: 'disbursed', PaymentFailed: 'failed', PaymentReturned: 'returned', PaymentCancelled: 'cancelled' } as const;

/**
 * The month's phase: its status with the day left out. Only the undecided phases change with the
 * day (at risk or blocked before the cut-off, late after it); see phaseToStatus in the query.
 */
const PHASE_SQL = `CASE
    WHEN payment_status = 'disbursed' THEN 'paid'
    WHEN payment_status = 'attested' THEN 'ready'
    WHEN payment_status = 'scheduled' THEN 'awaiting_attest'
    WHEN outcome = 'refused' THEN 'refused'
    WHEN application_id IS NULL OR withdrawn = 1 THEN 'not_applied'
    WHEN decision_id IS NOT NULL AND (communicated_on IS NULL OR protected = 1) THEN 'decided_blocked'
    WHEN decision_id IS NOT NULL THEN 'decided_not_scheduled'
    WHEN outstanding > 0 OR report_missing = 1 THEN 'undecided_blocked'
    ELSE 'undecided'
  END`;
const SET_PHASE = `UPDATE queue_months SET phase = ${PHASE_SQL}, sort_due = COALESCE(outstanding_due, '9999-12-31')`;

/** A report for the month before is missing for an activity requirement that ran then. */
const REPORT_MISSING_SQL = `EXISTS (SELECT 1 FROM queue_requirements r
    WHERE r.case_id = queue_months.case_id AND r.from_date <= date(queue_months.month || '-01', '-1 day')
      AND (r.to_date IS NULL OR r.to_date >= date(queue_months.month || '-01', '-1 month'))
      AND (r.ended_on IS NULL OR r.ended_on >= date(queue_months.month || '-01', '-1 month'))
      AND NOT EXISTS (SELECT 1 FROM queue_reports p WHERE p.case_id = r.case_id AND p.requirement_id = r.requirement_id
        AND p.period = strftime('%Y-%m', date(queue_months.month || '-01', '-1 month'))))`;

type Statements = ReturnType<typeof prepare>;
const statements = perDatabase(prepare);

function prepare(db: Database.Database) {
  return {
    caseInsert: db.prepare('INSERT OR REPLACE INTO queue_cases (case_id, unit, caseworker, protected, opened_on, closed_on) VALUES (?, ?, ?, ?, ?, NULL)'),
    caseReassign: db.prepare('UPDATE queue_cases SET unit = ?, caseworker = ? WHERE case_id = ?'),
    caseProtected: db.prepare('UPDATE queue_cases SET protected = ? WHERE case_id = ?'),
    caseClosed: db.prepare('UPDATE queue_cases SET closed_on = ? WHERE case_id = ?'),
    monthEnsure: db.prepare(`INSERT OR IGNORE INTO queue_months (case_id, month, unit, caseworker, protected, closed_on)
      SELECT case_id, @month, unit, caseworker, protected, closed_on FROM queue_cases WHERE case_id = @caseId`),
    monthApplication: db.prepare('UPDATE queue_months SET application_id = ?, submitted_on = ?, withdrawn = 0 WHERE case_id = ? AND month = ?'),
    monthsReassign: db.prepare('UPDATE queue_months SET unit = ?, caseworker = ? WHERE case_id = ?'),
    monthsProtected: db.prepare('UPDATE queue_months SET protected = ? WHERE case_id = ?'),
    monthsClosed: db.prepare('UPDATE queue_months SET closed_on = ? WHERE case_id = ?'),
    reportsFrom: db.prepare(`UPDATE queue_months SET report_missing = ${REPORT_MISSING_SQL} WHERE case_id = ? AND month >= ?`),
    phaseFrom: db.prepare(`${SET_PHASE} WHERE case_id = ? AND month >= ?`),
    phaseOfMonth: db.prepare(`${SET_PHASE} WHERE case_id = ? AND month = ?`),
    phaseOfCase: db.prepare(`${SET_PHASE} WHERE case_id = ?`),
    phaseOfDecision: db.prepare(`${SET_PHASE} WHERE case_id = ? AND decision_id = ?`),
    phaseOfPayment: db.prepare(`${SET_PHASE} WHERE case_id = ? AND payment_id = ?`),
    monthWithdrawn: db.prepare('UPDATE queue_months SET withdrawn = 1 WHERE case_id = ? AND month = ?'),
    completionsClearMonth: db.prepare('DELETE FROM queue_completions WHERE case_id = ? AND month = ?'),
    completionInsert: db.prepare('INSERT OR REPLACE INTO queue_completions (case_id, month, request_id, due_date, missing, received_on) VALUES (?, ?, ?, ?, ?, NULL)'),
    completionReceived: db.prepare('UPDATE queue_completions SET received_on = ? WHERE case_id = ? AND request_id = ?'),
    monthOutstanding: db.prepare(`UPDATE queue_months SET
        outstanding = (SELECT COUNT(*) FROM queue_completions c WHERE c.case_id = queue_months.case_id AND c.month = queue_months.month AND c.received_on IS NULL),
        outstanding_due = (SELECT MIN(due_date) FROM queue_completions c WHERE c.case_id = queue_months.case_id AND c.month = queue_months.month AND c.received_on IS NULL),
        outstanding_items = (SELECT json_group_array(j.value) FROM queue_completions c, json_each(c.missing) j WHERE c.case_id = queue_months.case_id AND c.month = queue_months.month AND c.received_on IS NULL)
      WHERE case_id = @caseId AND month = @month`),
    decisionIndex: db.prepare('INSERT OR REPLACE INTO queue_decisions (case_id, decision_id, month) VALUES (?, ?, ?)'),
    monthDecision: db.prepare(`UPDATE queue_months SET decision_id = @decisionId, outcome = @outcome, decision_amount = @amount, decided_on = @decidedOn, communicated_on = NULL
      WHERE case_id = @caseId AND month = @month`),
    monthCommunicated: db.prepare('UPDATE queue_months SET communicated_on = ? WHERE case_id = ? AND decision_id = ?'),
    paymentIndex: db.prepare('INSERT OR REPLACE INTO queue_payments (case_id, payment_id, month) VALUES (?, ?, ?)'),
    monthPayment: db.prepare('UPDATE queue_months SET payment_id = ?, payment_status = ?, payment_date = ?, payment_amount = ? WHERE case_id = ? AND month = ?'),
    paymentStatus: db.prepare('UPDATE queue_months SET payment_status = ? WHERE case_id = ? AND payment_id = ?'),
    requirementInsert: db.prepare('INSERT OR REPLACE INTO queue_requirements (case_id, requirement_id, from_date, to_date, ended_on) VALUES (?, ?, ?, ?, NULL)'),
    requirementEnded: db.prepare('UPDATE queue_requirements SET ended_on = ? WHERE case_id = ? AND requirement_id = ?'),
    reportInsert: db.prepare('INSERT OR IGNORE INTO queue_reports (case_id, requirement_id, period) VALUES (?, ?, ?)'),
  };
}
