import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from './config/config.js';
import { AppModule } from './app.module.js';
import { createLogger, PinoNestLogger } from './platform/logger.js';
import { setRequestClock } from './platform/command-context.js';
import { checkParsedBody, requireJsonBody } from './platform/request-body.js';
import { RouteParamsPipe, validationPipe } from './platform/validation.js';
import { CLOCK, type Clock } from './shared/clock.js';

export interface BuildOptions {
  readonly clock?: Clock;
  readonly logs?: boolean;
}

/** Builds the app the same way for `npm start` and for e2e tests (which pass a fixed clock). */
export async function buildApp(config: AppConfig, options: BuildOptions = {}): Promise<INestApplication> {
  const logger = createLogger(options.logs === false ? 'silent' : config.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options.clock), {
    logger: new PinoNestLogger(logger),
    // On SIGTERM, requests that arrive on kept-alive connections get 503 + Connection: close, so
    // busy clients cannot hold the server open; requests already in flight finish.
    return503OnClosing: true,
  });
  setRequestClock(app.get<Clock>(CLOCK));
  // A command's body: JSON (415 otherwise), at most 2 MB (413), one object not nested beyond reason (400).
  app.use(requireJsonBody);
  app.useBodyParser('json', { limit: '2mb' });
  app.use(checkParsedBody);
  app.useGlobalPipes(validationPipe(), new RouteParamsPipe());
  app.set('etag', false);
  const doc = new DocumentBuilder()
    .setTitle('bistand')
    .setDescription('Ekonomiskt bistånd: ärenden, ansökningar, beräkningar, beslut, aktiviteter och utbetalningar som händelser.')
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'From the identity provider (AUTH_MODE=oidc) or `npm run cli -- token` (AUTH_MODE=dev). Claims: sub, role, unit. See docs/security.md.' }, 'bearer')
    .addSecurityRequirements('bearer')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs-json' });
  return app;
}
