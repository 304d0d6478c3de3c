import type { Request } from 'express';
import { randomUUID } from 'node:crypto';

const ids = new WeakMap<Request, string>();

/**
 * The request's correlation id: the caller's `X-Correlation-Id` when it is 1–100 visible ASCII
 * characters, else a new UUID. The same id goes on the events a command writes, on the access log
 * entry a read writes, and back to the caller in `X-Correlation-Id`.
 */
export function correlationIdOf(req: Request): string {
  let id = ids.get(req);
  if (id === undefined) {
    const given = req.header('x-correlation-id');
    id = given && /^[\x21-\x7e]{1,100}$/.test(given) ? given : randomUUID();
    ids.set(req, id);
  }
  return id;
}
