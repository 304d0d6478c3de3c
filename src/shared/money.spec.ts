import { describe, expect, it } from '@jest/globals';
import { formatKronor, kronor } from './money.js';

describe('money in öre', () => {
  it('turns kronor into integer öre without float drift', () => {
    expect(kronor(5220)).toBe(522000);
    expect(kronor(0.1 + 0.2)).toBe(30);
  });
  it('formats öre the Swedish way', () => {
    expect(formatKronor(851000)).toBe('8\u00a0510,00\u00a0kr');
    expect(formatKronor(-125050)).toBe('−1\u00a0250,50\u00a0kr');
  });
  it('keeps the zeros inside a group and the öre, and groups every three digits', () => {
    expect(formatKronor(0)).toBe('0,00\u00a0kr');
    expect(formatKronor(5)).toBe('0,05\u00a0kr');
    expect(formatKronor(-1)).toBe('−0,01\u00a0kr');
    expect(formatKronor(99_900)).toBe('999,00\u00a0kr');
    expect(formatKronor(100_099)).toBe('1\u00a0000,99\u00a0kr');
    expect(formatKronor(100_005_000)).toBe('1\u00a0000\u00a0050,00\u00a0kr');
    expect(formatKronor(123_456_789_012)).toBe('1\u00a0234\u00a0567\u00a0890,12\u00a0kr');
  });
});
