import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { openReadDb, READ_DB } from '../platform/read-db.js';
import { EVENT_STORE, type EventStore } from './event-store.port.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';
import { UpcasterRegistry } from './upcasters.js';
import { registerUpcasters } from './upcaster-registrations.js';

export const UPCASTERS = Symbol('UPCASTERS');

export async function createEventStore(config: AppConfig, upcasters: UpcasterRegistry): Promise<EventStore> {
  if (config.eventStore === 'kurrentdb') {
    const { KurrentDbEventStore } = await import('./kurrentdb/kurrentdb-event-store.js');
    return new KurrentDbEventStore(config.kurrentdbUrl!, upcasters);
  }
  const store = new SqliteEventStore(config.sqlitePath, upcasters);
  const problems = store.integrityCheck();
  if (problems.length > 0) {
    await store.close();
    throw new Error(`the event store file ${config.sqlitePath} is damaged: ${problems.slice(0, 3).join('; ')}`);
  }
  return store;
}

@Global()
@Module({
  providers: [
    { provide: UPCASTERS, useFactory: () => registerUpcasters(new UpcasterRegistry()) },
    { provide: EVENT_STORE, inject: [APP_CONFIG, UPCASTERS], useFactory: createEventStore },
    { provide: READ_DB, inject: [APP_CONFIG], useFactory: (c: AppConfig) => openReadDb(c.readModelPath) },
  ],
  exports: [EVENT_STORE, READ_DB, UPCASTERS],
})
export class EventStoreModule implements OnApplicationShutdown {
  private readonly logger = new Logger('event-store');
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly readDb: Database.Database,
  ) {}

  /** Runs after the HTTP server stopped taking requests: appends in flight finish, then close. */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    this.readDb.close();
    this.logger.log('event store closed');
  }
}
