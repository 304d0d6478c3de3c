import type Database from 'better-sqlite3';
import type { ActivityEvent } from '../../activities/activity.events.js';
import type { ApplicationEvent } from '../../applications/application.events.js';
import type { CaseEvent } from '../../cases/case.events.js';
import type { DecisionEvent } from '../../decisions/decision.events.js';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import type { PaymentEvent } from '../../payments/payment.events.js';
import { perDatabase, type Projection } from '../projection.js';

type QueueEvent = CaseEvent | ApplicationEvent | DecisionEvent | PaymentEvent | ActivityEvent;

/**
 * The facts the payment queue needs, per case and per month, as stored columns. Statuses are NOT
 * stored: the query computes them for the asked payment date and today, so tomorrow's queue needs
 * no rebuild.
 */
export const paymentQueueProjection: Projection = {
  name: 'payment-queue',
  version: 1,
  setup(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS queue_cases (
        case_id TEXT PRIMARY KEY, unit TEXT NOT NULL, caseworker TEXT NOT NULL, protected INTEGER NOT NULL,
        opened_on TEXT NOT NULL, closed_on TEXT) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS queue_cases_unit ON queue_cases (unit, caseworker);
      CREATE TABLE IF NOT EXISTS queue_months (
        case_id TEXT NOT NULL, month TEXT NOT NULL,
        application_id TEXT, submitted_on TEXT, withdrawn INTEGER NOT NULL DEFAULT 0,
        outstanding INTEGER NOT NULL DEFAULT 0, outstanding_due TEXT, outstanding_items TEXT,
        decision_id TEXT, outcome TEXT, decision_amount INTEGER, decided_on TEXT, communicated_on TEXT,
        payment_id TEXT, payment_status TEXT, payment_date TEXT, payment_amount INTEGER,
        PRIMARY KEY (case_id, month)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS queue_months_month ON queue_months (month, case_id);
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
    db.exec('DELETE FROM queue_cases; DELETE FROM queue_months; DELETE FROM queue_completions; DELETE FROM queue_requirements; DELETE FROM queue_reports; DELETE FROM queue_payments; DELETE FROM queue_decisions;');
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
      return;
    case 'ProtectedIdentityChanged':
      s.caseProtected.run(e.data.protectedIdentity ? 1 : 0, caseId);
      return;
    case 'CaseClosed':
      s.caseClosed.run(e.data.on, caseId);
      return;
    case 'ApplicationSubmitted':
      // A new submission after a withdrawal starts the month afresh.
      s.monthUpsertApplication.run(caseId, e.data.month, e.data.applicationId, e.data.submittedOn);
      s.completionsClearMonth.run(caseId, e.data.month);
      s.monthOutstanding.run({ caseId, month: e.data.month });
      return;
    case 'ApplicationWithdrawn':
      s.monthWithdrawn.run(caseId, e.data.month);
      return;
    case 'CompletionRequested':
      s.completionInsert.run(caseId, e.data.month, e.data.requestId, e.data.dueDate, JSON.stringify(e.data.missing));
      s.monthOutstanding.run({ caseId, month: e.data.month });
      return;
    case 'CompletionReceived':
      s.completionReceived.run(e.data.receivedOn, caseId, e.data.requestId);
      s.monthOutstanding.run({ caseId, month: e.data.month });
      return;
    case 'DecisionMade':
      s.decisionIndex.run(caseId, e.data.decisionId, e.data.month);
      s.monthDecision.run({ caseId, month: e.data.month, decisionId: e.data.decisionId, outcome: e.data.outcome, amount: e.data.amount, decidedOn: e.data.decidedOn });
      return;
    case 'DecisionReconsidered':
      // The new decision replaces the old one for the month; it must be communicated again.
      s.decisionIndex.run(caseId, e.data.newDecisionId, e.data.month);
      s.monthDecision.run({ caseId, month: e.data.month, decisionId: e.data.newDecisionId, outcome: e.data.outcome, amount: e.data.amount, decidedOn: e.data.decidedOn });
      return;
    case 'DecisionCommunicated':
      s.monthCommunicated.run(e.data.learnedOn, caseId, e.data.decisionId);
      return;
    case 'PaymentScheduled':
      s.paymentIndex.run(caseId, e.data.paymentId, e.data.month);
      s.monthPayment.run(e.data.paymentId, 'scheduled', e.data.paymentDate, e.data.amount, caseId, e.data.month);
      return;
    case 'PaymentAttested':
      s.paymentStatus.run('attested', caseId, e.data.paymentId);
      return;
    case 'PaymentDisbursed':
      s.paymentStatus.run('disbursed', caseId, e.data.paymentId);
      return;
    case 'PaymentFailed':
      s.paymentStatus.run('failed', caseId, e.data.paymentId);
      return;
    case 'PaymentReturned':
      s.paymentStatus.run('returned', caseId, e.data.paymentId);
      return;
    case 'PaymentCancelled':
      s.paymentStatus.run('cancelled', caseId, e.data.paymentId);
      return;
    case 'ActivityRequirementSet':
      s.requirementInsert.run(caseId, e.data.requirementId, e.data.from, e.data.to);
      return;
    case 'ActivityRequirementEnded':
      s.requirementEnded.run(e.data.endedOn, caseId, e.data.requirementId);
      return;
    case 'ActivityReported':
      s.reportInsert.run(caseId, e.data.requirementId, e.data.period);
      return;
    default:
      return;
  }
}

type Statements = ReturnType<typeof prepare>;
const statements = perDatabase(prepare);

function prepare(db: Database.Database) {
  return {
    caseInsert: db.prepare('INSERT OR REPLACE INTO queue_cases (case_id, unit, caseworker, protected, opened_on, closed_on) VALUES (?, ?, ?, ?, ?, NULL)'),
    caseReassign: db.prepare('UPDATE queue_cases SET unit = ?, caseworker = ? WHERE case_id = ?'),
    caseProtected: db.prepare('UPDATE queue_cases SET protected = ? WHERE case_id = ?'),
    caseClosed: db.prepare('UPDATE queue_cases SET closed_on = ? WHERE case_id = ?'),
    monthUpsertApplication: db.prepare(`INSERT INTO queue_months (case_id, month, application_id, submitted_on, withdrawn) VALUES (?, ?, ?, ?, 0)
      ON CONFLICT (case_id, month) DO UPDATE SET application_id = excluded.application_id, submitted_on = excluded.submitted_on, withdrawn = 0`),
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
    monthDecision: db.prepare(`INSERT INTO queue_months (case_id, month, decision_id, outcome, decision_amount, decided_on, communicated_on) VALUES (@caseId, @month, @decisionId, @outcome, @amount, @decidedOn, NULL)
      ON CONFLICT (case_id, month) DO UPDATE SET decision_id = @decisionId, outcome = @outcome, decision_amount = @amount, decided_on = @decidedOn, communicated_on = NULL`),
    monthCommunicated: db.prepare('UPDATE queue_months SET communicated_on = ? WHERE case_id = ? AND decision_id = ?'),
    paymentIndex: db.prepare('INSERT OR REPLACE INTO queue_payments (case_id, payment_id, month) VALUES (?, ?, ?)'),
    monthPayment: db.prepare('UPDATE queue_months SET payment_id = ?, payment_status = ?, payment_date = ?, payment_amount = ? WHERE case_id = ? AND month = ?'),
    paymentStatus: db.prepare('UPDATE queue_months SET payment_status = ? WHERE case_id = ? AND payment_id = ?'),
    requirementInsert: db.prepare('INSERT OR REPLACE INTO queue_requirements (case_id, requirement_id, from_date, to_date, ended_on) VALUES (?, ?, ?, ?, NULL)'),
    requirementEnded: db.prepare('UPDATE queue_requirements SET ended_on = ? WHERE case_id = ? AND requirement_id = ?'),
    reportInsert: db.prepare('INSERT OR IGNORE INTO queue_reports (case_id, requirement_id, period) VALUES (?, ?, ?)'),
  };
}
