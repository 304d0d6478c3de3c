import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { CaseEvent } from '../cases/case.events.js';
import type { HouseholdMember } from '../cases/case.state.js';
import { caseFoldProjection, text, textOrNull, type CaseFold } from '../read-models/case-fold.js';
import type { CaseFacts } from './authorize.js';

const DIRECTORY_EVENTS: ReadonlySet<string> = new Set(['CaseOpened', 'HouseholdChanged', 'CaseReassigned', 'ProtectedIdentityChanged']);

const DIRECTORY_COLUMNS = ['case_id', 'unit', 'caseworker', 'applicant', 'co_applicant', 'protected_identity'] as const;

/**
 * What the access guard needs to know about each case: its unit, its caseworker, who applies
 * (personnummer of applicant and co-applicant) and whether the identity is protected.
 */
export const caseDirectoryFold: CaseFold<CaseFacts> = {
  name: 'case-directory',
  version: 1,
  eventTypes: DIRECTORY_EVENTS,
  tables: [
    {
      name: 'case_directory',
      columns: DIRECTORY_COLUMNS,
      keyColumns: 1,
      ddl: `CREATE TABLE IF NOT EXISTS case_directory (
        case_id TEXT PRIMARY KEY, unit TEXT NOT NULL, caseworker TEXT NOT NULL,
        applicant TEXT, co_applicant TEXT, protected_identity INTEGER NOT NULL) WITHOUT ROWID`,
      indexes: [
        'CREATE INDEX IF NOT EXISTS case_directory_unit ON case_directory (unit)',
        'CREATE INDEX IF NOT EXISTS case_directory_applicant ON case_directory (applicant)',
        'CREATE INDEX IF NOT EXISTS case_directory_co_applicant ON case_directory (co_applicant)',
      ],
    },
  ],
  evolve: (facts, caseId, event) => foldFacts(facts, caseId, event),
  rows: (_caseId, f) => {
    const r = toRow(f);
    return [[[r.case_id, r.unit, r.caseworker, r.applicant, r.co_applicant, r.protected_identity]]];
  },
  fromRows: (_caseId, [rows]) => {
    const r = rows![0];
    return r ? fromRow({ case_id: text(r[0]), unit: text(r[1]), caseworker: text(r[2]), applicant: textOrNull(r[3]), co_applicant: textOrNull(r[4]), protected_identity: r[5] as number }) : null;
  },
};

export const caseDirectoryProjection = caseFoldProjection(caseDirectoryFold);


/** One event folded into the facts; the projection and the log fallback use this same function. */
export function foldFacts(facts: CaseFacts | null, caseId: string, event: Pick<RecordedEvent, 'type' | 'data'>): CaseFacts | null {
  const e = event as CaseEvent;
  if (!DIRECTORY_EVENTS.has(e.type)) return facts;
  switch (e.type) {
    case 'CaseOpened':
      return { caseId, unit: e.data.unit, caseworker: e.data.caseworker, ...applicants(e.data.household), protectedIdentity: e.data.protectedIdentity };
    case 'HouseholdChanged':
      return facts && { ...facts, ...applicants(e.data.household) };
    case 'CaseReassigned':
      return facts && { ...facts, unit: e.data.unit, caseworker: e.data.caseworker };
    case 'ProtectedIdentityChanged':
      return facts && { ...facts, protectedIdentity: e.data.protectedIdentity };
    default:
      return facts;
  }
}

export function factsFromEvents(caseId: string, events: ReadonlyArray<Pick<RecordedEvent, 'type' | 'data'>>): CaseFacts | null {
  let facts: CaseFacts | null = null;
  for (const e of events) facts = foldFacts(facts, caseId, e);
  return facts;
}

function applicants(household: readonly HouseholdMember[]): Pick<CaseFacts, 'applicant' | 'coApplicant'> {
  return {
    applicant: household.find((m) => m.role === 'applicant')?.personnummer ?? null,
    coApplicant: household.find((m) => m.role === 'co_applicant')?.personnummer ?? null,
  };
}

interface Row {
  case_id: string;
  unit: string;
  caseworker: string;
  applicant: string | null;
  co_applicant: string | null;
  protected_identity: number;
}

const fromRow = (r: Row): CaseFacts => ({ caseId: r.case_id, unit: r.unit, caseworker: r.caseworker, applicant: r.applicant, coApplicant: r.co_applicant, protectedIdentity: r.protected_identity === 1 });
const toRow = (f: CaseFacts): Row => ({ case_id: f.caseId, unit: f.unit, caseworker: f.caseworker, applicant: f.applicant, co_applicant: f.coApplicant, protected_identity: f.protectedIdentity ? 1 : 0 });

interface Statements {
  get: Database.Statement<[string], Row>;
  put: Database.Statement<[Row]>;
}
const cache = new WeakMap<Database.Database, Statements>();
function statements(db: Database.Database): Statements {
  let s = cache.get(db);
  if (!s) {
    s = {
      get: db.prepare<[string], Row>('SELECT * FROM case_directory WHERE case_id = ?'),
      put: db.prepare<[Row]>(
        'INSERT OR REPLACE INTO case_directory (case_id, unit, caseworker, applicant, co_applicant, protected_identity) VALUES (@case_id, @unit, @caseworker, @applicant, @co_applicant, @protected_identity)',
      ),
    };
    cache.set(db, s);
  }
  return s;
}

/** The directory's row for a case, or null when the projection has not (yet) seen it. */
export function readCaseFacts(db: Database.Database, caseId: string): CaseFacts | null {
  const row = statements(db).get.get(caseId);
  return row ? fromRow(row) : null;
}

/** Cases of a unit (for read models that list a unit's cases). */
export function caseIdsOfUnit(db: Database.Database, unit: string): string[] {
  return db.prepare<[string], { case_id: string }>('SELECT case_id FROM case_directory WHERE unit = ? ORDER BY case_id').all(unit).map((r) => r.case_id);
}

/** Cases where this personnummer applies or co-applies (for the portal). */
export function caseIdsOfPerson(db: Database.Database, personnummer: string): string[] {
  return db
    .prepare<[string, string], { case_id: string }>('SELECT case_id FROM case_directory WHERE applicant = ? OR co_applicant = ? ORDER BY case_id')
    .all(personnummer, personnummer)
    .map((r) => r.case_id);
}
