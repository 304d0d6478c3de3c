/**
 * The timeline of the longest case of an existing log, as the route reads it:
 * `node --import ./scripts/register-ts.mjs bench/timeline-log.ts <events.sqlite> [--runs N]`.
 * Opens the log read-write (the store's integrity checks at open): run it on a copy.
 */
import Database from 'better-sqlite3';
import { parseArgs } from 'node:util';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { readTimeline, renderedTimelines, type TimelineOptions } from '../src/read-models/timeline/timeline.reader.js';
import { median, summarize, timeAsync } from './stats.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string' } } });
const path = positionals[0];
if (!path) throw new Error('usage: bench/timeline-log.ts <events.sqlite> [--runs N]');
const runs = Number(values.runs ?? 3);

const probe = new Database(path, { readonly: true });
const longest = probe.prepare<[], { stream: string; n: number }>("SELECT stream, COUNT(*) AS n FROM events WHERE stream LIKE 'case-%' GROUP BY stream ORDER BY n DESC LIMIT 1").get();
probe.close();
if (!longest) throw new Error(`no case stream in ${path}`);
const caseId = longest.stream.slice('case-'.length);

const store = new SqliteEventStore(path);
const c0 = process.hrtime.bigint();
const first = (await readTimeline(store, caseId))!;
const coldMs = Number(process.hrtime.bigint() - c0) / 1e6;
const rendered = renderedTimelines(store);
const measure = async (label: string, n: number, options: TimelineOptions, json = false, first = false) => {
  const r = [];
  const once = async () => {
    if (first) rendered.delete(caseId);
    return json ? JSON.stringify(await readTimeline(store, caseId, options)) : readTimeline(store, caseId, options);
  };
  for (let i = 0; i < runs; i++) r.push(summarize(await timeAsync(n, 50, once)));
  const p50 = median(r.map((x) => x.p50Ms));
  const p99 = median(r.map((x) => x.p99Ms));
  console.log(`${label.padEnd(34)} p50 ${p50.toFixed(2)} ms  p99 ${p99.toFixed(2)} ms  (p99 per run: ${r.map((x) => x.p99Ms.toFixed(2)).join(', ')})`);
};
console.log(`${longest.stream}: ${longest.n} events, ${first.entries.length} entries; first read (hashes every link) ${coldMs.toFixed(1)} ms`);
await measure('first rendering (as timelineP99Ms)', 1000, {}, false, true);
await measure('first rendering + JSON', 1000, {}, true, true);
await measure('read again, unchanged', 1000, {});
await measure('verify=full (+ re-hash every link)', 200, { check: 'full_rehash' });
await store.close();
