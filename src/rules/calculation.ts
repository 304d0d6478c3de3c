/**
 * The monthly försörjningsstöd calculation: riksnorm + approved reasonable costs − counted
 * income ± caseworker adjustments, never below zero. Pure; every figure names the table version
 * it came from so a replay years later gives the same answer.
 */
import { ageOn, firstDayOf, isLocalDate, isMonth, type LocalDate, type Month } from '../shared/dates.js';
import { lastDayOf } from '../shared/date-math.js';
import { isOre, type Ore } from '../shared/money.js';
import { INCOME_KINDS, isIncomeKind, type IncomeKind } from './income-kinds.js';
import { JOBBSTIMULANS_RULES, jobbstimulansRuleFor, type JobbstimulansRule } from './jobbstimulans.js';
import { LAW_REFERENCES, lawReference, type LawReference } from './law-references.js';
import {
  COST_CEILING_TABLES,
  COST_KINDS,
  capCost,
  ceilingTableFor,
  isCostKind,
  type CostCeilingTable,
  type CostKind,
} from './reasonable-costs.js';
import {
  RIKSNORM_TABLES,
  childAgeBand,
  commonCostFor,
  riksnormTableFor,
  type FigureStatus,
  type RiksnormTable,
} from './riksnorm-tables.js';

export interface ChildInput {
  readonly birthDate: LocalDate;
  /** Eats lunch at förskola five days a week (matters for ages 0–6). */
  readonly preschoolLunch: boolean;
}

export interface CalculationInput {
  readonly month: Month;
  readonly kommun: string;
  readonly household: {
    readonly adults: number;
    /** Sambo or married: the couple's personal cost instead of two singles. */
    readonly couple: boolean;
    readonly children: readonly ChildInput[];
  };
  readonly costs: readonly { readonly kind: CostKind; readonly amount: Ore }[];
  /** `earned` defaults to the income kind's flag. */
  readonly incomes: readonly { readonly kind: IncomeKind; readonly amount: Ore; readonly earned?: boolean }[];
  /** Consecutive months with försörjningsstöd immediately before `month`. */
  readonly consecutiveMonthsOnSupport: number;
  /** Months jobbstimulans has already been applied; defaults to the consecutive months past the qualifying period. */
  readonly jobbstimulansMonthsUsed?: number;
  readonly adjustments?: readonly { readonly amount: Ore; readonly reason: string }[];
}

export interface RuleTables {
  readonly riksnorm: readonly RiksnormTable[];
  readonly ceilings: readonly CostCeilingTable[];
  readonly jobbstimulans: readonly JobbstimulansRule[];
  readonly laws: readonly LawReference[];
}

export const DEFAULT_RULE_TABLES: RuleTables = {
  riksnorm: RIKSNORM_TABLES,
  ceilings: COST_CEILING_TABLES,
  jobbstimulans: JOBBSTIMULANS_RULES,
  laws: LAW_REFERENCES,
};

export interface CalculationError {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
  readonly value?: unknown;
}

export interface RiksnormLine {
  readonly label: string;
  readonly amount: Ore;
  readonly status: FigureStatus;
}

export interface CostLine {
  readonly kind: CostKind;
  readonly label: string;
  readonly claimed: Ore;
  readonly approved: Ore;
  readonly ceiling?: Ore;
  /** Set when the claim was capped. */
  readonly reason?: string;
}

export interface IncomeLine {
  readonly kind: IncomeKind;
  readonly label: string;
  readonly amount: Ore;
  readonly earned: boolean;
}

export interface AppliedRule {
  readonly rule: string;
  readonly version: string;
  /** The provision in force for the month, e.g. 'SoL (2025:400) 12 kap. 7 §'. */
  readonly law?: string;
}

export interface BistandCalculation {
  readonly month: Month;
  readonly kommun: string;
  readonly riksnorm: { readonly total: Ore; readonly lines: readonly RiksnormLine[] };
  readonly costs: { readonly approved: readonly CostLine[]; readonly capped: readonly CostLine[]; readonly approvedTotal: Ore };
  readonly incomes: {
    readonly lines: readonly IncomeLine[];
    readonly total: Ore;
    readonly earnedTotal: Ore;
    readonly jobbstimulansDisregard: Ore;
    readonly countedTotal: Ore;
  };
  readonly adjustments: { readonly lines: readonly { readonly amount: Ore; readonly reason: string }[]; readonly total: Ore };
  /** riksnorm + costs − counted income + adjustments; negative means the household's income covers the need. */
  readonly beforeFloor: Ore;
  /** The bistånd for the month, never negative. */
  readonly total: Ore;
  readonly tableVersion: string;
  readonly ceilingVersion: string | null;
  readonly jobbstimulansVersion: string | null;
  readonly rulesApplied: readonly AppliedRule[];
}

