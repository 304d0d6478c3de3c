import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from './config/config.js';
import { AppModule } from './app.module.js';
import { createLogger, PinoNestLogger } from './platform/logger.js';
import { setRequestClock } from './platform/command-context.js';
import { validationPipe } from './platform/validation.js';
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
  });
  setRequestClock(app.get<Clock>(CLOCK));
  app.useBodyParser('json', { limit: '2mb' });
  app.useGlobalPipes(validationPipe());
  app.set('etag', false);
  const doc = new DocumentBuilder()
    .setTitle('bistand')
    .setDescription('Ekonomiskt bistånd: ärenden, ansökningar, beräkningar, beslut, aktiviteter och utbetalningar som händelser.')
    .setVersion('0.1.0')
    .addGlobalParameters(
      { name: 'X-Actor-Id', in: 'header', required: false, description: 'Placeholder identity until bearer tokens land' },
      { name: 'X-Actor-Role', in: 'header', required: false, description: 'handlaggare | attestant | enhetschef | revisor | klient' },
    )
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs-json' });
  return app;
}
