import type { ActivityEvent } from '../../activities/activity.events.js';
import type { ApplicationEvent } from '../../applications/application.events.js';
import type { CaseEvent } from '../../cases/case.events.js';
import type { DecisionEvent } from '../../decisions/decision.events.js';
import type { ProjectionEvent } from '../../event-store/event-store.port.js';
import type { LocalDate, Month } from '../../shared/dates.js';
import { caseFoldProjection, removeKey, upsert, type CaseFold, text, textOrNull, numberOrNull, sortBy } from '../case-fold.js';

type CaseloadEvent = CaseEvent | ApplicationEvent | DecisionEvent | ActivityEvent;

export interface CaseloadItem {
  itemId: string;
  kind: 'completion' | 'uncommunicated' | 'appeal' | 'activity_plan';
  since: LocalDate;
  due: LocalDate | null;
  month: Month | null;
}

/** Who handles the case and its open work items (sorted by id). */
export interface CaseloadState {
  case: { unit: string; caseworker: string; openedOn: LocalDate; closed: boolean; protected: boolean } | null;
  items: CaseloadItem[];
}

const byId = (i: CaseloadItem) => i.itemId;

export const CASELOAD_EVENT_TYPES: ReadonlySet<string> = new Set([
  'CaseOpened', 'CaseReassigned', 'ProtectedIdentityChanged', 'CaseClosed', 'CompletionRequested', 'CompletionReceived', 'ApplicationWithdrawn',
  'DecisionMade', 'DecisionReconsidered', 'DecisionCommunicated', 'AppealReceived', 'ActivityRequirementSet', 'ActivityRequirementEnded',
]);

/**
 * One event folded into the case's load, IN PLACE (as the queue does): an item opens with the work
 * and closes when it is done; an event that changes nothing returns the state as it was (null stays null).
 */
export function evolveCaseload(current: CaseloadState | null, event: ProjectionEvent): CaseloadState | null {
  const e = event as unknown as CaseloadEvent;
  const add = (item: CaseloadItem): CaseloadState => {
    const s = current ?? { case: null, items: [] };
    upsert(s.items, byId, item.itemId, item);
    return s;
  };
  const remove = (itemId: string): CaseloadState | null => {
    if (current) removeKey(current.items, byId, itemId);
    return current;
  };
  switch (e.type) {
    case 'CaseOpened': {
      const s = current ?? { case: null, items: [] };
      s.case = { unit: e.data.unit, caseworker: e.data.caseworker, openedOn: e.data.openedOn, closed: false, protected: !!e.data.protectedIdentity };
      return s;
    }
    case 'CaseReassigned':
      if (current?.case) {
        current.case.unit = e.data.unit;
        current.case.caseworker = e.data.caseworker;
      }
      return current;
    case 'ProtectedIdentityChanged':
      if (current?.case) current.case.protected = !!e.data.protectedIdentity;
      return current;
    case 'CaseClosed': {
      // A closed case is nobody's work any more.
      const s = current ?? { case: null, items: [] };
      if (s.case) s.case.closed = true;
      s.items = [];
      return s;
    }
    case 'CompletionRequested':
      return add({ itemId: `completion:${e.data.requestId}`, kind: 'completion', since: e.data.requestedOn, due: e.data.dueDate, month: e.data.month });
    case 'CompletionReceived':
      return remove(`completion:${e.data.requestId}`);
    case 'ApplicationWithdrawn':
      // A withdrawn application's kompletteringar are no longer anyone's work.
      if (current?.items.some((i) => i.kind === 'completion' && i.month === e.data.month)) current.items = current.items.filter((i) => !(i.kind === 'completion' && i.month === e.data.month));
      return current;
    case 'DecisionMade':
      return add({ itemId: `uncommunicated:${e.data.decisionId}`, kind: 'uncommunicated', since: e.data.decidedOn, due: null, month: null });
    case 'DecisionReconsidered':
      remove(`appeal-on:${e.data.decisionId}`);
      return add({ itemId: `uncommunicated:${e.data.newDecisionId}`, kind: 'uncommunicated', since: e.data.decidedOn, due: null, month: null });
    case 'DecisionCommunicated':
      return remove(`uncommunicated:${e.data.decisionId}`);
    case 'AppealReceived':
      return add({ itemId: `appeal-on:${e.data.decisionId}`, kind: 'appeal', since: e.data.receivedOn, due: null, month: null });
    case 'ActivityRequirementSet':
      return add({ itemId: `plan:${e.data.requirementId}`, kind: 'activity_plan', since: e.data.from, due: e.data.to, month: null });
    case 'ActivityRequirementEnded':
      return remove(`plan:${e.data.requirementId}`);
    default:
      return current;
  }
}

const bit = (b: boolean) => (b ? 1 : 0);

/**
 * Per case: who handles it and the open work items with their dates. Weights and "overdue" are
 * applied by the query for the day asked, so the load is never stale and the weights stay data.
 */
export const caseloadFold: CaseFold<CaseloadState> = {
  name: 'caseload',
  version: 2,
  eventTypes: CASELOAD_EVENT_TYPES,
  tables: [
    {
      name: 'caseload_cases',
      columns: ['case_id', 'unit', 'caseworker', 'opened_on', 'closed', 'protected'],
      keyColumns: 1,
      ddl: `CREATE TABLE IF NOT EXISTS caseload_cases (
        case_id TEXT PRIMARY KEY, unit TEXT NOT NULL, caseworker TEXT NOT NULL, opened_on TEXT NOT NULL,
        closed INTEGER NOT NULL DEFAULT 0, protected INTEGER NOT NULL) WITHOUT ROWID`,
      indexes: ['CREATE INDEX IF NOT EXISTS caseload_cases_unit ON caseload_cases (unit, caseworker)'],
    },
    {
      name: 'caseload_items',
      columns: ['case_id', 'item_id', 'kind', 'since', 'due', 'month'],
      keyColumns: 2,
      ddl: `CREATE TABLE IF NOT EXISTS caseload_items (
        case_id TEXT NOT NULL, item_id TEXT NOT NULL, kind TEXT NOT NULL, since TEXT NOT NULL, due TEXT, month TEXT,
        PRIMARY KEY (case_id, item_id)) WITHOUT ROWID`,
    },
  ],
  evolve: (state, _caseId, event) => evolveCaseload(state, event),
  rows(caseId, s) {
    const c = s.case;
    return [c ? [[caseId, c.unit, c.caseworker, c.openedOn, bit(c.closed), bit(c.protected)]] : [], s.items.map((i) => [caseId, i.itemId, i.kind, i.since, i.due, i.month])];
  },
  fromRows(_caseId, [cases, items]) {
    if (cases!.length + items!.length === 0) return null;
    const c = cases![0];
    return {
      case: c ? { unit: text(c[1]), caseworker: text(c[2]), openedOn: text(c[3]), closed: c[4] === 1, protected: c[5] === 1 } : null,
      items: items!
        .map((r) => ({ itemId: text(r[1]), kind: text(r[2]) as CaseloadItem['kind'], since: text(r[3]), due: textOrNull(r[4]), month: textOrNull(r[5]) }))
        .sort((a, b) => (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0)),
    };
  },
};

export const caseloadProjection = caseFoldProjection(caseloadFold);