export type CalculationOutcome =
  | { readonly ok: true; readonly calculation: BistandCalculation }
  | { readonly ok: false; readonly errors: readonly CalculationError[] };

export function calculateBistand(input: CalculationInput, tables: RuleTables = DEFAULT_RULE_TABLES): CalculationOutcome {
  const errors = validate(input);
  if (errors.length > 0) return { ok: false, errors };

  const onDate = firstDayOf(input.month);
  const table = riksnormTableFor(onDate, tables.riksnorm);
  if (!table) {
    return { ok: false, errors: [{ field: 'month', rule: 'riksnorm-table', message: `no riksnorm table in force on ${onDate}`, value: input.month }] };
  }
  const law = (code: string) => lawReference(code, onDate, tables.laws)?.text;
  const householdSize = input.household.adults + input.household.children.length;

  const riksnormLines = riksnormFor(input, table, onDate, householdSize);
  const riksnormTotal = sum(riksnormLines.map((l) => l.amount));

  const ceilingTable = ceilingTableFor(input.kommun, onDate, tables.ceilings);
  const costLines = claimsByKind(input.costs).map(([kind, claimed]): CostLine => {
    const c = capCost(kind, claimed, householdSize, ceilingTable);
    return { kind, label: COST_KINDS[kind].label, claimed, approved: c.approved, ...optional(c) };
  });
  const approvedTotal = sum(costLines.map((l) => l.approved));

  const incomeLines = input.incomes.map(
    (i): IncomeLine => ({ kind: i.kind, label: INCOME_KINDS[i.kind].label, amount: i.amount, earned: i.earned ?? INCOME_KINDS[i.kind].earned }),
  );
  const incomeTotal = sum(incomeLines.map((l) => l.amount));
  const earnedTotal = sum(incomeLines.filter((l) => l.earned).map((l) => l.amount));
  const jobbstimulans = jobbstimulansRuleFor(onDate, tables.jobbstimulans);
  const disregard = jobbstimulans && jobbstimulansApplies(input, jobbstimulans) ? ceilPercent(earnedTotal, jobbstimulans.percent) : 0;
  const countedTotal = incomeTotal - disregard;

  const adjustmentLines = (input.adjustments ?? []).map((a) => ({ amount: a.amount, reason: a.reason.trim() }));
  const adjustmentTotal = sum(adjustmentLines.map((a) => a.amount));

  const beforeFloor = riksnormTotal + approvedTotal - countedTotal + adjustmentTotal;
  const rulesApplied: AppliedRule[] = [
    { rule: 'riksnorm', version: table.version, ...withLaw(law('SoL-12-7')) },
    { rule: 'reasonable-costs', version: ceilingTable?.version ?? 'no-kommun-ceilings', ...withLaw(law('SoL-12-1')) },
  ];
  if (disregard > 0 && jobbstimulans) rulesApplied.push({ rule: 'jobbstimulans', version: jobbstimulans.version, ...withLaw(law(jobbstimulans.lawCode)) });
  if (adjustmentLines.length > 0) rulesApplied.push({ rule: 'manual-adjustment', version: 'caseworker', ...withLaw(law('SoL-12-1')) });

  return {
    ok: true,
    calculation: {
      month: input.month,
      kommun: input.kommun,
      riksnorm: { total: riksnormTotal, lines: riksnormLines },
      costs: { approved: costLines, capped: costLines.filter((l) => l.reason !== undefined), approvedTotal },
      incomes: { lines: incomeLines, total: incomeTotal, earnedTotal, jobbstimulansDisregard: disregard, countedTotal },
      adjustments: { lines: adjustmentLines, total: adjustmentTotal },
      beforeFloor,
      total: Math.max(0, beforeFloor),
      tableVersion: table.version,
      ceilingVersion: ceilingTable?.version ?? null,
      jobbstimulansVersion: disregard > 0 && jobbstimulans ? jobbstimulans.version : null,
      rulesApplied,
    },
  };
}

function riksnormFor(input: CalculationInput, table: RiksnormTable, onDate: LocalDate, householdSize: number): RiksnormLine[] {
  const { couple, children } = input.household;
  const adult = couple
    ? { label: 'Personliga kostnader, sammanboende vuxna', ...table.adults.couple }
    : { label: 'Personliga kostnader, ensamstående vuxen', ...table.adults.single };
  const childLines = children.map((child): RiksnormLine => {
    // Born during the month: counted as age 0 for the whole month.
    const age = Math.max(0, ageOn(child.birthDate, onDate));
    const band = childAgeBand(age) ?? '19-20';
    const figures = table.children[band];
    const lunch = child.preschoolLunch && figures.preschoolLunch !== undefined;
    const figure = lunch && figures.preschoolLunch ? figures.preschoolLunch : figures.atHome;
    const note = lunch ? ', lunch i förskolan' : '';
    return { label: `Personliga kostnader, barn ${age} år (${band.replace('-', '–')} år${note})`, ...figure };
  });
  const common = commonCostFor(table, householdSize);
  const persons = householdSize === 1 ? '1 person' : `${householdSize} personer`;
  return [adult, ...childLines, { label: `Gemensamma hushållskostnader, ${persons}`, ...common }];
}

