/**
 * A broken rule of the field (deciding a withdrawn application, attesting one's own decision,
 * paying a month twice). The message is Swedish, for the caseworker; the code is stable, for code.
 * 409 = conflicts with the case as it stands; 422 = the request itself breaks a rule.
 */
export class DomainRuleError extends Error {
  override readonly name = 'DomainRuleError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: 409 | 422 = 409,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** Bad input found past the DTO layer (e.g. a personnummer that fails Luhn). 400, nothing written. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly field: string,
    readonly rule: string,
    readonly value: unknown,
    message?: string,
  ) {
    super(message ?? `${field}: ${rule} (got ${JSON.stringify(value)?.slice(0, 80)})`);
  }
}

export function ruleBroken(condition: unknown, code: string, message: string, status: 409 | 422 = 409, details: Record<string, unknown> = {}): asserts condition {
  if (!condition) throw new DomainRuleError(code, message, status, details);
}
