import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { encodeGroup, type AppendOutcome, type GroupAppend, type WireError, type WireEvent } from './group-writer.js';

export interface WriterWorkerData {
  readonly path: string;
}

/** `group`: the appends as encodeGroup writes them. */
export type WriterRequest = { kind: 'group'; seq: number; group: string } | { kind: 'close' };

export type WriterResponse =
  | { kind: 'written'; seq: number; outcomes: Array<AppendOutcome<WireError>>; commitMs: number }
  | { kind: 'failed'; seq: number; error: WireError };

/**
 * The main thread's side of writer.worker.ts: one group in the worker at a time (the store queues
 * the next one meanwhile). Started on the first group, so a store that only reads (the CLI, tests)
 * starts no thread. If the thread dies, the group in it is answered as failed (unknown whether it
 * committed: a retry with the same event ids is answered as a duplicate) and the next group starts
 * a new thread.
 */
export class WriterThread {
  private worker: Worker | null = null;
  private seq = 0;
  private waiting: { seq: number; done: (r: WriterResponse) => void } | null = null;

  constructor(private readonly path: string) {}

  get busy(): boolean {
    return this.waiting !== null;
  }

  write(appends: ReadonlyArray<GroupAppend<WireEvent>>, done: (r: WriterResponse) => void): void {
    if (this.waiting) throw new Error('the writer thread takes one group at a time');
    const seq = ++this.seq;
    let worker: Worker;
    try {
      worker = this.worker ?? this.start();
    } catch (error) {
      done({ kind: 'failed', seq, error: { name: 'StoreUnavailableError', message: `the writer thread could not start: ${(error as Error).message}` } });
      return;
    }
    this.waiting = { seq, done };
    // Held open while a group is in it: the process does not exit before the answer.
    worker.ref();
    worker.postMessage({ kind: 'group', seq, group: encodeGroup(appends) } satisfies WriterRequest);
  }

  /** After the last group was answered: the thread closes its connection and ends. */
  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (!w) return;
    w.ref();
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.postMessage({ kind: 'close' } satisfies WriterRequest);
    await exited;
  }

  private start(): Worker {
    const worker = startWorker({ path: this.path });
    this.worker = worker;
    worker.unref();
    worker.on('message', (m: WriterResponse) => {
      const w = this.waiting;
      if (!w || w.seq !== m.seq) return;
      this.waiting = null;
      if (this.worker === worker) worker.unref();
      w.done(m);
    });
    const lost = (why: string) => {
      if (this.worker === worker) this.worker = null;
      const w = this.waiting;
      if (!w) return;
      this.waiting = null;
      w.done({ kind: 'failed', seq: w.seq, error: { name: 'StoreUnavailableError', message: `the writer thread stopped (${why}); whether the last group was written is not known` } });
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    return worker;
  }
}

/** The compiled worker beside this file; from the TypeScript sources (tests, bench, CLI) through the same loader. */
function startWorker(data: WriterWorkerData): Worker {
  const js = new URL('./writer.worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js, { workerData: data });
  const ts = new URL('./writer.worker.ts', import.meta.url);
  const loader = new URL('../../../scripts/register-ts.mjs', import.meta.url);
  return new Worker(ts, { workerData: data, execArgv: ['--import', loader.href] });
}
