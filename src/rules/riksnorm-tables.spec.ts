import { describe, it, expect } from '@jest/globals';
import { kronor } from '../shared/money.js';
import {
  CHILD_AGE_BANDS,
  RIKSNORM_2023_BASE,
  RIKSNORM_TABLES,
  RIKSNORM_UPLIFTS,
  childAgeBand,
  commonCostFor,
  riksnormTableFor,
  type RiksnormTable,
} from './riksnorm-tables.js';

const table = (version: string) => RIKSNORM_TABLES.find((t) => t.version === version) as RiksnormTable;
const t2025 = table('riksnorm-2025');
const t2026 = table('riksnorm-2026');

/** Uplift a 2023 amount (kr) year by year to `year`, rounding to whole tens of kronor each year. */
function derived(kr2023: number, year: number): number {
  return RIKSNORM_UPLIFTS.filter((u) => u.year <= year).reduce((kr, u) => Math.round((kr * (1 + u.percent / 100)) / 10) * 10, kr2023);
}

describe('riksnorm tables', () => {
  it('reproduce the official 2026 totals: single adult 5 220 kr, couple 8 510 kr', () => {
    const single = t2026.adults.single.amount + commonCostFor(t2026, 1).amount;
    const couple = t2026.adults.couple.amount + commonCostFor(t2026, 2).amount;
    expect(single).toBe(kronor(5_220));
    expect(couple).toBe(kronor(8_510));
    expect(t2026.checkTotals).toEqual({ single: single, couple: couple });
  });

  it('derive every other estimated figure from the 2023 norm and the yearly uplifts', () => {
    for (const [t, year] of [[t2025, 2025], [t2026, 2026]] as const) {
      for (const band of CHILD_AGE_BANDS) {
        expect(t.children[band].atHome.amount).toBe(kronor(derived(RIKSNORM_2023_BASE.children[band].amount / 100, year)));
      }
      for (const [band, [lower, atHome]] of Object.entries(RIKSNORM_2023_BASE.preschoolLunchRatio2021)) {
        const base2023 = Math.round((RIKSNORM_2023_BASE.children[band as '0'].amount / 100) * (lower / atHome) / 10) * 10;
        expect(t.children[band as '0'].preschoolLunch?.amount).toBe(kronor(derived(base2023, year)));
      }
      // 2026 sizes 1–2 are balanced to the verified totals instead.
      const firstDerivedSize = year === 2026 ? 2 : 0;
      t.commonCosts.slice(firstDerivedSize).forEach((figure, i) => {
        const base = RIKSNORM_2023_BASE.commonCosts[i + firstDerivedSize]?.amount as number;
        expect(figure.amount).toBe(kronor(derived(base / 100, year)));
      });
    }
    expect(t2025.adults.single.amount).toBe(kronor(derived(3_490, 2025)));
    expect(t2025.adults.couple.amount).toBe(kronor(derived(6_300, 2025)));
    expect(t2026.adults.couple.amount).toBe(kronor(derived(6_300, 2026)));
  });

  it('mark every 2025/2026 figure as estimated until checked against the SFS text', () => {
    for (const t of [t2025, t2026]) {
      const figures = [t.adults.single, t.adults.couple, ...t.commonCosts, ...Object.values(t.children).flatMap((c) => [c.atHome, c.preschoolLunch ?? c.atHome])];
      expect(figures.every((f) => f.status === 'estimated')).toBe(true);
      expect(t.source.length).toBeGreaterThan(0);
    }
  });

  it('give a lower amount for children who eat lunch at förskola', () => {
    for (const band of ['0', '1-2', '3', '4-6'] as const) {
      expect(t2026.children[band].preschoolLunch?.amount).toBeLessThan(t2026.children[band].atHome.amount);
    }
  });

  it('add the 6→7 difference per member for households larger than 7', () => {
    const diff = kronor(2_830 - 2_620);
    expect(commonCostFor(t2026, 7).amount).toBe(kronor(2_830));
    expect(commonCostFor(t2026, 9).amount).toBe(kronor(2_830) + 2 * diff);
  });

  it('pick the table in force on a date', () => {
    expect(riksnormTableFor('2025-12-31')?.version).toBe('riksnorm-2025');
    expect(riksnormTableFor('2026-01-01')?.version).toBe('riksnorm-2026');
    expect(riksnormTableFor('2024-12-31')).toBeUndefined();
  });

  it('place ages in the norm age bands', () => {
    expect([0, 1, 2, 3, 4, 6, 7, 10, 11, 14, 15, 18, 19, 20].map(childAgeBand)).toEqual(
      ['0', '1-2', '1-2', '3', '4-6', '4-6', '7-10', '7-10', '11-14', '11-14', '15-18', '15-18', '19-20', '19-20'],
    );
    expect(childAgeBand(21)).toBeUndefined();
  });
});
