import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type Database from 'better-sqlite3';
import type { Request, Response } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { IdempotencyKeyReusedError } from '../command-path/handle-command.js';
import { HttpErrorsFilter, type ProblemBody } from './http-errors.filter.js';
import { requestHash } from './command-context.js';
import { maybeIdentity } from './identity.js';
import { READ_DB } from './read-db.js';

interface Stored {
  request_hash: string;
  status: number;
  body: string;
}

/**
 * `Idempotency-Key` on commands: the same key with the same request returns the first answer
 * (status and body) and writes nothing; with another request → 422. Copies in flight at the same
 * time wait for the first. The cache is a convenience: the log itself also carries the key, so a
 * retry after a crash between append and caching is still answered from the events (handleCommand).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly get;
  private readonly put;
  private readonly mapper = new HttpErrorsFilter();

  constructor(@Inject(READ_DB) db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS idempotency_responses (
      key TEXT PRIMARY KEY, request_hash TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL) WITHOUT ROWID`);
    this.get = db.prepare<[string], Stored>('SELECT request_hash, status, body FROM idempotency_responses WHERE key = ?');
    this.put = db.prepare('INSERT OR IGNORE INTO idempotency_responses (key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?)');
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const key = req.header('idempotency-key');
    if (req.method !== 'POST' || !key) return next.handle();
    // Keys are per caller: another caller's key never answers for you.
    const scoped = `${maybeIdentity(req)?.sub ?? ''}\u0000${key}`;
    const hash = requestHash(req);
    return from(this.run(scoped, key, hash, res, next));
  }

  private async run(scoped: string, key: string, hash: string, res: Response, next: CallHandler): Promise<unknown> {
    for (;;) {
      const pending = this.inFlight.get(scoped);
      if (!pending) break;
      await pending.catch(() => undefined);
    }
    const stored = this.get.get(scoped);
    if (stored) {
      if (stored.request_hash !== hash) throw new IdempotencyKeyReusedError(key);
      res.status(stored.status);
      res.setHeader('Idempotent-Replayed', 'true');
      const body = JSON.parse(stored.body) as unknown;
      if (stored.status >= 400) throw new ReplayedError(stored.status, body as ProblemBody);
      return body;
    }
    const work = lastValueFrom(next.handle(), { defaultValue: undefined });
    this.inFlight.set(scoped, work);
    try {
      const body = await work;
      this.put.run(scoped, hash, res.statusCode, JSON.stringify(body ?? null), new Date().toISOString());
      return body;
    } catch (error) {
      const problem = this.mapper.toBody(error);
      // Only answers that say something about the request are remembered, never a 5xx or a 412.
      if (problem.statusCode >= 400 && problem.statusCode < 500 && problem.statusCode !== 412 && problem.statusCode !== 401) {
        this.put.run(scoped, hash, problem.statusCode, JSON.stringify(problem), new Date().toISOString());
      }
      throw error;
    } finally {
      this.inFlight.delete(scoped);
    }
  }
}

/** A remembered 4xx answer, replayed as it was. */
export class ReplayedError extends Error {
  constructor(
    readonly status: number,
    readonly body: ProblemBody,
  ) {
    super(body.message);
  }
}
