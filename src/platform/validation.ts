import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

interface Violation {
  field: string;
  rule: string;
  value: unknown;
  message: string;
}

function flatten(errors: readonly ValidationError[], prefix = ''): Violation[] {
  return errors.flatMap((e) => {
    const field = prefix ? (/^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`) : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) => ({ field, rule, value: clip(e.value), message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Long values are clipped in the answer: a 1 MB string is named, not echoed. */
function clip(value: unknown): unknown {
  if (typeof value === 'string' && value.length > 120) return `${value.slice(0, 120)}… (${value.length} characters)`;
  if (typeof value === 'object' && value !== null) {
    const json = JSON.stringify(value);
    return json.length > 200 ? `${json.slice(0, 200)}…` : value;
  }
  return value;
}

/** Whitelisting DTO validation: unknown fields are refused, every violation names field, rule and value. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => {
      const violations = flatten(errors);
      return new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: violations.map((v) => v.message).join('; '),
        violations,
      });
    },
  });
}