function jobbstimulansApplies(input: CalculationInput, rule: JobbstimulansRule): boolean {
  const months = input.consecutiveMonthsOnSupport;
  if (months < rule.qualifyingMonths) return false;
  const used = input.jobbstimulansMonthsUsed ?? months - rule.qualifyingMonths;
  return used < rule.durationMonths;
}

/** `percent` of an amount, rounded up to whole öre (in the household's favour). */
function ceilPercent(amount: Ore, percent: number): Ore {
  return Math.ceil((amount * percent) / 100);
}

function claimsByKind(costs: CalculationInput['costs']): [CostKind, Ore][] {
  const totals = new Map<CostKind, Ore>();
  for (const c of costs) totals.set(c.kind, (totals.get(c.kind) ?? 0) + c.amount);
  return [...totals];
}

function optional(c: { ceiling?: Ore; reason?: string }): { ceiling?: Ore; reason?: string } {
  return { ...(c.ceiling !== undefined && { ceiling: c.ceiling }), ...(c.reason !== undefined && { reason: c.reason }) };
}

function withLaw(text: string | undefined): { law?: string } {
  return text === undefined ? {} : { law: text };
}

function sum(amounts: readonly Ore[]): Ore {
  return amounts.reduce((a, b) => a + b, 0);
}

function validate(input: CalculationInput): CalculationError[] {
  const errors: CalculationError[] = [];
  const err = (field: string, rule: string, message: string, value?: unknown) => errors.push({ field, rule, message, value });
  const wholeNonNegative = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;

  if (!isMonth(input.month)) err('month', 'format', 'month must be YYYY-MM', input.month);
  if (typeof input.kommun !== 'string' || input.kommun.trim() === '') err('kommun', 'required', 'kommun is required', input.kommun);

  const { adults, couple, children } = input.household;
  if (adults !== 1 && adults !== 2) err('household.adults', 'range', 'an application has one adult, or two who are sambo or married', adults);
  else if (adults === 2 && !couple) err('household.couple', 'couple', 'two adults who are not sambo or married apply separately', couple);
  else if (adults === 1 && couple) err('household.couple', 'couple', 'a couple needs two adults', couple);

  children.forEach((child, i) => {
    const field = `household.children[${i}].birthDate`;
    if (!isLocalDate(child.birthDate)) return err(field, 'format', 'birth date must be YYYY-MM-DD', child.birthDate);
    if (!isMonth(input.month)) return;
    if (child.birthDate > lastDayOf(input.month)) return err(field, 'range', `child not yet born in ${input.month}`, child.birthDate);
    if (ageOn(child.birthDate, firstDayOf(input.month)) > 20) err(field, 'range', 'a child over 20 is not part of the household norm; they apply on their own', child.birthDate);
  });

  input.costs.forEach((c, i) => {
    if (!isCostKind(c.kind)) err(`costs[${i}].kind`, 'unknown-kind', `unknown cost kind; use one of ${Object.keys(COST_KINDS).join(', ')}`, c.kind);
    if (!wholeNonNegative(c.amount)) err(`costs[${i}].amount`, 'ore', 'amount must be whole öre, zero or more', c.amount);
  });
  input.incomes.forEach((inc, i) => {
    if (!isIncomeKind(inc.kind)) err(`incomes[${i}].kind`, 'unknown-kind', `unknown income kind; use one of ${Object.keys(INCOME_KINDS).join(', ')}`, inc.kind);
    if (!wholeNonNegative(inc.amount)) err(`incomes[${i}].amount`, 'ore', 'amount must be whole öre, zero or more', inc.amount);
  });
  (input.adjustments ?? []).forEach((a, i) => {
    if (!isOre(a.amount)) err(`adjustments[${i}].amount`, 'ore', 'amount must be whole öre (positive or negative)', a.amount);
    if (typeof a.reason !== 'string' || a.reason.trim() === '') {
      err(`adjustments[${i}].reason`, 'reason-required', 'a manual adjustment must state its reason', a.reason);
    }
  });

  if (!wholeNonNegative(input.consecutiveMonthsOnSupport)) {
    err('consecutiveMonthsOnSupport', 'range', 'must be a whole number of months, zero or more', input.consecutiveMonthsOnSupport);
  }
  if (input.jobbstimulansMonthsUsed !== undefined && !wholeNonNegative(input.jobbstimulansMonthsUsed)) {
    err('jobbstimulansMonthsUsed', 'range', 'must be a whole number of months, zero or more', input.jobbstimulansMonthsUsed);
  }
  return errors;
}
