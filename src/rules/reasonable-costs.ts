/**
 * Reasonable costs outside the riksnorm and each kommun's ceilings for them, as versioned data.
 * The demo kommun's figures are illustrative, not any real kommun's guidelines.
 */
import { inForce, type EffectiveDated } from '../shared/effective-dated.js';
import type { LocalDate } from '../shared/dates.js';
import { formatKronor, kronor, type Ore } from '../shared/money.js';

export const COST_KINDS = {
  housing: { label: 'Boendekostnad (hyra)' },
  electricity: { label: 'Hushållsel' },
  work_travel: { label: 'Arbetsresor' },
  home_insurance: { label: 'Hemförsäkring' },
  union_fee: { label: 'Fackföreningsavgift' },
  a_kassa_fee: { label: 'Avgift till arbetslöshetskassa' },
  childcare_fee: { label: 'Barnomsorgsavgift' },
  medical_care: { label: 'Läkarvård' },
  medicine: { label: 'Medicin' },
  dental: { label: 'Tandvård' },
  other: { label: 'Övrig kostnad' },
} as const satisfies Record<string, { readonly label: string }>;

export type CostKind = keyof typeof COST_KINDS;

export function isCostKind(value: unknown): value is CostKind {
  return typeof value === 'string' && Object.hasOwn(COST_KINDS, value);
}

export type Ceiling =
  /** amounts[0] = 1 person; above the list, add `perExtraMember` per person. */
  | { readonly basis: 'household_size'; readonly amounts: readonly Ore[]; readonly perExtraMember: Ore }
  | { readonly basis: 'flat'; readonly amount: Ore };

export interface CostCeilingTable extends EffectiveDated {
  readonly version: string;
  readonly kommun: string;
  readonly source: string;
  readonly example?: boolean;
  readonly ceilings: Partial<Record<CostKind, Ceiling>>;
}

const bySize = (kr: readonly number[], extraKr: number): Ceiling => ({
  basis: 'household_size',
  amounts: kr.map(kronor),
  perExtraMember: kronor(extraKr),
});

export const COST_CEILING_TABLES: readonly CostCeilingTable[] = [
  {
    version: 'demo-ceilings-2025',
    kommun: 'demo',
    effectiveFrom: '2025-01-01',
    effectiveTo: '2025-12-31',
    source: 'Exempeldata för demokommunen (riktlinjer för skälig boendekostnad och hushållsel), inte en verklig kommuns riktlinjer.',
    example: true,
    ceilings: {
      housing: bySize([7_300, 8_600, 9_900, 11_300, 12_600, 13_900], 1_300),
      electricity: bySize([450, 550, 650, 750, 850, 950], 100),
      home_insurance: { basis: 'flat', amount: kronor(250) },
    },
  },
  {
    version: 'demo-ceilings-2026',
    kommun: 'demo',
    effectiveFrom: '2026-01-01',
    source: 'Exempeldata för demokommunen (riktlinjer för skälig boendekostnad och hushållsel), inte en verklig kommuns riktlinjer.',
    example: true,
    ceilings: {
      housing: bySize([7_500, 8_800, 10_200, 11_600, 13_000, 14_300], 1_300),
      electricity: bySize([475, 575, 675, 775, 875, 975], 100),
      home_insurance: { basis: 'flat', amount: kronor(260) },
    },
  },
];

export function ceilingTableFor(
  kommun: string,
  onDate: LocalDate,
  tables: readonly CostCeilingTable[] = COST_CEILING_TABLES,
): CostCeilingTable | undefined {
  return inForce(
    tables.filter((t) => t.kommun === kommun),
    onDate,
  );
}

export function ceilingAmount(ceiling: Ceiling, householdSize: number): Ore {
  if (ceiling.basis === 'flat') return ceiling.amount;
  const listed = ceiling.amounts[householdSize - 1];
  if (listed !== undefined) return listed;
  const largest = ceiling.amounts.at(-1);
  if (largest === undefined) throw new RangeError('a household-size ceiling needs at least one amount');
  return largest + (householdSize - ceiling.amounts.length) * ceiling.perExtraMember;
}

export interface CappedCost {
  readonly kind: CostKind;
  readonly claimed: Ore;
  readonly approved: Ore;
  readonly capped: boolean;
  readonly ceiling?: Ore;
  /** Swedish explanation when capped. */
  readonly reason?: string;
}

/** Approve a claimed cost up to the kommun's ceiling for this kind and household size. */
export function capCost(kind: CostKind, claimed: Ore, householdSize: number, table: CostCeilingTable | undefined): CappedCost {
  const ceiling = table?.ceilings[kind];
  if (!table || !ceiling) return { kind, claimed, approved: claimed, capped: false };
  const max = ceilingAmount(ceiling, householdSize);
  if (claimed <= max) return { kind, claimed, approved: claimed, capped: false, ceiling: max };
  const persons = householdSize === 1 ? '1 person' : `${householdSize} personer`;
  const scope = ceiling.basis === 'household_size' ? ` för ${persons}` : '';
  return {
    kind,
    claimed,
    approved: max,
    capped: true,
    ceiling: max,
    reason:
      `${COST_KINDS[kind].label} ${formatKronor(claimed)} överstiger kommunens högsta skäliga kostnad${scope} ` +
      `(${formatKronor(max)}, ${table.version}); godkänt belopp begränsat till ${formatKronor(max)}.`,
  };
}
