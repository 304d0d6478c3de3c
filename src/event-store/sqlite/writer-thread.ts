import { Worker } from 'node:worker_threads';
import { encodeGroup, type AppendOutcome, type GroupAppend, type WireError, type WireEvent } from './group-writer.js';
import { startWorkerThread } from '../../shared/worker-thread.js';

export interface WriterWorkerData {
  readonly path: string;
  /** The zstd extension to load and the dictionary to pack with (null: rows as text); see zstd.ts. */
  readonly zstdExtension: string | null;
  readonly dictionaryId: number | null;
  /** Written by the thread after each COMMIT: [0] the last group's seq (Int32), [1] when (Float64, ms since the epoch). */
  readonly done: SharedArrayBuffer;
}

/** `group`: the appends as encodeGroup writes them. */
export type WriterRequest = { kind: 'group'; seq: number; group: string } | { kind: 'close' };

export type WriterResponse =
  | { kind: 'written'; seq: number; outcomes: Array<AppendOutcome<WireError>>; commitMs: number }
  | { kind: 'failed'; seq: number; error: WireError };

/** Milliseconds since the epoch, sub-millisecond, comparable between threads. */
export const nowMs = () => performance.timeOrigin + performance.now();

/**
 * The main thread's side of writer.worker.ts. Groups are answered in the order sent. Besides its
 * answers, the thread marks each group done in shared memory as soon as it committed, so the store
 * can see that the thread is idle while this thread is still busy (the answer waits in the event
 * loop) and hand it the next group at once. Started on the first group, so a store that only reads
 * (the CLI, tests) starts no thread. If the thread dies, the groups in it are answered as failed
 * (whether they committed is not known: a retry with the same event ids is answered as a
 * duplicate) and the next group starts a new thread.
 */
export class WriterThread {
  private worker: Worker | null = null;
  private seq = 0;
  private readonly waiting: Array<{ seq: number; done: (r: WriterResponse) => void }> = [];
  private readonly doneSeq: Int32Array;
  private readonly doneAt: Float64Array;
  private readonly shared: SharedArrayBuffer;

  constructor(
    private readonly path: string,
    private readonly zstd: { readonly extension: string | null; readonly dictionaryId: number | null },
  ) {
    this.shared = new SharedArrayBuffer(16);
    this.doneSeq = new Int32Array(this.shared, 0, 1);
    this.doneAt = new Float64Array(this.shared, 8, 1);
  }

  /** Groups sent and not answered yet. */
  get unanswered(): number {
    return this.waiting.length;
  }

  /** How long the thread has had nothing to do (ms), or -1 while it has a group. */
  idleForMs(): number {
    if (this.waiting.length === 0) return this.seq === 0 ? Infinity : nowMs() - this.doneAt[0]!;
    if (Atomics.load(this.doneSeq, 0) !== this.seq) return -1;
    return nowMs() - this.doneAt[0]!;
  }

  write(appends: ReadonlyArray<GroupAppend<WireEvent>>, done: (r: WriterResponse) => void): void {
    const seq = ++this.seq;
    let worker: Worker;
    try {
      worker = this.worker ?? this.start();
    } catch (error) {
      Atomics.store(this.doneSeq, 0, seq);
      done({ kind: 'failed', seq, error: { name: 'StoreUnavailableError', message: `the writer thread could not start: ${(error as Error).message}` } });
      return;
    }
    this.waiting.push({ seq, done });
    // Held open while a group is in it: the process does not exit before the answer.
    if (this.waiting.length === 1) worker.ref();
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
    const worker = startWorker({ path: this.path, zstdExtension: this.zstd.extension, dictionaryId: this.zstd.dictionaryId, done: this.shared });
    this.worker = worker;
    worker.on('message', (m: WriterResponse) => {
      const w = this.waiting[0];
      if (!w || w.seq !== m.seq) return;
      this.waiting.shift();
      if (this.waiting.length === 0 && this.worker === worker) worker.unref();
      w.done(m);
    });
    const lost = (why: string) => {
      if (this.worker === worker) this.worker = null;
      const lostGroups = this.waiting.splice(0);
      Atomics.store(this.doneSeq, 0, this.seq);
      for (const w of lostGroups) w.done({ kind: 'failed', seq: w.seq, error: { name: 'StoreUnavailableError', message: `the writer thread stopped (${why}); whether the group was written is not known` } });
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    return worker;
  }
}

function startWorker(data: WriterWorkerData): Worker {
  return startWorkerThread(import.meta.url, 'writer.worker', { workerData: data });
}
