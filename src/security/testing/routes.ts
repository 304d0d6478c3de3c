import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';

export interface AppRoute {
  readonly method: string;
  /** As registered, e.g. `/cases/:caseId/timeline`. */
  readonly path: string;
}

const paths = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [typeof value === 'string' ? value : '/']);
const join = (...parts: string[]) => `/${parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p !== '').join('/')}`;

/** One handler of one controller, with the route it serves. */
export interface HandlerRoute extends AppRoute {
  readonly controller: new (...args: never[]) => unknown;
  readonly handler: string;
}

/** Every handler of every Nest controller in the app, found from the app itself. */
export function handlerRoutes(app: INestApplication): HandlerRoute[] {
  const routes = new Map<string, HandlerRoute>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const base = paths(Reflect.getMetadata(PATH_METADATA, controller));
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        for (const b of base) {
          for (const p of paths(Reflect.getMetadata(PATH_METADATA, handler))) {
            const route = { method: RequestMethod[method], path: join(b, p), controller, handler: name };
            routes.set(`${route.method} ${route.path}`, route);
          }
        }
      }
    }
  }
  return [...routes.values()].sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

/** Every route of every Nest controller in the app: what the access guard stands in front of. */
export function controllerRoutes(app: INestApplication): AppRoute[] {
  return handlerRoutes(app).map(({ method, path }) => ({ method, path }));
}

/** Every route express knows, Nest's and any added to express directly (Swagger's). */
export function expressRoutes(app: INestApplication): AppRoute[] {
  const router = (app.getHttpAdapter().getInstance() as { router: { stack: Array<{ route?: { path: unknown; methods: Record<string, boolean> } }> } }).router;
  return router.stack.flatMap((layer) =>
    layer.route && typeof layer.route.path === 'string'
      ? Object.keys(layer.route.methods)
          .filter((m) => m !== '_all')
          .map((m) => ({ method: m.toUpperCase(), path: layer.route!.path as string }))
      : [],
  );
}
