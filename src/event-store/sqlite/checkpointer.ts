import { Worker } from 'node:worker_threads';
import { startWorkerThread } from '../../shared/worker-thread.js';

export interface CheckpointWorkerData {
  readonly path: string;
  readonly intervalMs: number;
}

export type CheckpointMessage =
  | { readonly type: 'checkpointed'; readonly pages: number; readonly walPages: number }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'stopped' };

/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the COMMIT that
 * crosses its threshold (1 000 pages by default, every few groups at 64 appends per group), on the
 * writer's thread: page copies plus an fsync of the database file while every caller waits. Here a
 * thread of its own checkpoints PASSIVE every `intervalMs`; the writer keeps a far higher
 * automatic threshold only as a backstop, should this thread fall behind or stop. Measured on the
 * 2 000-household log: ≈ 20 % more durable commands/s (docs/performance.md).
 */
export class Checkpointer {
  private worker: Worker | null;
  private checkpoints = 0;
  private pages = 0;
  private lastError: string | null = null;
  private stopped: Promise<void> | null = null;

  constructor(path: string, intervalMs = 100) {
    this.worker = startWorker({ path, intervalMs });
    // A store left open (a test, a CLI that exits) must not keep the process alive for this thread.
    this.worker.unref();
    this.worker.on('message', (m: CheckpointMessage) => {
      if (m.type === 'checkpointed') {
        this.checkpoints += 1;
        this.pages += m.pages;
      } else if (m.type === 'failed') this.lastError = m.error;
    });
    this.worker.on('error', (error) => {
      this.lastError = error.message;
      this.worker = null;
    });
  }

  stats(): { checkpoints: number; pages: number; lastError: string | null; running: boolean } {
    return { checkpoints: this.checkpoints, pages: this.pages, lastError: this.lastError, running: this.worker !== null };
  }

  /** Stops the thread and closes its connection (before the store closes its own, the last one). */
  stop(): Promise<void> {
    if (this.stopped) return this.stopped;
    const worker = this.worker;
    this.stopped = worker
      ? new Promise<void>((resolve) => {
          worker.once('exit', () => resolve());
          // Held again while it stops: an unref'd thread is no reason to wait, and a process with
          // nothing else to do would end before close() returned.
          worker.ref();
          worker.postMessage('stop');
        })
      : Promise.resolve();
    this.worker = null;
    return this.stopped;
  }
}

function startWorker(data: CheckpointWorkerData): Worker {
  return startWorkerThread(import.meta.url, 'checkpoint.worker', { workerData: data });
}
