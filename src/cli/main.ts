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
  verify                       check the database file and every stream's hash chain (exit 1 naming each broken stream)
  timeline <caseId> [--as-of <ISO timestamp>] [--html]
  seed --households N [--today YYYY-MM-DD] [--seed S]   a demo kommun through the real deciders
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
      // A file that is not a database, or cut short, is refused here with one line (exit 1).
      const store = await createEventStore(config, registerUpcasters(new UpcasterRegistry()));
      const started = process.hrtime.bigint();
      const bar = progressBar();
      const result = await verifyAll(store, (p) => bar.update(p.position, p.target, p.events, started));
      bar.done();
      await store.close();
      if (result.fileProblems.length > 0) {
        console.error(`verify: DAMAGED database file ${config.sqlitePath}: ${result.fileProblems.slice(0, 3).join('; ')}`);
        return 1;
      }
      for (const b of result.allBroken.slice(0, 20)) {
        console.error(`verify: BROKEN chain in ${b.stream} at version ${b.firstBroken!.version} (event ${b.firstBroken!.id}): ${b.firstBroken!.reason}`);
      }
      if (result.allBroken.length > 20) console.error(`verify: … and ${result.allBroken.length - 20} more broken streams`);
      if (result.allBroken.length > 0) {
        console.error(`verify: ${result.allBroken.length} of ${result.streams} streams broken (${result.events} events checked in ${result.seconds.toFixed(1)} s)`);
        return 1;
      }
      console.log(`verify: ${result.streams} streams, ${result.events} events, every chain intact (${result.seconds.toFixed(1)} s)`);
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
