import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import { createEventStore } from '../event-store/event-store.module.js';
import { registerUpcasters } from '../event-store/upcaster-registrations.js';
import { UpcasterRegistry } from '../event-store/upcasters.js';
import { openReadDb } from '../platform/read-db.js';
import { ALL_PROJECTIONS } from '../read-models/all-projections.js';
import { ProjectionRunner } from '../read-models/projection-runner.js';
import { progressBar } from './progress.js';
import { verifyAll } from './verify.js';

const USAGE = `usage: npm run cli -- <command>
  rebuild [projection…]        rebuild read models from the log (all when none is named)
  verify                       check every stream's hash chain (exit 1 on the first broken link)
  timeline <caseId> [--as-of <ISO timestamp>] [--html]
  seed --households N          build a demo kommun with months of history
  token --role R --sub ID [--unit U] [--ttl 8h]   a development bearer token (AUTH_MODE=dev; see docs/security.md)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'rebuild': {
      const store = await createEventStore(config, registerUpcasters(new UpcasterRegistry()));
      const db = openReadDb(config.readModelPath);
      const runner = new ProjectionRunner(store, db, ALL_PROJECTIONS);
      const started = process.hrtime.bigint();
      const bar = progressBar();
      const { events } = await runner.rebuild(rest, (p) => bar.update(p.position, p.lastPosition, p.events, started));
      bar.done();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      console.log(`rebuilt ${rest.length ? rest.join(', ') : ALL_PROJECTIONS.map((p) => p.name).join(', ') || '(no projections)'}: ${events} events in ${seconds.toFixed(2)} s (${Math.round(events / Math.max(seconds, 1e-9))} events/s)`);
      db.close();
      await store.close();
      return 0;
    }
    case 'verify': {
      const store = await createEventStore(config, registerUpcasters(new UpcasterRegistry()));
      const result = await verifyAll(store);
      await store.close();
      if (result.broken) {
        console.error(`verify: BROKEN chain in ${result.broken.stream} at version ${result.broken.firstBroken!.version} (event ${result.broken.firstBroken!.id}): ${result.broken.firstBroken!.reason}`);
        return 1;
      }
      console.log(`verify: ${result.streams} streams, ${result.events} events, every chain intact`);
      return 0;
    }
    case 'timeline':
    case 'seed':
    case 'token': {
      const mod = await import(`./${command}.js`);
      return (mod.run as (args: string[], config: ReturnType<typeof loadConfig>) => Promise<number>)(rest, config);
    }
    default:
      console.error(USAGE);
      return command ? 2 : 0;
  }
}

void parseArgs; // the subcommands parse their own flags with node:util parseArgs

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bistand cli: ${(error as Error).message ?? String(error)}`);
    process.exit(1);
  },
);
