import { Worker } from 'node:worker_threads';
import type { AppendResult, EventStore, NewEvent } from '../event-store/event-store.port.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { riksnormTableFor } from '../rules/riksnorm-tables.js';
import { addMonths, firstDayOf, isLocalDate, monthOf, type LocalDate, type Month } from '../shared/dates.js';
import { generateHousehold, monthDates, SCENARIOS, type GeneratedHousehold, type Scenario, type StoryPlan, type Unit } from './household-story.js';

export { generateHousehold, SCENARIOS, type GeneratedHousehold, type Scenario, type StoryPlan } from './household-story.js';

export interface KommunOptions {
  readonly households: number;
  /** The story ends here (YYYY-MM-DD): nothing is recorded after it. */
  readonly today: LocalDate;
  readonly seed?: number;
  /** Whose payment calendar and cost ceilings apply (default 'demo'). */
  readonly kommun?: string;
  /** Benefit months of an ordinary household, the target month included (default 12). */
  readonly historyMonths?: number;
  /** One household in this many has the long history (default 1000). */
  readonly longHistoryEvery?: number;
  /** Months of the long history (default 60), as far back as the rule data reach. */
  readonly longHistoryMonths?: number;
  /** Households generated and written together (default 1000). */
  readonly chunkSize?: number;
  /** Index of the first household (default 0): a kommun can be written in several runs. */
  readonly offset?: number;
  /** Households of the whole kommun when written in several runs (sizes the units; default offset + households). */
  readonly totalHouseholds?: number;
  /**
   * Worker threads that tell the stories while the main thread writes (default 0: all in this
   * thread). Needs the TypeScript loader in the workers too, as `npm run cli` and `npm run bench` have.
   */
  readonly workers?: number;
}

export interface KommunProgress {
  readonly households: number;
  readonly of: number;
  readonly events: number;
  readonly seconds: number;
}

export interface KommunSummary {
  readonly households: number;
  readonly events: number;
  readonly appends: number;
  readonly seconds: number;
  readonly eventsPerSec: number;
  readonly today: LocalDate;
  readonly month: Month;
  readonly paymentDate: LocalDate;
  readonly cutoff: LocalDate;
  readonly windowOpens: LocalDate;
  readonly scenarios: Readonly<Record<Scenario | 'closed', number>>;
  /** Case ids of the long-history households and how many benefit months they have. */
  readonly longHistory: ReadonlyArray<{ readonly caseId: string; readonly months: number; readonly events: number }>;
  readonly units: readonly string[];
  /** Group commit, when the store is SQLite: how many transactions carried the appends. */
  readonly transactions: number | null;
}

const UNIT_NAMES = ['nord', 'syd', 'ost', 'vast', 'centrum', 'hamnen', 'skogen', 'dalen', 'berget', 'sjon', 'angen', 'bron'];

/** The kommun's fixed facts for a run: the target payment date, units and staff. */
export function planKommun(options: KommunOptions): StoryPlan {
  if (!isLocalDate(options.today)) throw new RangeError(`today must be a date YYYY-MM-DD, got ${JSON.stringify(options.today)}`);
  if (!Number.isSafeInteger(options.households) || options.households < 1) throw new RangeError(`households must be a whole number ≥ 1, got ${options.households}`);
  const kommun = options.kommun ?? 'demo';
  const today = options.today;
  let month: Month | null = null;
  for (let m = addMonths(monthOf(today), -1); m <= addMonths(monthOf(today), 3); m = addMonths(m, 1)) {
    const d = monthDates(kommun, m);
    if (d && d.paymentDate >= today) {
      month = m;
      break;
    }
  }
  if (month === null) throw new RangeError(`no payment calendar for kommun "${kommun}" around ${today}`);
  const target = monthDates(kommun, month)!;
  let earliestMonth = addMonths(month, -240);
  while (earliestMonth < month && !(monthDates(kommun, earliestMonth) && riksnormTableFor(firstDayOf(earliestMonth)))) earliestMonth = addMonths(earliestMonth, 1);

  const size = options.totalHouseholds ?? (options.offset ?? 0) + options.households;
  const unitCount = Math.max(2, Math.min(96, Math.ceil(size / 1_500)));
  const units: Unit[] = [];
  for (let u = 0; u < unitCount; u++) {
    const slug = `${UNIT_NAMES[u % UNIT_NAMES.length]}${u >= UNIT_NAMES.length ? Math.floor(u / UNIT_NAMES.length) + 1 : ''}`;
    // A caseworker carries about 40 households; every unit has three attestants and a chef.
    const perUnit = Math.max(2, Math.ceil(size / unitCount / 40));
    units.push({
      id: `enhet-${slug}`,
      caseworkers: Array.from({ length: perUnit }, (_, i) => `hl-${slug}-${i + 1}`),
      attestants: [1, 2, 3].map((i) => `att-${slug}-${i}`),
      chef: `ec-${slug}`,
    });
  }
  return {
    seed: options.seed ?? 1,
    today,
    kommun,
    month,
    paymentDate: target.paymentDate,
    cutoff: target.cutoff,
    windowOpens: target.opens,
    earliestMonth,
    historyMonths: options.historyMonths ?? 12,
    longHistoryEvery: options.longHistoryEvery ?? 1000,
    longHistoryMonths: options.longHistoryMonths ?? 60,
    units,
  };
}

interface HouseholdSource {
  request(range: { from: number; to: number }): Promise<GeneratedHousehold[]>;
  close(): Promise<void>;
}

