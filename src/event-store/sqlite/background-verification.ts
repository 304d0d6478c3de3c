import { Worker } from 'node:worker_threads';
import type { ChainVerification } from '../event-store.port.js';
import type { ScanProgress } from './chain-scan.js';
import { startWorkerThread } from '../../shared/worker-thread.js';

export interface BackgroundVerificationOptions {
  /** Run SQLite's quick_check over the whole file first (default true). */
  readonly fileCheck?: boolean;
  /** Events per read transaction of the scan. */
  readonly batchSize?: number;
  /** Run the whole verification again this often (default: only at start); 0 = never again. */
  readonly repeatEveryMs?: number;
  /** Where findings are told (the service's log). */
  readonly log?: { readonly warn: (line: string) => void; readonly error: (line: string) => void; readonly log: (line: string) => void };
}

export interface VerificationWorkerData {
  readonly path: string;
  /** Loaded into the thread's connection (zstd.ts). */
  readonly zstdExtension: string | null;
  readonly batchSize: number;
  readonly fileCheck: boolean;
}

export type VerificationMessage =
  | { kind: 'file'; problems: string[] }
  | { kind: 'started'; startedAt: string }
  | { kind: 'progress'; progress: ScanProgress }
  | { kind: 'broken'; verification: ChainVerification }
  | { kind: 'done'; progress: ScanProgress; broken: number }
  | { kind: 'failed'; error: string };

/** What the verification reports to: the store, which refuses what it cannot vouch for. */
export interface VerificationSink {
  fileCheck(state: 'checking' | 'ok'): void;
  markDamaged(problem: string): unknown;
  refuse(v: ChainVerification): void;
  chainScan(state: 'running' | 'done' | 'failed', progress?: Partial<ScanProgress> & { startedAt?: string; error?: string }): void;
}

/**
 * The whole log verified without holding up the service: a worker thread with its own read-only
 * connection runs SQLite's quick_check over the file, then one sequential pass over every chain
 * (chain-scan.ts). Findings arrive as they are made: a damaged file makes the store refuse
 * everything; a broken stream is refused from that moment; when the pass is done, every event up to
 * where it began counts as verified, so a later read only hashes what came after.
 */
export class BackgroundVerification {
  readonly firstPass: Promise<void>;
  private worker: Worker | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private passes = 0;

  constructor(
    private readonly path: string,
    private readonly sink: VerificationSink,
    private readonly options: BackgroundVerificationOptions = {},
    private readonly zstdExtension: string | null = null,
  ) {
    this.firstPass = this.run();
  }

  private run(): Promise<void> {
    this.passes += 1;
    const fileCheck = this.options.fileCheck ?? true;
    if (fileCheck) this.sink.fileCheck('checking');
    this.sink.chainScan('running');
    return new Promise<void>((resolve) => {
      let worker: Worker;
      try {
        worker = startWorker({ path: this.path, zstdExtension: this.zstdExtension, batchSize: this.options.batchSize ?? 5000, fileCheck });
      } catch (error) {
        this.sink.chainScan('failed', { error: `the verification thread could not start: ${(error as Error).message}` });
        this.options.log?.error(`background verification could not start: ${(error as Error).message}; streams are verified when read`);
        return resolve();
      }
      this.worker = worker;
      worker.unref();
      let startedAt: string | undefined;
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        this.worker = null;
        this.scheduleNext();
        resolve();
      };
      worker.on('message', (m: VerificationMessage) => {
        switch (m.kind) {
          case 'file':
            if (m.problems.length > 0) {
              const problem = `SQLite quick_check: ${m.problems.slice(0, 3).join('; ')}`;
              this.sink.markDamaged(problem);
              this.sink.chainScan('failed', { error: 'the file is damaged' });
              this.options.log?.error(`the event store file ${this.path} is damaged: ${problem}. Nothing is served until it is restored from a backup.`);
              finish();
            } else this.sink.fileCheck('ok');
            break;
          case 'started':
            startedAt = m.startedAt;
            this.sink.chainScan('running', { startedAt });
            break;
          case 'progress':
            this.sink.chainScan('running', { ...m.progress, ...(startedAt ? { startedAt } : {}) });
            break;
          case 'broken':
            this.sink.refuse(m.verification);
            this.options.log?.error(`chain BROKEN in ${m.verification.stream} at version ${m.verification.firstBroken?.version}: ${m.verification.firstBroken?.reason}; the case is refused`);
            break;
          case 'done':
            this.sink.chainScan('done', { ...m.progress, ...(startedAt ? { startedAt } : {}) });
            this.options.log?.[m.broken > 0 ? 'warn' : 'log'](`verified ${m.progress.events} events in ${m.progress.streams} streams in ${m.progress.seconds.toFixed(1)} s: ${m.broken === 0 ? 'every chain intact' : `${m.broken} stream(s) broken and refused`}`);
            finish();
            break;
          case 'failed':
            this.sink.chainScan('failed', { error: m.error });
            this.options.log?.error(`background verification failed: ${m.error}; streams are verified when read`);
            finish();
            break;
        }
      });
      worker.on('error', (error) => {
        if (!finished) this.sink.chainScan('failed', { error: error.message });
        this.options.log?.error(`background verification failed: ${error.message}; streams are verified when read`);
        finish();
      });
      worker.on('exit', () => finish());
    });
  }

  private scheduleNext(): void {
    const every = this.options.repeatEveryMs ?? 0;
    if (this.stopped || every <= 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) void this.run();
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

function startWorker(data: VerificationWorkerData): Worker {
  return startWorkerThread(import.meta.url, 'verification.worker', { workerData: data });
}
