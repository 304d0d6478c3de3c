/**
 * The timeline of a case of an existing log, as the route reads it, in a process of its own (the
 * bench runs it as a child, so the measure sees a service-sized heap, not the bench's):
 * `node --import ./scripts/register-ts.mjs bench/timeline-log.ts <events.sqlite> [--case ID] [--runs N] [--json]`.
 * Without --case, the longest case stream. Opens the log read-write (the store's integrity checks
 * at open): run it on a copy. With --json, the last line is one JSON object (bench/main.ts reads it).
 */
import Database from 'better-sqlite3';
import { parseArgs } from 'node:util';
import { SqliteEventStore } from '../src/event-store/sqlite/sqlite-event-store.js';
import { readTimeline, renderedTimelines, type TimelineOptions } from '../src/read-models/timeline/timeline.reader.js';
import { median, summarize, timeAsync } from './stats.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string' }, case: { type: 'string' }, json: { type: 'boolean' } } });
const path = positionals[0];
if (!path) throw new Error('usage: bench/timeline-log.ts <events.sqlite> [--case ID] [--runs N] [--json]');
const runs = Number(values.runs ?? 3);
const say = values.json ? () => {} : (line: string) => console.log(line);

let caseId = values.case;
if (!caseId) {
  const probe = new Database(path, { readonly: true });
  const longest = probe.prepare<[], { stream: string }>("SELECT stream, COUNT(*) AS n FROM events WHERE stream LIKE 'case-%' GROUP BY stream ORDER BY n DESC LIMIT 1").get();
  probe.close();
  if (!longest) throw new Error(`no case stream in ${path}`);
  caseId = longest.stream.slice('case-'.length);
}
const id = caseId;

const store = new SqliteEventStore(path);
const c0 = process.hrtime.bigint();
const first = await readTimeline(store, id);
if (!first) throw new Error(`no case ${id} in ${path}`);
const coldMs = Number(process.hrtime.bigint() - c0) / 1e6;
const rendered = renderedTimelines(store);
const measure = async (label: string, n: number, options: TimelineOptions, { json = false, firstRendering = false, backToBack = false } = {}) => {
  const r = [];
  const once = async () => {
    if (firstRendering) rendered.delete(id);
    return json ? JSON.stringify(await readTimeline(store, id, options)) : readTimeline(store, id, options);
  };
  for (let i = 0; i < runs; i++) r.push(summarize(await timeAsync(n, 50, once, { backToBack })));
  const p50Ms = median(r.map((x) => x.p50Ms));
  const p99Ms = median(r.map((x) => x.p99Ms));
  say(`${label.padEnd(34)} p50 ${p50Ms.toFixed(2)} ms  p99 ${p99Ms.toFixed(2)} ms  (p99 per run: ${r.map((x) => x.p99Ms.toFixed(2)).join(', ')})`);
  return { p50Ms, p99Ms, p99PerRun: r.map((x) => x.p99Ms) };
};
say(`case-${id}: ${first.entries.length} entries; first read (hashes every link) ${coldMs.toFixed(1)} ms`);
// `timelineP99Ms`: a case not rendered before (the rendered-timeline cache emptied before each read),
// each read on a turn of the event loop of its own, as a request is (bench/stats.ts timeAsync).
const firstRendering = await measure('first rendering (timelineP99Ms)', 1000, {}, { firstRendering: true });
// The same reads one right after another in one turn: the young generation's collections (one per
// ≈ 8 reads, ≈ 1 ms each) then fall inside reads instead of between them.
const backToBack = await measure('first rendering, back to back', 1000, {}, { firstRendering: true, backToBack: true });
const withJson = await measure('first rendering + JSON', 1000, {}, { json: true, firstRendering: true });
const cached = await measure('read again, unchanged', 1000, {});
const full = await measure('verify=full (+ re-hash every link)', 200, { check: 'full_rehash' });
await store.close();
if (values.json) console.log(JSON.stringify({ caseId: id, entries: first.entries.length, coldMs, firstRendering, backToBack, withJson, cached, full }));
