import { describe, it, expect } from '@jest/globals';
import { kronor } from '../shared/money.js';
import { calculateBistand, type BistandCalculation, type CalculationInput } from './calculation.js';

const single2026: CalculationInput = {
  month: '2026-03',
  kommun: 'demo',
  household: { adults: 1, couple: false, children: [] },
  costs: [],
  incomes: [],
  consecutiveMonthsOnSupport: 0,
};

function calculated(input: Partial<CalculationInput>): BistandCalculation {
  const outcome = calculateBistand({ ...single2026, ...input });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  return outcome.calculation;
}

const couple = { adults: 2, couple: true, children: [] };

describe('monthly försörjningsstöd calculation', () => {
  it('given a single adult in 2026, the riksnorm is 5 220 kr', () => {
    const result = calculated({});
    expect(result.riksnorm.total).toBe(522_000);
    expect(result.total).toBe(522_000);
    expect(result.tableVersion).toBe('riksnorm-2026');
    expect(result.riksnorm.lines.map((l) => l.label)).toEqual([
      'Personliga kostnader, ensamstående vuxen',
      'Gemensamma hushållskostnader, 1 person',
    ]);
  });

  it('given a couple in 2026, the riksnorm is 8 510 kr', () => {
    expect(calculated({ household: couple }).riksnorm.total).toBe(851_000);
  });

  it('given a couple with a 5-year-old who eats lunch at förskola and a 12-year-old, adds each child and the common costs for four', () => {
    const result = calculated({
      household: {
        ...couple,
        children: [
          { birthDate: '2020-05-10', preschoolLunch: true },
          { birthDate: '2014-01-15', preschoolLunch: false },
        ],
      },
    });
    expect(result.riksnorm.lines).toEqual([
      { label: 'Personliga kostnader, sammanboende vuxna', amount: kronor(7_090), status: 'estimated' },
      { label: 'Personliga kostnader, barn 5 år (4–6 år, lunch i förskolan)', amount: kronor(2_700), status: 'estimated' },
      { label: 'Personliga kostnader, barn 12 år (11–14 år)', amount: kronor(4_380), status: 'estimated' },
      { label: 'Gemensamma hushållskostnader, 4 personer', amount: kronor(2_010), status: 'estimated' },
    ]);
    expect(result.riksnorm.total).toBe(kronor(16_180));
  });

  it('computes a child’s age on the first day of the month', () => {
    const turnsSixOnTheSecond = calculated({ household: { adults: 1, couple: false, children: [{ birthDate: '2020-03-02', preschoolLunch: false }] } });
    expect(turnsSixOnTheSecond.riksnorm.lines[1]?.label).toBe('Personliga kostnader, barn 5 år (4–6 år)');
    const bornThisMonth = calculated({ household: { adults: 1, couple: false, children: [{ birthDate: '2026-03-20', preschoolLunch: false }] } });
    expect(bornThisMonth.riksnorm.lines[1]?.label).toBe('Personliga kostnader, barn 0 år (0 år)');
  });

  it('given rent above the demo kommun ceiling, approves the ceiling and explains the cap', () => {
    const result = calculated({ costs: [{ kind: 'housing', amount: kronor(9_000) }, { kind: 'electricity', amount: kronor(400) }] });
    expect(result.costs.approvedTotal).toBe(kronor(7_500 + 400));
    expect(result.costs.capped).toHaveLength(1);
    expect(result.costs.capped[0]).toMatchObject({ kind: 'housing', claimed: kronor(9_000), approved: kronor(7_500) });
    expect(result.costs.capped[0]?.reason).toMatch(/överstiger kommunens högsta skäliga kostnad för 1 person/);
    expect(result.ceilingVersion).toBe('demo-ceilings-2026');
    expect(result.total).toBe(522_000 + kronor(7_900));
  });

  it('given 5 000 kr earnings in the 7th consecutive month, disregards 1 250 kr (jobbstimulans)', () => {
    const result = calculated({ incomes: [{ kind: 'wages', amount: kronor(5_000) }], consecutiveMonthsOnSupport: 6 });
    expect(result.incomes.jobbstimulansDisregard).toBe(kronor(1_250));
    expect(result.incomes.countedTotal).toBe(kronor(3_750));
    expect(result.jobbstimulansVersion).toBe('jobbstimulans-2013');
    expect(result.rulesApplied.map((r) => r.rule)).toContain('jobbstimulans');
  });

  it('given the same earnings in the 6th consecutive month, disregards nothing', () => {
    const result = calculated({ incomes: [{ kind: 'wages', amount: kronor(5_000) }], consecutiveMonthsOnSupport: 5 });
    expect(result.incomes.jobbstimulansDisregard).toBe(0);
    expect(result.incomes.countedTotal).toBe(kronor(5_000));
  });

  it('stops jobbstimulans after 24 months of use and never applies it to unearned income', () => {
    expect(calculated({ incomes: [{ kind: 'wages', amount: kronor(5_000) }], consecutiveMonthsOnSupport: 29 }).incomes.jobbstimulansDisregard).toBe(kronor(1_250));
    expect(calculated({ incomes: [{ kind: 'wages', amount: kronor(5_000) }], consecutiveMonthsOnSupport: 30 }).incomes.jobbstimulansDisregard).toBe(0);
    expect(calculated({ incomes: [{ kind: 'a_kassa', amount: kronor(5_000) }], consecutiveMonthsOnSupport: 12 }).incomes.jobbstimulansDisregard).toBe(0);
  });

  it('rounds the disregard up to whole öre, in the household’s favour', () => {
    const result = calculated({ incomes: [{ kind: 'wages', amount: 100_001 }], consecutiveMonthsOnSupport: 6 });
    expect(result.incomes.jobbstimulansDisregard).toBe(25_001);
  });

  it('adds a manual adjustment with its reason', () => {
    const result = calculated({ adjustments: [{ amount: kronor(-200), reason: 'Fri kost under praktik' }] });
    expect(result.adjustments).toEqual({ lines: [{ amount: kronor(-200), reason: 'Fri kost under praktik' }], total: kronor(-200) });
    expect(result.total).toBe(522_000 - kronor(200));
  });

  it('rejects a manual adjustment without a reason', () => {
    for (const reason of ['', '   ']) {
      const outcome = calculateBistand({ ...single2026, adjustments: [{ amount: kronor(500), reason }] });
      expect(outcome).toEqual({
        ok: false,
        errors: [{ field: 'adjustments[0].reason', rule: 'reason-required', message: 'a manual adjustment must state its reason', value: reason }],
      });
    }
  });

  it('never goes below zero when income covers the need', () => {
    const result = calculated({ incomes: [{ kind: 'wages', amount: kronor(20_000) }] });
    expect(result.beforeFloor).toBe(522_000 - kronor(20_000));
    expect(result.total).toBe(0);
  });

  it('given a 2025 month, uses the 2025 table and the law then in force, and records both', () => {
    const june = calculated({ month: '2025-06' });
    expect(june.tableVersion).toBe('riksnorm-2025');
    expect(june.riksnorm.total).toBe(kronor(3_900 + 1_260));
    expect(june.ceilingVersion).toBe('demo-ceilings-2025');
    expect(june.rulesApplied[0]).toEqual({ rule: 'riksnorm', version: 'riksnorm-2025', law: 'SoL (2001:453) 4 kap. 3 §' });
    expect(calculated({ month: '2025-08' }).rulesApplied[0]?.law).toBe('SoL (2025:400) 12 kap. 7 §');
  });

  it('adds the 6→7 difference for each member beyond seven', () => {
    const children = Array.from({ length: 7 }, () => ({ birthDate: '2015-06-01', preschoolLunch: false }));
    const result = calculated({ household: { ...couple, children } });
    expect(result.riksnorm.lines.at(-1)).toMatchObject({ label: 'Gemensamma hushållskostnader, 9 personer', amount: kronor(2_830 + 2 * 210) });
  });

  it('explains every bad input instead of calculating', () => {
    const outcome = calculateBistand({
      ...single2026,
      month: '2026-13',
      household: { adults: 2, couple: false, children: [{ birthDate: '2026-02-30', preschoolLunch: false }] },
      costs: [{ kind: 'yacht' as never, amount: 1.5 }],
      consecutiveMonthsOnSupport: -1,
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors.map((e) => `${e.field}:${e.rule}`)).toEqual([
      'month:format',
      'household.couple:couple',
      'household.children[0].birthDate:format',
      'costs[0].kind:unknown-kind',
      'costs[0].amount:ore',
      'consecutiveMonthsOnSupport:range',
    ]);
  });

  it('rejects a child older than 20 or not yet born in the month', () => {
    const outcome = calculateBistand({
      ...single2026,
      household: { adults: 1, couple: false, children: [{ birthDate: '2005-01-01', preschoolLunch: false }, { birthDate: '2026-04-01', preschoolLunch: false }] },
    });
    expect(outcome.ok ? [] : outcome.errors.map((e) => e.field)).toEqual(['household.children[0].birthDate', 'household.children[1].birthDate']);
  });

  it('gives nothing when no riksnorm table covers the month', () => {
    const outcome = calculateBistand({ ...single2026, month: '2024-12' });
    expect(outcome).toMatchObject({ ok: false, errors: [{ field: 'month', rule: 'riksnorm-table' }] });
  });
});
