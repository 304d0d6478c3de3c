/**
 * Aktivitetskrav as versioned data. A version applies to support for the months from its
 * `effectiveFrom` (the first day of the first month it governs), so a replay of a 2026-09 decision
 * uses the older rule and a 2026-10 decision the reform.
 */
import { inForce, type EffectiveDated } from '../shared/effective-dated.js';
import { firstDayOf, type Month } from '../shared/dates.js';

export type ExemptionCode = 'under_18' | 'in_school_18_20' | 'full_time_work_or_af_programme' | 'sick_benefit' | 'pension_age';

export interface ActivityExemptionRule {
  readonly code: ExemptionCode;
  /** Swedish, as the caseworker reads it. */
  readonly label: string;
  /** 'age' is computed from the birth date; 'recorded_fact' needs a fact about the person. */
  readonly basis: 'age' | 'recorded_fact';
  readonly belowAge?: number;
  readonly fromAge?: number;
  readonly source: string;
  readonly verified: boolean;
}

export interface ActivityRuleVersion extends EffectiveDated {
  readonly version: string;
  /** Law code (see src/rules/law-references.ts) the requirement and its sanctions rest on. */
  readonly lawCode: string;
  /** When the law itself enters into force (it may govern support only from a later month). */
  readonly lawInForceFrom: string;
  /** null: no national individual-plan obligation. */
  readonly individualPlan: { readonly afterConsecutiveMonthsOnSupport: number; readonly normallyFullTime: boolean } | null;
  /** Refusal without acceptable reason: the nämnd 'may' or 'shall' refuse or reduce continued support. */
  readonly missConsequence: 'may' | 'shall';
  readonly adultFromAge: number;
  readonly exemptions: readonly ActivityExemptionRule[];
  readonly source: string;
  readonly status: 'verified' | 'proposal';
}

const REFORM_SOURCE =
  'Ds 2024:29 Aktivitetskrav inom försörjningsstödet; lagrådsremiss december 2025 (ikraftträdande 2026-07-01, först tillämpligt på försörjningsstöd för oktober 2026 enligt domänbeskrivningen). Slutlig lagtext ej verifierad.';

export const ACTIVITY_RULES: readonly ActivityRuleVersion[] = [
  {
    version: 'praktik-kompetenshojande-may',
    effectiveFrom: '2002-01-01',
    effectiveTo: '2026-09-30',
    lawCode: 'SoL-aktivitetskrav',
    lawInForceFrom: '2002-01-01',
    individualPlan: null,
    missConsequence: 'may',
    adultFromAge: 18,
    exemptions: [],
    source: 'SoL (2001:453) 4 kap. 4–6 §§ and the corresponding provisions of SoL (2025:400): the nämnd may require praktik/kompetenshöjande verksamhet and may refuse or reduce support on refusal.',
    status: 'verified',
  },
  {
    version: 'aktivitetskrav-2026-10',
    effectiveFrom: '2026-10-01',
    lawCode: 'SoL-aktivitetskrav',
    lawInForceFrom: '2026-07-01',
    individualPlan: { afterConsecutiveMonthsOnSupport: 3, normallyFullTime: true },
    missConsequence: 'shall',
    adultFromAge: 18,
    exemptions: [
      { code: 'under_18', label: 'under 18 år', basis: 'age', belowAge: 18, source: REFORM_SOURCE, verified: false },
      { code: 'in_school_18_20', label: '18–20 år och går i gymnasieskola eller motsvarande', basis: 'recorded_fact', source: REFORM_SOURCE, verified: false },
      { code: 'full_time_work_or_af_programme', label: 'arbetar heltid eller deltar i arbetsmarknadspolitiskt program hos Arbetsförmedlingen', basis: 'recorded_fact', source: REFORM_SOURCE, verified: false },
      { code: 'sick_benefit', label: 'får sjukpenning, rehabiliteringspenning eller sjuk- eller aktivitetsersättning', basis: 'recorded_fact', source: REFORM_SOURCE, verified: false },
      {
        code: 'pension_age',
        label: 'har uppnått pensionsålder',
        basis: 'age',
        fromAge: 67,
        source: `${REFORM_SOURCE} Age: riktåldern för pension 2026 (67 år), assumed; not verified against the reform text.`,
        verified: false,
      },
    ],
    source: REFORM_SOURCE,
    status: 'proposal',
  },
];

/** The activity rule that governs support for a month. */
export function activityRuleFor(month: Month, rules: readonly ActivityRuleVersion[] = ACTIVITY_RULES): ActivityRuleVersion {
  const rule = inForce(rules, firstDayOf(month));
  if (!rule) throw new RangeError(`no activity rule in force for ${month}`);
  return rule;
}
