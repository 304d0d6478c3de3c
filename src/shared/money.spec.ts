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
});
