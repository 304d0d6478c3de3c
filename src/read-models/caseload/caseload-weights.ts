import { inForce, type EffectiveDated } from '../../shared/effective-dated.js';

/**
 * How much each kind of work weighs in a caseworker's load, as versioned data: a case counts 1,
 * and each item adds its weight. The figures are a starting point for the enhetschef to tune.
 */
export interface CaseloadWeights extends EffectiveDated {
  readonly version: string;
  readonly openCase: number;
  readonly openCompletion: number;
  readonly activityPlan: number;
  readonly openAppeal: number;
  readonly protectedIdentity: number;
  /** A case opened within `newCaseDays` days: the first months take the most work. */
  readonly newCase: number;
  readonly newCaseDays: number;
  /** A decision not communicated after this many days counts as overdue. */
  readonly communicateWithinDays: number;
  readonly source: string;
}

export const CASELOAD_WEIGHTS: readonly CaseloadWeights[] = [
  {
    version: 'caseload-weights-2026',
    effectiveFrom: '2026-01-01',
    openCase: 1,
    openCompletion: 0.5,
    activityPlan: 0.5,
    openAppeal: 1,
    protectedIdentity: 1,
    newCase: 1,
    newCaseDays: 60,
    communicateWithinDays: 5,
    source: 'Exempelvikter (ej fastställda): nya ärenden, överklaganden och skyddade personuppgifter kräver mest tid enligt praxis.',
  },
];

export function weightsOn(date: string): CaseloadWeights {
  const w = inForce(CASELOAD_WEIGHTS, date);
  if (!w) throw new Error(`no caseload weights in force on ${date}`);
  return w;
}
