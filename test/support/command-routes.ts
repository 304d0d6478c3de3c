import { RequestMethod, type INestApplication, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer } from '@nestjs/core';

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

const paths = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [typeof value === 'string' ? value : '/']);
const join = (...parts: string[]) => `/${parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p !== '').join('/')}`;

/**
 * Every route of every Nest controller that writes (POST, PUT, PATCH, DELETE), with the DTO its
 * `@Body()` is validated against: found from the app itself, so a new command endpoint is covered
 * by the tests that walk this list without anyone adding it.
 */
export function commandRoutes(app: INestApplication): CommandRoute[] {
  const routes = new Map<string, CommandRoute>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const base = paths(Reflect.getMetadata(PATH_METADATA, controller));
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined || ![RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE].includes(method)) continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, { index: number }>;
        const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, name) ?? []) as Type[];
        const bodyArg = Object.entries(args).find(([k]) => k.startsWith(`${RouteParamtypes.BODY}:`))?.[1];
        const body = bodyArg ? (types[bodyArg.index] ?? null) : null;
        for (const b of base) {
          for (const p of paths(Reflect.getMetadata(PATH_METADATA, handler))) {
            const path = join(b, p);
            const key = `${RequestMethod[method]} ${path}`;
            routes.set(key, { method: RequestMethod[method], path, key, body, params: [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!) });
          }
        }
      }
    }
  }
  return [...routes.values()].sort((a, b) => a.key.localeCompare(b.key));
}
