import { BadRequestException, ValidationPipe, type ArgumentMetadata, type PipeTransform, type ValidationError } from '@nestjs/common';

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Route parameters, before any pipe of their own: every `…Id` parameter is a UUID, and a wrong one
 * is a 400 that names the parameter (ParseUUIDPipe's own answer does not say which).
 */
export class RouteParamsPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param' || !metadata.data || !/Id$/.test(metadata.data)) return value;
    if (typeof value === 'string' && UUID.test(value)) return value;
    const shown = clip(value);
    const message = `${metadata.data} must be a UUID`;
    throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `${message}, got ${JSON.stringify(shown)}`, violations: [{ field: metadata.data, rule: 'isUuid', value: shown, message }] });
  }
}
