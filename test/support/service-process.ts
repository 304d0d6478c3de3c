import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The repository root (where `scripts/register-ts.mjs` and `src/main.ts` are). */
export const ROOT = join(import.meta.dirname, '..', '..');

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) once the process has exited. */
  readonly exited: Promise<number | null>;
}

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The real service as a child process, from the TypeScript sources through scripts/register-ts.mjs
 * (the same entry point as `npm run start:dev`). `env` is added to this process's environment.
 */
/** Every service this process started and has not seen exit: killed if this process exits first. */
const running = new Set<ChildProcess>();
let reaperInstalled = false;
function reapOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (reaperInstalled) return;
  reaperInstalled = true;
  // A test that times out or a bench that crashes must not leave services behind.
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
}

export function startService(env: Record<string, string>): ServiceProcess {
  let out = '';
  const child = spawn(process.execPath, ['--import', './scripts/register-ts.mjs', 'src/main.ts'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  reapOnExit(child);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const port = Number(env.PORT ?? 0);
  return { child, port, url: `http://127.0.0.1:${port}`, output: () => out, exited };
}

/** Waits until the service answers /health with 200; fails at once if it exits first. */
export async function waitForHealth(port: number, timeoutMs = 30_000, service?: ServiceProcess): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (service && service.child.exitCode !== null) throw new Error(`the service exited with ${service.child.exitCode} before answering /health:\n${service.output().slice(-2000)}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > until) throw new Error(`service did not answer /health in time${service ? `:\n${service.output().slice(-2000)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGKILL and wait for the exit (no cleanup of any kind runs in the child). */
export async function killHard(service: ServiceProcess): Promise<void> {
  if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
  await service.exited;
}

/** SIGTERM, then SIGKILL if it has not exited in time. */
export async function stopService(service: ServiceProcess, graceMs = 15_000): Promise<number | null> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return service.exited;
  const timer = setTimeout(() => service.child.kill('SIGKILL'), graceMs);
  service.child.kill('SIGTERM');
  const code = await service.exited;
  clearTimeout(timer);
  return code;
}
