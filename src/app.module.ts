import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { EventStoreModule } from './event-store/event-store.module.js';
import { HealthModule } from './health/health.module.js';
import { ReadModelsModule } from './read-models/read-models.module.js';
import { HttpErrorsFilter } from './platform/http-errors.filter.js';
import { IdempotencyInterceptor } from './platform/idempotency.interceptor.js';
import { CAPABILITY_MODULES } from './capabilities.js';
import { SecurityModule } from './security/security.module.js';
import { CLOCK, systemClock, type Clock } from './shared/clock.js';
import { KOMMUN } from './shared/kommun.js';

@Global()
@Module({})
class ConfigHolderModule {
  static of(config: AppConfig, clock: Clock): DynamicModule {
    return {
      module: ConfigHolderModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
        { provide: KOMMUN, useValue: config.kommun },
      ],
      exports: [APP_CONFIG, CLOCK, KOMMUN],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, clock: Clock = systemClock): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigHolderModule.of(config, clock), CqrsModule.forRoot(), EventStoreModule, HealthModule, ReadModelsModule, SecurityModule, ...CAPABILITY_MODULES],
      providers: [
        { provide: APP_FILTER, useClass: HttpErrorsFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
