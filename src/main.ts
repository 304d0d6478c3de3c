import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config.js';
import { buildApp } from './bootstrap.js';
import { createEventStore, StoreFileError } from './event-store/event-store.module.js';
import { registerUpcasters } from './event-store/upcaster-registrations.js';
import { UpcasterRegistry } from './event-store/upcasters.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`bistand: configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // The store's file before anything else: one that is not a database, is cut short, or fails the
  // cheap checks stops the start here with one line (createEventStore says which file and what).
  try {
    await (await createEventStore(config, registerUpcasters(new UpcasterRegistry()))).close();
  } catch (error) {
    if (error instanceof StoreFileError) {
      process.stderr.write(`bistand: could not start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await buildApp(config);
  app.enableShutdownHooks();
  await app.listen(config.port, '0.0.0.0');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(JSON.stringify({ level: 30, time: new Date().toISOString(), msg: `${signal}: stopping (no new requests; appends in flight finish)` }) + '\n');
    // app.close stops the HTTP server first, then runs shutdown hooks (the store flushes and closes).
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`bistand: could not start: ${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
});
