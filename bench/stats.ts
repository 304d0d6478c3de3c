export interface Latencies {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Nearest-rank percentile of a list of milliseconds. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function summarize(values: readonly number[]): Latencies {
  // A loop, not Math.max(...values): a 10-second command run gives > 150 000 latencies, past the
  // engine's limit on arguments.
  let max = Number.NaN;
  for (const v of values) if (!(v <= max)) max = v;
  return { p50Ms: percentile(values, 50), p99Ms: percentile(values, 99), maxMs: max };
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Times `fn` `n` times after `warmup` untimed calls; milliseconds per call. */
export function timeCalls(n: number, warmup: number, fn: (i: number) => void): number[] {
  for (let i = 0; i < warmup; i++) fn(i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    fn(i);
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out;
}

/** A turn of the event loop: what is queued on it (I/O, timers, V8's tasks) runs first. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Times the async `fn` `n` times after `warmup` untimed calls, one at a time; milliseconds per call.
 * Each call starts on a turn of the event loop of its own, as a request to the service does, so
 * what V8 does between requests happens between calls here too: once the young generation is
 * nearly full it collects it in a task on the loop. With `backToBack`, each call starts right when
 * the previous one's promise settles, in the same turn: no task runs, and every collection falls
 * inside a call, when the allocation that finds the young generation full makes it.
 */
export async function timeAsync(n: number, warmup: number, fn: () => Promise<unknown>, { backToBack = false } = {}): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!backToBack) await nextTurn();
    const t0 = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out;
}
