import type { LiveSubscription, RecordedEvent, SubscribeOptions } from '../event-store.port.js';

/**
 * Catch-up subscription over a store that can be read synchronously by position: reads history in
 * batches, then waits for a notification (an append in this process) or a poll tick (another
 * process), and goes on from the last delivered position. Batches are delivered strictly one
 * after another; a failing handler is retried from the same position (never skipped).
 */
export class PollingSubscription implements LiveSubscription {
  readonly caughtUp: Promise<void>;
  readonly finished: Promise<void>;
  private markCaughtUp!: () => void;
  private stopped = false;
  private wake: (() => void) | null = null;
  private position: number;
  private readonly unlisten: () => void;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly read: (fromPosition: number, limit: number) => RecordedEvent[],
    listen: (notify: () => void) => () => void,
    private readonly options: SubscribeOptions,
    pollIntervalMs: number,
  ) {
    this.position = options.fromPosition ?? 0;
    this.caughtUp = new Promise((r) => (this.markCaughtUp = r));
    this.unlisten = listen(() => this.poke());
    this.timer = setInterval(() => this.poke(), pollIntervalMs);
    this.timer.unref();
    this.finished = this.loop();
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async loop(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    let failures = 0;
    while (!this.stopped) {
      let batch: RecordedEvent[];
      try {
        batch = this.read(this.position, batchSize);
      } catch (error) {
        if (this.stopped) break;
        this.options.onError?.(error);
        await this.sleep(Math.min(5000, 100 * 2 ** failures++));
        continue;
      }
      if (batch.length === 0) {
        this.markCaughtUp();
        await new Promise<void>((r) => (this.wake = r));
        continue;
      }
      try {
        await this.options.onEvents(batch);
        this.position = batch[batch.length - 1]!.globalPosition;
        failures = 0;
      } catch (error) {
        this.options.onError?.(error);
        await this.sleep(Math.min(5000, 100 * 2 ** failures++));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => {
      const t = setTimeout(r, ms);
      this.wake = () => {
        clearTimeout(t);
        r();
      };
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.unlisten();
    this.poke();
    this.markCaughtUp();
    await this.finished;
  }
}
