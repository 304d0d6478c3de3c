/** Amounts are integer öre; kronor only at the edges (display, tables written in kr). */
export type Ore = number;

export function kronor(kr: number): Ore {
  const ore = Math.round(kr * 100);
  if (!Number.isSafeInteger(ore)) throw new RangeError(`amount out of range: ${kr} kr`);
  return ore;
}

export function isOre(value: unknown): value is Ore {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** "5 220,00 kr" — Swedish formatting for texts shown to people. */
export function formatKronor(ore: Ore): string {
  const sign = ore < 0 ? '−' : '';
  const abs = Math.abs(ore);
  const kr = Math.floor(abs / 100);
  const rest = String(abs % 100).padStart(2, '0');
  const grouped = String(kr).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${sign}${grouped},${rest}\u00a0kr`;
}
