import { Global, Inject, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { openReadDb, READ_DB } from '../platform/read-db.js';
import { EVENT_STORE, StoreDamagedError, type EventStore } from './event-store.port.js';
import { sqliteFileProblem } from './sqlite/file-check.js';
import { isDamageError, SqliteEventStore } from './sqlite/sqlite-event-store.js';
import { UpcasterRegistry } from './upcasters.js';
import { registerUpcasters } from './upcaster-registrations.js';

export const UPCASTERS = Symbol('UPCASTERS');

/** A store the service cannot open: one line saying which file and what to do. */
export class StoreFileError extends Error {
  override readonly name = 'StoreFileError';
}

/**
 * Opens the configured store. For SQLite, the checks that cost (almost) nothing at any size run
 * first and refuse a damaged file: that it is a SQLite file not cut short (header vs size), that
 * it opens, its `streams` table with its index (`quick_check(streams)`), and its last event. The
 * whole file and every chain are checked by `verify` and by the service's background verification.
 */
export async function createEventStore(config: AppConfig, upcasters: UpcasterRegistry): Promise<EventStore> {
  if (config.eventStore === 'kurrentdb') {
    const { KurrentDbEventStore } = await import('./kurrentdb/kurrentdb-event-store.js');
    return new KurrentDbEventStore(config.kurrentdbUrl!, upcasters);
  }
  const path = config.sqlitePath;
  const refuse = (problem: string) => new StoreFileError(`the event store file ${path} is damaged: ${problem}. Restore it from a backup; \`npm run cli -- verify\` checks a file.`);
  const headerProblem = sqliteFileProblem(path);
  if (headerProblem) throw refuse(headerProblem);
  let store: SqliteEventStore;
  try {
    store = new SqliteEventStore(path, upcasters, { writer: config.sqliteWriter ?? 'inline' });
  } catch (error) {
    if (isDamageError(error)) throw refuse(`SQLite: ${error.message}`);
    throw error;
  }
  let problems: string[];
  try {
    problems = store.integrityCheck('streams');
    const last = await store.lastPosition();
    if (last > 0) store.readAllSync({ fromPosition: last - 1, limit: 1 });
  } catch (error) {
    problems = [error instanceof StoreDamagedError || isDamageError(error) ? (error as Error).message : String(error)];
  }
  if (problems.length > 0) {
    await store.close().catch(() => undefined);
    throw refuse(problems.slice(0, 3).join('; '));
  }
  return store;
}

/**
 * The service's store: opened as above, then verified in the background (the whole file, then every
 * chain; `SqliteEventStore.verifyInBackground`). `awaitStartVerification` holds the start for it.
 */
export async function openServiceStore(config: AppConfig, upcasters: UpcasterRegistry): Promise<EventStore> {
  const store = await createEventStore(config, upcasters);
  if (store instanceof SqliteEventStore) {
    const logger = new Logger('integrity');
    void store.verifyInBackground({ repeatEveryMs: config.verification.repeatEveryMs, log: { log: (l) => logger.log(l), warn: (l) => logger.warn(l), error: (l) => logger.error(l) } });
  }
  return store;
}

/**
 * The start waits for the background verification up to `VERIFY_WAIT_AT_START_MS`: a small log is
 * verified before the service listens, and a damaged file found in that time stops the start with
 * one line; a large log goes on being verified while the service answers (a stream the pass has
 * not reached yet is verified when it is read).
 */
export async function awaitStartVerification(store: EventStore, config: AppConfig, logger: Logger): Promise<void> {
  if (!(store instanceof SqliteEventStore)) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([store.verifyInBackground(), new Promise<void>((r) => (timer = setTimeout(r, config.verification.waitAtStartMs)))]);
  clearTimeout(timer);
  const report = store.integrity();
  if (report.file === 'damaged') {
    throw new StoreFileError(`the event store file ${config.sqlitePath} is damaged: ${report.fileProblem ?? 'unknown'}. Restore it from a backup; \`npm run cli -- verify\` checks a file.`);
  }
  if (report.chains.state === 'running') logger.log(`verifying the event log in the background (${report.chains.events ?? 0} events so far); /health shows how far it has come`);
}

/**
 * `work` (the projections' catch-up at start), unless the store is found damaged first (the
 * background file check goes on past the start's wait): then the start stops with one line rather
 * than waiting for a catch-up that cannot finish.
 */
export async function unlessDamaged<T>(store: EventStore, config: AppConfig, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const damaged = new Promise<never>((_, reject) => {
    const look = () => {
      const report = store.integrity();
      if (report.file === 'damaged') {
        reject(new StoreFileError(`the event store file ${config.sqlitePath} is damaged: ${report.fileProblem ?? 'unknown'}. Restore it from a backup; \`npm run cli -- verify\` checks a file.`));
      } else timer = setTimeout(look, 100);
    };
    look();
  });
  try {
    return await Promise.race([work, damaged]);
  } finally {
    clearTimeout(timer);
    damaged.catch(() => undefined);
  }
}

@Global()
@Module({
  providers: [
    { provide: UPCASTERS, useFactory: () => registerUpcasters(new UpcasterRegistry()) },
    { provide: EVENT_STORE, inject: [APP_CONFIG, UPCASTERS], useFactory: openServiceStore },
    { provide: READ_DB, inject: [APP_CONFIG], useFactory: (c: AppConfig) => openReadDb(c.readModelPath) },
  ],
  exports: [EVENT_STORE, READ_DB, UPCASTERS],
})
export class EventStoreModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('event-store');
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly readDb: Database.Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Before the service listens: a damaged file found by the start's verification stops the start. */
  async onModuleInit(): Promise<void> {
    await awaitStartVerification(this.store, this.config, this.logger);
  }

  /** Runs after the HTTP server stopped taking requests: appends in flight finish, then close. */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    this.readDb.close();
    this.logger.log('event store closed');
  }
}
