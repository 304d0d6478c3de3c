/** A one-line progress bar on stderr: position of the log read so far, and events per second. */
export function progressBar(width = 30) {
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  return {
    update(position: number, last: number, events: number, startedNs: bigint): void {
      const now = Date.now();
      if (now - lastDraw < 100 && position < last) return;
      lastDraw = now;
      const share = last > 0 ? Math.min(1, position / last) : 1;
      const filled = Math.round(share * width);
      const seconds = Number(process.hrtime.bigint() - startedNs) / 1e9;
      const rate = Math.round(events / Math.max(seconds, 1e-9));
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${events} events  ${rate} events/s`;
      process.stderr.write(tty ? `\r${line}` : `${line}\n`);
    },
    done(): void {
      if (tty) process.stderr.write('\n');
    },
  };
}
