import { describe, it, expect } from '@jest/globals';
import { LAW_REFERENCES, lawReference } from './law-references.js';

describe('law references', () => {
  it('cite the old SoL for a date before 2025-07-01 and the new one from that day', () => {
    expect(lawReference('SoL-12-1', '2025-06-30')?.text).toBe('SoL (2001:453) 4 kap. 1 §');
    expect(lawReference('SoL-12-1', '2025-07-01')?.text).toBe('SoL (2025:400) 12 kap. 1 §');
    expect(lawReference('SoL-12-7', '2026-01-01')?.text).toBe('SoL (2025:400) 12 kap. 7 §');
  });

  it('know the förvaltningslag and deadline provisions', () => {
    expect(lawReference('FL-44', '2026-12-03')?.text).toBe('förvaltningslagen (2017:900) 44 §');
    expect(lawReference('FL-32', '2026-12-03')?.title).toBe('Motivering av beslut');
    expect(lawReference('Lag-1930-173', '2026-12-03')?.verified).toBe(true);
  });

  it('switch to the activity requirement reform on 2026-07-01 and flag its paragraph as unverified', () => {
    expect(lawReference('SoL-aktivitetskrav', '2026-06-30')?.title).toMatch(/får vägra/);
    const reform = lawReference('SoL-aktivitetskrav', '2026-07-01');
    expect(reform?.title).toMatch(/ska vägra/);
    expect(reform?.verified).toBe(false);
  });

  it('return nothing for an unknown code or a date before the law', () => {
    expect(lawReference('SoL-99-1', '2026-01-01')).toBeUndefined();
    expect(lawReference('FL-44', '2018-06-30')).toBeUndefined();
  });

  it('never let two versions of one code overlap', () => {
    const codes = new Set(LAW_REFERENCES.map((r) => r.code));
    for (const code of codes) {
      const versions = LAW_REFERENCES.filter((r) => r.code === code).sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
      versions.slice(1).forEach((later, i) => expect((versions[i]?.effectiveTo ?? '9999-12-31') < later.effectiveFrom).toBe(true));
    }
  });
});
