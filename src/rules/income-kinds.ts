/** Kinds of household income. `earned` marks income from work, the base for jobbstimulans. */
export interface IncomeKindInfo {
  readonly label: string;
  readonly earned: boolean;
}

export const INCOME_KINDS = {
  wages: { label: 'Lön', earned: true },
  a_kassa: { label: 'Arbetslöshetsersättning (a-kassa)', earned: false },
  aktivitetsstod: { label: 'Aktivitetsstöd', earned: false },
  sjukpenning: { label: 'Sjukpenning', earned: false },
  foraldrapenning: { label: 'Föräldrapenning', earned: false },
  barnbidrag: { label: 'Barnbidrag', earned: false },
  bostadsbidrag: { label: 'Bostadsbidrag', earned: false },
  underhallsstod: { label: 'Underhållsstöd', earned: false },
  etableringsersattning: { label: 'Etableringsersättning', earned: false },
  pension: { label: 'Pension', earned: false },
  other: { label: 'Övrig inkomst', earned: false },
} as const satisfies Record<string, IncomeKindInfo>;

export type IncomeKind = keyof typeof INCOME_KINDS;

export function isIncomeKind(value: unknown): value is IncomeKind {
  return typeof value === 'string' && Object.hasOwn(INCOME_KINDS, value);
}
