import type Database from 'better-sqlite3';
import type { ApplicationEvent } from '../../applications/application.events.js';
import type { CaseEvent } from '../../cases/case.events.js';
import type { DecisionEvent } from '../../decisions/decision.events.js';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import type { PaymentEvent } from '../../payments/payment.events.js';
import { perDatabase, type Projection } from '../projection.js';

type PortalEvent = CaseEvent | ApplicationEvent | DecisionEvent | PaymentEvent;

/**
 * What the client may see of their own case, and nothing more: by design the tables hold no
 * staff identities but the named contact, no notes, no protected-identity flag, no account.
 */
export const portalProjection: Projection = {
  name: 'portal',
  version: 1,
  setup(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS portal_cases (case_id TEXT PRIMARY KEY, contact TEXT NOT NULL, closed_on TEXT) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS portal_months (
        case_id TEXT NOT NULL, month TEXT NOT NULL, submitted_on TEXT, withdrawn INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (case_id, month)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS portal_completions (
        case_id TEXT NOT NULL, month TEXT NOT NULL, request_id TEXT NOT NULL, missing TEXT NOT NULL, due_date TEXT NOT NULL, received_on TEXT,
        PRIMARY KEY (case_id, request_id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS portal_decisions (
        case_id TEXT NOT NULL, decision_id TEXT NOT NULL, month TEXT NOT NULL, outcome TEXT NOT NULL, amount INTEGER NOT NULL,
        period_from TEXT NOT NULL, period_to TEXT NOT NULL, motivering TEXT NOT NULL, legal_references TEXT NOT NULL, decided_on TEXT NOT NULL,
        communicated_on TEXT, appeal_deadline TEXT, replaced_by TEXT, PRIMARY KEY (case_id, decision_id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS portal_payments (
        case_id TEXT NOT NULL, payment_id TEXT NOT NULL, month TEXT NOT NULL, amount INTEGER NOT NULL, payment_date TEXT NOT NULL,
        status TEXT NOT NULL, manual INTEGER NOT NULL, PRIMARY KEY (case_id, payment_id)) WITHOUT ROWID;
    `);
  },
  reset(db) {
    db.exec(['portal_cases', 'portal_months', 'portal_completions', 'portal_decisions', 'portal_payments'].map((t) => `DROP TABLE IF EXISTS ${t};`).join(' '));
  },
  apply(db, events) {
    const s = statements(db);
    for (const raw of events) {
      if (!raw.stream.startsWith('case-')) continue;
      applyOne(s, raw.stream.slice(5), raw as RecordedEvent & PortalEvent);
    }
  },
  dump(db) {
    return ['portal_cases', 'portal_months', 'portal_completions', 'portal_decisions', 'portal_payments'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all());
  },
};

function applyOne(s: Statements, caseId: string, e: PortalEvent): void {
  switch (e.type) {
    case 'CaseOpened':
      s.open.run(caseId, e.data.caseworker);
      return;
    case 'CaseReassigned':
      s.contact.run(e.data.caseworker, caseId);
      return;
    case 'CaseClosed':
      s.closed.run(e.data.on, caseId);
      return;
    case 'ApplicationSubmitted':
      s.month.run(caseId, e.data.month, e.data.submittedOn);
      s.clearCompletions.run(caseId, e.data.month);
      return;
    case 'ApplicationWithdrawn':
      s.withdrawn.run(caseId, e.data.month);
      return;
    case 'CompletionRequested':
      s.completion.run(caseId, e.data.month, e.data.requestId, JSON.stringify(e.data.missing), e.data.dueDate);
      return;
    case 'CompletionReceived':
      s.completionIn.run(e.data.receivedOn, caseId, e.data.requestId);
      return;
    case 'DecisionMade':
      s.decision.run(caseId, e.data.decisionId, e.data.month, e.data.outcome, e.data.amount, e.data.period.from, e.data.period.to, e.data.motivering, JSON.stringify(e.data.legalReferences.map((l) => l.text)), e.data.decidedOn);
      return;
    case 'DecisionReconsidered':
      s.decision.run(caseId, e.data.newDecisionId, e.data.month, e.data.outcome, e.data.amount, e.data.period.from, e.data.period.to, e.data.motivering, JSON.stringify(e.data.legalReferences.map((l) => l.text)), e.data.decidedOn);
      s.replaced.run(e.data.newDecisionId, caseId, e.data.decisionId);
      return;
    case 'DecisionCommunicated':
      s.communicated.run(e.data.learnedOn, e.data.appealDeadline, caseId, e.data.decisionId);
      return;
    case 'PaymentScheduled':
      s.payment.run(caseId, e.data.paymentId, e.data.month, e.data.amount, e.data.paymentDate, e.data.manualRoute ? 1 : 0);
      return;
    case 'PaymentAttested':
      s.paymentStatus.run('attested', caseId, e.data.paymentId);
      return;
    case 'PaymentDisbursed':
      s.paymentStatus.run('disbursed', caseId, e.data.paymentId);
      return;
    case 'PaymentFailed':
    case 'PaymentReturned':
    case 'PaymentCancelled':
      s.paymentStatus.run('stopped', caseId, e.data.paymentId);
      return;
    default:
      return;
  }
}

type Statements = ReturnType<typeof prepare>;
const statements = perDatabase(prepare);

function prepare(db: Database.Database) {
  return {
    open: db.prepare('INSERT OR REPLACE INTO portal_cases (case_id, contact, closed_on) VALUES (?, ?, NULL)'),
    contact: db.prepare('UPDATE portal_cases SET contact = ? WHERE case_id = ?'),
    closed: db.prepare('UPDATE portal_cases SET closed_on = ? WHERE case_id = ?'),
    month: db.prepare('INSERT INTO portal_months (case_id, month, submitted_on, withdrawn) VALUES (?, ?, ?, 0) ON CONFLICT (case_id, month) DO UPDATE SET submitted_on = excluded.submitted_on, withdrawn = 0'),
    withdrawn: db.prepare('UPDATE portal_months SET withdrawn = 1 WHERE case_id = ? AND month = ?'),
    clearCompletions: db.prepare('DELETE FROM portal_completions WHERE case_id = ? AND month = ?'),
    completion: db.prepare('INSERT OR REPLACE INTO portal_completions (case_id, month, request_id, missing, due_date, received_on) VALUES (?, ?, ?, ?, ?, NULL)'),
    completionIn: db.prepare('UPDATE portal_completions SET received_on = ? WHERE case_id = ? AND request_id = ?'),
    decision: db.prepare(`INSERT OR REPLACE INTO portal_decisions (case_id, decision_id, month, outcome, amount, period_from, period_to, motivering, legal_references, decided_on, communicated_on, appeal_deadline, replaced_by)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)`),
    replaced: db.prepare('UPDATE portal_decisions SET replaced_by = ? WHERE case_id = ? AND decision_id = ?'),
    communicated: db.prepare('UPDATE portal_decisions SET communicated_on = ?, appeal_deadline = ? WHERE case_id = ? AND decision_id = ?'),
    payment: db.prepare("INSERT OR REPLACE INTO portal_payments (case_id, payment_id, month, amount, payment_date, status, manual) VALUES (?, ?, ?, ?, ?, 'scheduled', ?)"),
    paymentStatus: db.prepare('UPDATE portal_payments SET status = ? WHERE case_id = ? AND payment_id = ?'),
  };
}
