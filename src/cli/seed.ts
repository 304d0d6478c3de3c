import { parseArgs } from 'node:util';
import type { AppConfig } from '../config/config.js';
import { generateKommun } from '../demo/kommun-generator.js';
import { createEventStore } from '../event-store/event-store.module.js';
import { registerUpcasters } from '../event-store/upcaster-registrations.js';
import { UpcasterRegistry } from '../event-store/upcasters.js';
import { stockholmDay } from '../shared/clock.js';
import { isLocalDate } from '../shared/dates.js';

const USAGE = 'usage: npm run cli -- seed --households N [--today YYYY-MM-DD] [--seed S] [--force]';

/**
 * `seed --households N`: a demo kommun in the configured store (SQLITE_PATH), told through the real
 * deciders, ending today (Stockholm) unless --today says otherwise. Refuses a store that already
 * holds events unless --force: another --seed adds other cases; the same seed writes nothing twice
 * (event ids are derived from the seed, so the store answers the appends as duplicates).
 */
export async function run(args: string[], config: AppConfig): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { households: { type: 'string' }, today: { type: 'string' }, seed: { type: 'string' }, force: { type: 'boolean' } },
      strict: true,
    }));
  } catch (error) {
    console.error(`seed: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const households = Number(values.households);
  if (!values.households || !Number.isSafeInteger(households) || households < 1 || households > 1_000_000) {
    console.error(`seed: --households must be a whole number 1–1000000, got ${JSON.stringify(values.households ?? null)}\n${USAGE}`);
    return 2;
  }
  const today = values.today ?? stockholmDay(new Date());
  if (!isLocalDate(today)) {
    console.error(`seed: --today must be a date YYYY-MM-DD, got ${JSON.stringify(today)}`);
    return 2;
  }
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isSafeInteger(seed)) {
    console.error(`seed: --seed must be a whole number, got ${JSON.stringify(values.seed)}`);
    return 2;
  }
  const store = await createEventStore(config, registerUpcasters(new UpcasterRegistry()));
  try {
    const existing = await store.lastPosition();
    if (existing > 0 && !values.force) {
      console.error(`seed: ${config.eventStore === 'sqlite' ? config.sqlitePath : 'the store'} already holds ${existing} events; use another SQLITE_PATH, or --force to add the demo kommun to it`);
      return 1;
    }
    const where = config.eventStore === 'sqlite' ? config.sqlitePath : config.kurrentdbUrl;
    console.log(`seed: ${households} households ending ${today} (seed ${seed}) into ${where}`);
    const tty = process.stderr.isTTY;
    let lastDraw = 0;
    const summary = await generateKommun(store, { households, today, seed, workers: 1 }, (p) => {
      const now = Date.now();
      if (now - lastDraw < 250 && p.households < p.of) return;
      lastDraw = now;
      const line = `  ${p.households}/${p.of} households, ${p.events} events, ${Math.round(p.events / Math.max(p.seconds, 1e-9))} events/s`;
      process.stderr.write(tty ? `\r${line}` : `${line}\n`);
    });
    if (tty) process.stderr.write('\n');
    const counts = Object.entries(summary.scenarios)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
    console.log(`seed: ${summary.households} households, ${summary.events} events in ${summary.seconds.toFixed(1)} s (${summary.eventsPerSec} events/s, ${summary.appends} appends in ${summary.transactions ?? '?'} transactions)`);
    console.log(`seed: units ${summary.units.join(', ')}`);
    console.log(`seed: ${summary.month} is paid ${summary.paymentDate} (window opened ${summary.windowOpens}, decision cut-off ${summary.cutoff}); where the households stand: ${counts}`);
    if (today > summary.cutoff) console.log(`seed: the cut-off has passed, so undecided cases show as late today (at_risk and blocked-before-decision show on days up to ${summary.cutoff})`);
    if (today < summary.windowOpens) console.log(`seed: the application window for ${summary.month} opens ${summary.windowOpens}, so no one has applied for it yet`);
    for (const h of summary.longHistory.slice(0, 3)) console.log(`seed: long history: case ${h.caseId}, ${h.months} months, ${h.events} events`);
    console.log(`seed: start the service (npm start) and open GET /payment-queue?paymentDate=${summary.paymentDate}`);
    return 0;
  } finally {
    await store.close();
  }
}
