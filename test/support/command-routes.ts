import type { INestApplication, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { handlerRoutes } from '../../src/security/testing/routes.js';

export interface CommandRoute {
  readonly method: string;
  /** As registered, e.g. `/cases/:caseId/payments/:paymentId/attestations`. */
  readonly path: string;
  /** `METHOD /path`, as in the access policy. */
  readonly key: string;
  /** The DTO class of its `@Body()`, or null when it takes none. */
  readonly body: Type | null;
  /** Its route parameters, in path order. */
  readonly params: readonly string[];
}

const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Every route of every Nest controller that writes (POST, PUT, PATCH, DELETE), with the DTO its
 * `@Body()` is validated against: found from the app itself, so a new command endpoint is covered
 * by the tests that walk this list without anyone adding it.
 */
export function commandRoutes(app: INestApplication): CommandRoute[] {
  return handlerRoutes(app)
    .filter((r) => WRITES.includes(r.method))
    .map(({ method, path, controller, handler }) => {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {}) as Record<string, { index: number }>;
      const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, handler) ?? []) as Type[];
      const bodyArg = Object.entries(args).find(([k]) => k.startsWith(`${RouteParamtypes.BODY}:`))?.[1];
      const body = bodyArg ? (types[bodyArg.index] ?? null) : null;
      return { method, path, key: `${method} ${path}`, body, params: [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!) };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}
