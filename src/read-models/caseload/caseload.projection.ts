import type Database from 'better-sqlite3';
import type { ActivityEvent } from '../../activities/activity.events.js';
import type { ApplicationEvent } from '../../applications/application.events.js';
import type { CaseEvent } from '../../cases/case.events.js';
import type { DecisionEvent } from '../../decisions/decision.events.js';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { perDatabase, type Projection } from '../projection.js';

type CaseloadEvent = CaseEvent | ApplicationEvent | DecisionEvent | ActivityEvent;

/**
 * Per case: who handles it and the open work items with their dates. Weights and "overdue" are
 * applied by the query for the day asked, so the load is never stale and the weights stay data.
 */
export const caseloadProjection: Projection = {
  name: 'caseload',
  version: 1,
  setup(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS caseload_cases (
        case_id TEXT PRIMARY KEY, unit TEXT NOT NULL, caseworker TEXT NOT NULL, opened_on TEXT NOT NULL,
        closed INTEGER NOT NULL DEFAULT 0, protected INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS caseload_cases_unit ON caseload_cases (unit, caseworker);
      CREATE TABLE IF NOT EXISTS caseload_items (
        case_id TEXT NOT NULL, item_id TEXT NOT NULL, kind TEXT NOT NULL, since TEXT NOT NULL, due TEXT, month TEXT,
        PRIMARY KEY (case_id, item_id)) WITHOUT ROWID;
    `);
  },
  reset(db) {
    db.exec('DROP TABLE IF EXISTS caseload_cases; DROP TABLE IF EXISTS caseload_items;');
  },
  apply(db, events) {
    const s = statements(db);
    for (const raw of events) {
      if (!raw.stream.startsWith('case-')) continue;
      applyOne(s, raw.stream.slice(5), raw as RecordedEvent & CaseloadEvent);
    }
  },
  dump(db) {
    return [db.prepare('SELECT * FROM caseload_cases ORDER BY case_id').all(), db.prepare('SELECT * FROM caseload_items ORDER BY case_id, item_id').all()];
  },
};

function applyOne(s: Statements, caseId: string, e: CaseloadEvent): void {
  switch (e.type) {
    case 'CaseOpened':
      s.open.run(caseId, e.data.unit, e.data.caseworker, e.data.openedOn, e.data.protectedIdentity ? 1 : 0);
      return;
    case 'CaseReassigned':
      s.reassign.run(e.data.unit, e.data.caseworker, caseId);
      return;
    case 'ProtectedIdentityChanged':
      s.protect.run(e.data.protectedIdentity ? 1 : 0, caseId);
      return;
    case 'CaseClosed':
      s.close.run(caseId);
      s.clearItems.run(caseId);
      return;
    case 'CompletionRequested':
      s.addItem.run(caseId, `completion:${e.data.requestId}`, 'completion', e.data.requestedOn, e.data.dueDate, e.data.month);
      return;
    case 'CompletionReceived':
      s.removeItem.run(caseId, `completion:${e.data.requestId}`);
      return;
    case 'ApplicationWithdrawn':
      s.removeMonth.run(caseId, 'completion', e.data.month);
      return;
    case 'DecisionMade':
      s.addItem.run(caseId, `uncommunicated:${e.data.decisionId}`, 'uncommunicated', e.data.decidedOn, null, null);
      return;
    case 'DecisionReconsidered':
      s.removeItem.run(caseId, `appeal-on:${e.data.decisionId}`);
      s.addItem.run(caseId, `uncommunicated:${e.data.newDecisionId}`, 'uncommunicated', e.data.decidedOn, null, null);
      return;
    case 'DecisionCommunicated':
      s.removeItem.run(caseId, `uncommunicated:${e.data.decisionId}`);
      return;
    case 'AppealReceived':
      s.addItem.run(caseId, `appeal-on:${e.data.decisionId}`, 'appeal', e.data.receivedOn, null, null);
      return;
    case 'ActivityRequirementSet':
      s.addItem.run(caseId, `plan:${e.data.requirementId}`, 'activity_plan', e.data.from, e.data.to, null);
      return;
    case 'ActivityRequirementEnded':
      s.removeItem.run(caseId, `plan:${e.data.requirementId}`);
      return;
    default:
      return;
  }
}

type Statements = ReturnType<typeof prepare>;
const statements = perDatabase(prepare);

function prepare(db: Database.Database) {
  return {
    open: db.prepare('INSERT OR REPLACE INTO caseload_cases (case_id, unit, caseworker, opened_on, closed, protected) VALUES (?, ?, ?, ?, 0, ?)'),
    reassign: db.prepare('UPDATE caseload_cases SET unit = ?, caseworker = ? WHERE case_id = ?'),
    protect: db.prepare('UPDATE caseload_cases SET protected = ? WHERE case_id = ?'),
    close: db.prepare('UPDATE caseload_cases SET closed = 1 WHERE case_id = ?'),
    clearItems: db.prepare('DELETE FROM caseload_items WHERE case_id = ?'),
    addItem: db.prepare('INSERT OR REPLACE INTO caseload_items (case_id, item_id, kind, since, due, month) VALUES (?, ?, ?, ?, ?, ?)'),
    removeItem: db.prepare('DELETE FROM caseload_items WHERE case_id = ? AND item_id = ?'),
    // A withdrawn application's kompletteringar are no longer anyone's work.
    removeMonth: db.prepare('DELETE FROM caseload_items WHERE case_id = ? AND kind = ? AND month = ?'),
  };
}