/** Households told in this thread, or by worker threads (each range goes to the next worker in turn). */
function householdSource(plan: StoryPlan, workers: number): HouseholdSource {
  if (workers <= 0) {
    return {
      request: ({ from, to }) => {
        const out: GeneratedHousehold[] = [];
        for (let i = from; i < to; i++) out.push(generateHousehold(plan, i));
        return Promise.resolve(out);
      },
      close: async () => undefined,
    };
  }
  const pool = Array.from({ length: workers }, () => new Worker(new URL(import.meta.url.endsWith('.ts') ? './household-worker.ts' : './household-worker.js', import.meta.url), { workerData: plan }));
  const waiting = new Map<number, { resolve: (h: GeneratedHousehold[]) => void; reject: (e: unknown) => void }>();
  for (const w of pool) {
    w.on('message', (m: { from: number; households: GeneratedHousehold[] }) => {
      waiting.get(m.from)?.resolve(m.households);
      waiting.delete(m.from);
    });
    w.on('error', (e) => {
      for (const p of waiting.values()) p.reject(e);
      waiting.clear();
    });
  }
  let next = 0;
  return {
    request: (range) =>
      new Promise((resolve, reject) => {
        waiting.set(range.from, { resolve, reject });
        pool[next++ % pool.length]!.postMessage(range);
      }),
    close: async () => {
      await Promise.all(pool.map((w) => w.terminate()));
    },
  };
}

interface PendingSegment {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly expected: number;
}

/** A household's events cut at month boundaries of their story days, each with its expected version. */
function segments(h: GeneratedHousehold): Array<{ key: string; segment: PendingSegment }> {
  const out: Array<{ key: string; segment: PendingSegment }> = [];
  let start = 0;
  for (let i = 1; i <= h.events.length; i++) {
    const key = h.days[start]!.slice(0, 7);
    if (i < h.events.length && h.days[i]!.slice(0, 7) === key) continue;
    out.push({ key, segment: { stream: h.stream, events: h.events.slice(start, i), expected: start } });
    start = i;
  }
  return out;
}

/**
 * Builds a realistic kommun in the store: N households, each told through the real deciders, and
 * appended through the port. Households are made in chunks; within a chunk every household's
 * month is appended concurrently (so SQLite's group commit folds them into few transactions) and
 * month after month, so the log reads in story order within the chunk. Deterministic for a seed.
 */
export async function generateKommun(store: EventStore, options: KommunOptions, onProgress?: (p: KommunProgress) => void): Promise<KommunSummary> {
  const plan = planKommun(options);
  const chunkSize = options.chunkSize ?? 1000;
  const started = process.hrtime.bigint();
  const before = store instanceof SqliteEventStore ? store.stats().transactions : null;
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  const scenarios = Object.fromEntries([...SCENARIOS, 'closed'].map((s) => [s, 0])) as Record<Scenario | 'closed', number>;
  const longHistory: Array<{ caseId: string; months: number; events: number }> = [];
  let events = 0;
  let appends = 0;
  let pending: Promise<AppendResult[]> = Promise.resolve([]);
  const offset = options.offset ?? 0;
  const end = offset + options.households;
  const ranges: Array<{ from: number; to: number }> = [];
  for (let from = offset; from < end; from += chunkSize) ranges.push({ from, to: Math.min(end, from + chunkSize) });
  const source = householdSource(plan, options.workers ?? 0);
  const ahead = Math.max(1, (options.workers ?? 0) * 2);
  const requested: Array<Promise<GeneratedHousehold[]>> = [];
  try {
    for (let k = 0; k < ranges.length; k++) {
      for (let j = requested.length; j < Math.min(ranges.length, k + ahead + 1); j++) requested.push(source.request(ranges[j]!));
      const { to } = ranges[k]!;
      const byKey = new Map<string, PendingSegment[]>();
      for (const h of await requested[k]!) {
        scenarios[h.scenario] += 1;
        events += h.events.length;
        if (h.longHistory) longHistory.push({ caseId: h.caseId, months: h.months, events: h.events.length });
        for (const { key, segment } of segments(h)) {
          let list = byKey.get(key);
          if (!list) byKey.set(key, (list = []));
          list.push(segment);
        }
      }
      requested[k] = Promise.resolve([]);
      // The previous chunk's appends went on while this one was told; wait for them now.
      await pending;
      const calls: Array<Promise<AppendResult>> = [];
      for (const key of [...byKey.keys()].sort()) {
        for (const seg of byKey.get(key)!) {
          calls.push(store.append(seg.stream, seg.events, { expectedVersion: seg.expected === 0 ? 'no_stream' : seg.expected }));
          appends += 1;
        }
      }
      pending = Promise.all(calls);
      onProgress?.({ households: to - offset, of: options.households, events, seconds: seconds() });
    }
    await pending;
  } finally {
    await source.close();
  }
  const after = store instanceof SqliteEventStore ? store.stats().transactions : null;
  const s = seconds();
  return {
    households: options.households,
    events,
    appends,
    seconds: s,
    eventsPerSec: Math.round(events / Math.max(s, 1e-9)),
    today: plan.today,
    month: plan.month,
    paymentDate: plan.paymentDate,
    cutoff: plan.cutoff,
    windowOpens: plan.windowOpens,
    scenarios,
    longHistory,
    units: plan.units.map((u) => u.id),
    transactions: before !== null && after !== null ? after - before : null,
  };
}
