import { describe, it, expect } from '@jest/globals';
import { kronor } from '../shared/money.js';
import { capCost, ceilingTableFor } from './reasonable-costs.js';

const demo2026 = ceilingTableFor('demo', '2026-03-01');

describe('reasonable costs and kommun ceilings', () => {
  it('given rent above the ceiling for a one-person household, approves the ceiling and says why', () => {
    const result = capCost('housing', kronor(9_000), 1, demo2026);
    expect(result.approved).toBe(kronor(7_500));
    expect(result.capped).toBe(true);
    expect(result.reason).toBe(
      'Boendekostnad (hyra) 9\u00a0000,00\u00a0kr överstiger kommunens högsta skäliga kostnad för 1 person ' +
        '(7\u00a0500,00\u00a0kr, demo-ceilings-2026); godkänt belopp begränsat till 7\u00a0500,00\u00a0kr.',
    );
  });

  it('given rent within the ceiling, approves it in full', () => {
    expect(capCost('housing', kronor(8_000), 2, demo2026)).toMatchObject({ approved: kronor(8_000), capped: false });
  });

  it('extends a household-size ceiling beyond the listed sizes', () => {
    expect(capCost('housing', kronor(20_000), 8, demo2026).approved).toBe(kronor(14_300 + 2 * 1_300));
  });

  it('leaves kinds without a ceiling, and kommuner without a table, uncapped', () => {
    expect(capCost('dental', kronor(3_000), 1, demo2026)).toMatchObject({ approved: kronor(3_000), capped: false });
    expect(capCost('housing', kronor(30_000), 1, ceilingTableFor('nowhere', '2026-03-01'))).toMatchObject({ approved: kronor(30_000), capped: false });
  });

  it('uses the ceiling version in force on the date', () => {
    expect(ceilingTableFor('demo', '2025-12-31')?.version).toBe('demo-ceilings-2025');
    expect(ceilingTableFor('demo', '2026-01-01')?.version).toBe('demo-ceilings-2026');
  });
});
