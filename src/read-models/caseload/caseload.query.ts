import type Database from 'better-sqlite3';
import { addDays } from '../../shared/date-math.js';
import type { LocalDate } from '../../shared/dates.js';
import type { CaseloadWeights } from './caseload-weights.js';

export interface CaseworkerLoad {
  readonly caseworker: string;
  readonly unit: string;
  readonly openCases: number;
  readonly openCompletions: number;
  readonly activityPlans: number;
  readonly openAppeals: number;
  readonly protectedIdentity: number;
  readonly newCases: number;
  readonly overdue: { readonly completions: number; readonly uncommunicatedDecisions: number; readonly total: number };
  /** Complexity-weighted load: each case 1 plus the weight of each open item. */
  readonly weightedLoad: number;
}

export interface CaseloadAnswer {
  readonly today: LocalDate;
  readonly weightsVersion: string;
  readonly weights: CaseloadWeights;
  readonly caseworkers: readonly CaseworkerLoad[];
  readonly units: ReadonlyArray<Omit<CaseworkerLoad, 'caseworker' | 'unit'> & { readonly unit: string; readonly caseworkers: number }>;
}

interface Row {
  caseworker: string;
  unit: string;
  open_cases: number;
  completions: number;
  plans: number;
  appeals: number;
  protected_cases: number;
  new_cases: number;
  overdue_completions: number;
  overdue_uncommunicated: number;
}

export class CaseloadQuery {
  private readonly stmt: Database.Statement;

  constructor(db: Database.Database) {
    this.stmt = db.prepare(`
      WITH items AS (
        SELECT case_id,
          SUM(kind = 'completion') AS completions,
          SUM(kind = 'activity_plan' AND since <= :today AND (due IS NULL OR due >= :today)) AS plans,
          SUM(kind = 'appeal') AS appeals,
          SUM(kind = 'completion' AND due < :today) AS overdue_completions,
          SUM(kind = 'uncommunicated' AND since < :communicateBy) AS overdue_uncommunicated
        FROM caseload_items GROUP BY case_id)
      SELECT c.caseworker, c.unit, COUNT(*) AS open_cases,
        COALESCE(SUM(i.completions), 0) AS completions, COALESCE(SUM(i.plans), 0) AS plans, COALESCE(SUM(i.appeals), 0) AS appeals,
        SUM(c.protected) AS protected_cases, SUM(c.opened_on >= :newSince) AS new_cases,
        COALESCE(SUM(i.overdue_completions), 0) AS overdue_completions, COALESCE(SUM(i.overdue_uncommunicated), 0) AS overdue_uncommunicated
      FROM caseload_cases c LEFT JOIN items i ON i.case_id = c.case_id
      WHERE c.closed = 0 AND (:unit IS NULL OR c.unit = :unit)
      GROUP BY c.unit, c.caseworker ORDER BY c.unit, c.caseworker`);
  }

  run(today: LocalDate, weights: CaseloadWeights, unit?: string): CaseloadAnswer {
    const rows = this.stmt.all({ today, unit: unit ?? null, newSince: addDays(today, -weights.newCaseDays), communicateBy: addDays(today, -weights.communicateWithinDays) }) as Row[];
    const caseworkers = rows.map((r) => toLoad(r, weights));
    const byUnit = new Map<string, CaseworkerLoad[]>();
    for (const c of caseworkers) byUnit.set(c.unit, [...(byUnit.get(c.unit) ?? []), c]);
    const units = [...byUnit].map(([u, list]) => {
      const sum = (f: (c: CaseworkerLoad) => number) => list.reduce((a, c) => a + f(c), 0);
      return {
        unit: u,
        caseworkers: list.length,
        openCases: sum((c) => c.openCases),
        openCompletions: sum((c) => c.openCompletions),
        activityPlans: sum((c) => c.activityPlans),
        openAppeals: sum((c) => c.openAppeals),
        protectedIdentity: sum((c) => c.protectedIdentity),
        newCases: sum((c) => c.newCases),
        overdue: { completions: sum((c) => c.overdue.completions), uncommunicatedDecisions: sum((c) => c.overdue.uncommunicatedDecisions), total: sum((c) => c.overdue.total) },
        weightedLoad: round(sum((c) => c.weightedLoad)),
      };
    });
    return { today, weightsVersion: weights.version, weights, caseworkers: [...caseworkers].sort((a, b) => b.weightedLoad - a.weightedLoad || a.caseworker.localeCompare(b.caseworker)), units };
  }
}

function toLoad(r: Row, w: CaseloadWeights): CaseworkerLoad {
  const weightedLoad =
    r.open_cases * w.openCase + r.completions * w.openCompletion + r.plans * w.activityPlan + r.appeals * w.openAppeal + r.protected_cases * w.protectedIdentity + r.new_cases * w.newCase;
  return {
    caseworker: r.caseworker,
    unit: r.unit,
    openCases: r.open_cases,
    openCompletions: r.completions,
    activityPlans: r.plans,
    openAppeals: r.appeals,
    protectedIdentity: r.protected_cases,
    newCases: r.new_cases,
    overdue: { completions: r.overdue_completions, uncommunicatedDecisions: r.overdue_uncommunicated, total: r.overdue_completions + r.overdue_uncommunicated },
    weightedLoad: round(weightedLoad),
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
