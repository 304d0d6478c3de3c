import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ChainBrokenError, ConcurrencyError, IdempotencyConflictError, StoreDamagedError, StoreUnavailableError } from '../event-store/event-store.port.js';
import { DomainRuleError, InputError, NotFoundError } from '../shared/errors.js';
import { ReplayedError } from './idempotency.interceptor.js';
import { bodyParserProblem } from './request-body.js';

export interface ProblemBody {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
  readonly code?: string;
  readonly violations?: ReadonlyArray<{ field: string; rule: string; value?: unknown; message: string }>;
  readonly details?: Record<string, unknown>;
}

/** Maps our errors to HTTP: 400 bad input, 404, 409/422 broken rule, 412 stale version, 503. */
@Catch()
export class HttpErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(error);
    if (body.statusCode >= 500) this.logger.error((error as Error)?.stack ?? String(error));
    res.status(body.statusCode).json(body);
  }

  toBody(error: unknown): ProblemBody {
    if (error instanceof ReplayedError) return error.body;
    if (error instanceof InputError) {
      return { statusCode: 400, error: 'Bad Request', message: error.message, violations: [{ field: error.field, rule: error.rule, value: error.value, message: error.message }] };
    }
    if (error instanceof DomainRuleError) {
      return { statusCode: error.status, error: error.status === 409 ? 'Conflict' : 'Unprocessable Entity', code: error.code, message: error.message, details: error.details };
    }
    if (error instanceof ConcurrencyError) {
      return {
        statusCode: 412,
        error: 'Precondition Failed',
        code: 'version_conflict',
        message: `Ärendet har ändrats sedan du läste det (version ${error.actual}, du angav ${String(error.expected)}). Läs om ärendet och försök igen.`,
        details: { currentVersion: error.actual, expectedVersion: error.expected },
      };
    }
    if (error instanceof IdempotencyConflictError) {
      return { statusCode: 422, error: 'Unprocessable Entity', code: 'event_ids_reused', message: error.message };
    }
    if (error instanceof NotFoundError) return { statusCode: 404, error: 'Not Found', message: error.message };
    if (error instanceof ChainBrokenError) {
      const broken = error.verification.firstBroken;
      return {
        statusCode: 503,
        error: 'Service Unavailable',
        code: 'chain_broken',
        message: `Ärendets händelselogg kan inte styrkas: hashkedjan är bruten vid version ${broken?.version ?? '?'}. Ärendet är spärrat för läsning och ändringar tills loggen har återställts från en säkerhetskopia. Kontakta systemförvaltningen.`,
        details: { stream: error.verification.stream, version: broken?.version ?? null, reason: broken?.reason ?? null },
      };
    }
    if (error instanceof StoreDamagedError || isSqliteDamage(error)) {
      return {
        statusCode: 503,
        error: 'Service Unavailable',
        code: 'store_damaged',
        message: 'Databasfilen är skadad. Tjänsten lämnar inte ut och sparar inga uppgifter förrän den har återställts från en säkerhetskopia. Kontakta systemförvaltningen.',
        details: { problem: (error as Error).message },
      };
    }
    if (error instanceof StoreUnavailableError) return { statusCode: 503, error: 'Service Unavailable', message: error.message };
    const bodyProblem = bodyParserProblem(error instanceof HttpException ? error.cause : error);
    if (bodyProblem) return bodyProblem;
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const r = error.getResponse();
      if (typeof r === 'object' && r !== null) return { statusCode: status, error: error.name, message: error.message, ...(r as object) } as ProblemBody;
      return { statusCode: status, error: error.name, message: String(r) };
    }
    return { statusCode: 500, error: 'Internal Server Error', message: 'Ett oväntat fel inträffade. Inget har sparats om svaret inte bekräftade det.' };
  }
}

/** better-sqlite3's error for broken pages or a file that is not a database (any SQLite file: store, read DB, access log). */
function isSqliteDamage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}
