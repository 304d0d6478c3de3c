import type { NextFunction, Request, Response } from 'express';
import type { ProblemBody } from './http-errors.filter.js';

/**
 * The request body before any guard, pipe or handler sees it. Express's JSON parser (body-parser)
 * reads it; what it refuses, and what it lets through that no command can use, is answered here
 * with a status that says what is wrong and a `violations` entry naming `body` (or the field):
 *
 *   not JSON / cut short                        400 body  json
 *   JSON but not an object (null, 42, "x", [])  400 body  object
 *   nested deeper than MAX_DEPTH                400 <top-level field>  depth
 *   a key like `__proto__`, `constructor`,
 *   `toString` anywhere (RESERVED_KEYS)         400 <its path>  whitelistValidation
 *   a number out of range (1e400 → Infinity)    400 <its path>  finite
 *   larger than the limit (2 MB)                413 body  maxSize
 *   a body that is not application/json         415 Content-Type
 *   a charset other than UTF-8, an unknown
 *   Content-Encoding, or one that cannot be
 *   decoded                                     415 / 400 Content-Encoding / Content-Type
 */

/** Deeper than any command's shape (a household member's fields are at depth 3). */
export const MAX_DEPTH = 32;

/** Marks an error raised by the body checks here or by body-parser, carrying the answer to give. */
export class BodyProblem extends Error {
  readonly status: number;
  readonly statusCode: number;
  readonly expose = true;
  constructor(readonly problem: ProblemBody) {
    super(problem.message);
    this.status = problem.statusCode;
    this.statusCode = problem.statusCode;
  }
}

const problem = (statusCode: number, field: string, rule: string, message: string, value?: unknown): ProblemBody => ({
  statusCode,
  error: statusCode === 413 ? 'Payload Too Large' : statusCode === 415 ? 'Unsupported Media Type' : 'Bad Request',
  message,
  violations: [{ field, rule, ...(value !== undefined ? { value } : {}), message }],
});

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

const WRITES = new Set(['POST', 'PUT', 'PATCH']);

/** Before parsing: a command's body is JSON, or there is none. */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (!WRITES.has(req.method) || !hasBody(req)) return next();
  const type = String(req.headers['content-type'] ?? '(none)').slice(0, 100);
  if (!req.is(['application/json', 'application/*+json'])) {
    return next(new BodyProblem(problem(415, 'Content-Type', 'json', `Content-Type must be application/json (UTF-8), got ${JSON.stringify(type)}`, type)));
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(type)?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return next(new BodyProblem(problem(415, 'Content-Type', 'charset', `Unsupported charset ${JSON.stringify(charset.slice(0, 40))}: send JSON as UTF-8`, type)));
  }
  next();
}

/** After parsing: a command's body is one JSON object, not nested beyond reason. */
export function checkParsedBody(req: Request, _res: Response, next: NextFunction): void {
  if (!WRITES.has(req.method) || !hasBody(req)) return next();
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const what = Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body;
    return next(new BodyProblem(problem(400, 'body', 'object', `The request body must be a JSON object, got ${what}`)));
  }
  const found = shapeProblem(body);
  if (found !== null) return next(new BodyProblem(problem(400, found.field, found.rule, found.message)));
  next();
}

/**
 * Keys no command has and JavaScript gives a meaning to: `__proto__`, `constructor`, `prototype`,
 * `toString`, `hasOwnProperty`… The DTO validation's "unknown field" check does not see them (the
 * transformed object has them already, through its prototype), so a body carrying one went through.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * A key no command has and JavaScript gives a meaning to (RESERVED_KEYS: refused here, since the
 * validation pipe lets them through unnoticed), a number JSON
 * cannot hold (1e400 parsed to Infinity made hashing the request a 500), or nesting beyond
 * MAX_DEPTH (named by its top-level field). Iterative: no stack to overflow, however deep the body.
 */
function shapeProblem(body: object): { field: string; rule: string; message: string } | null {
  const stack: Array<[unknown, string, number]> = [[body, '', 1]];
  while (stack.length > 0) {
    const [v, path, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_DEPTH) {
      const top = /^[^.[]+/.exec(path)?.[0] ?? 'body';
      return { field: top, rule: 'depth', message: `${top} is nested deeper than ${MAX_DEPTH} levels` };
    }
    for (const [key, child] of Object.entries(v)) {
      const field = Array.isArray(v) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (RESERVED_KEYS.has(key)) return { field, rule: 'whitelistValidation', message: `property ${field} should not exist` };
      // 1e400 parses to Infinity: no field takes it, and it has no canonical JSON to hash.
      if (typeof child === 'number' && !Number.isFinite(child)) return { field, rule: 'finite', message: `${field} is out of range: a number in JSON must be finite` };
      stack.push([child, field, depth + 1]);
    }
  }
  return null;
}

/** body-parser's errors (http-errors with a `type`), in words a client can act on; null for anything else. */
export function bodyParserProblem(error: unknown): ProblemBody | null {
  if (error instanceof BodyProblem) return error.problem;
  const e = error as { type?: unknown; status?: unknown; message?: unknown; body?: unknown; limit?: unknown; length?: unknown; charset?: unknown; encoding?: unknown } | null;
  if (!e || typeof e.status !== 'number') return null;
  const message = typeof e.message === 'string' ? e.message.slice(0, 200) : '';
  if (typeof e.type !== 'string') {
    // A body that does not decode by its Content-Encoding (zlib's error, passed on by body-parser).
    const code = (error as { code?: unknown }).code;
    if (e.status === 400 && typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR_'))) return problem(400, 'Content-Encoding', 'decode', `The request body could not be decoded by its Content-Encoding: ${message}`);
    return null;
  }
  switch (e.type) {
    case 'entity.parse.failed': {
      const text = typeof e.body === 'string' ? e.body.trimStart() : '';
      if (text !== '' && text[0] !== '{' && text[0] !== '[') return problem(400, 'body', 'object', 'The request body must be a JSON object');
      return problem(400, 'body', 'json', `The request body is not valid JSON: ${message}`);
    }
    case 'entity.too.large':
      return problem(413, 'body', 'maxSize', `The request body is ${typeof e.length === 'number' ? `${e.length} bytes` : 'too large'}; at most ${typeof e.limit === 'number' ? e.limit : 'the limit'} bytes are accepted`);
    case 'charset.unsupported':
      return problem(415, 'Content-Type', 'charset', `Unsupported charset ${JSON.stringify(String(e.charset ?? '').slice(0, 40))}: send JSON as UTF-8`);
    case 'encoding.unsupported':
      return problem(415, 'Content-Encoding', 'encoding', `Unsupported Content-Encoding ${JSON.stringify(String(e.encoding ?? '').slice(0, 40))}: send identity, gzip, deflate or br`);
    default:
      if (e.status >= 400 && e.status < 500) return problem(e.status, 'body', e.type, `The request body could not be read: ${message}`);
      return null;
  }
}
