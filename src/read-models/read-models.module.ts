import { Global, Inject, Logger, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { unlessDamaged } from '../event-store/event-store.module.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { ProjectionStatusRegistry } from '../health/projection-status.js';
import { READ_DB } from '../platform/read-db.js';
import { ALL_PROJECTIONS } from './all-projections.js';
import { ProjectionRunner } from './projection-runner.js';

export const PROJECTION_RUNNER = Symbol('PROJECTION_RUNNER');

/** Keeps every read model live from the log, each with its own checkpoint, shown in /health. */
@Global()
@Module({
  providers: [
    {
      provide: PROJECTION_RUNNER,
      inject: [EVENT_STORE, READ_DB],
      useFactory: (store: EventStore, db: Database.Database) => {
        const logger = new Logger('projections');
        return new ProjectionRunner(store, db, ALL_PROJECTIONS, (name, e) => logger.error(`${name}: ${(e as Error).message}`));
      },
    },
  ],
  exports: [PROJECTION_RUNNER],
})
export class ReadModelsModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    private readonly health: ProjectionStatusRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const p of this.runner.list()) this.health.register({ name: p.name, checkpoint: () => this.runner.checkpoint(p.name) });
    // History is read before the app answers, so a fresh start serves caught-up read models; a store
    // found damaged meanwhile stops the start instead.
    await unlessDamaged(this.store, this.config, this.runner.start());
  }

  /** Runs before any module's onApplicationShutdown, so subscriptions stop before the store closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
