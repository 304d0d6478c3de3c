import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { DEV_ISSUER } from '../src/config/config.js';
import { signDevTokenSync } from '../src/security/dev-token.js';
import { freePort } from '../test/support/service-process.js';

export interface HttpResult {
  readonly reqPerSec: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly p99Ms: number;
  readonly statusCodes: Record<string, number>;
}

export interface Service {
  readonly url: string;
  token(claims: { sub: string; role: string; unit?: string }): string;
  stop(): Promise<void>;
}

/**
 * The real service as a child process (the same entry point as `npm run start:dev`), on a free
 * port, with development tokens signed by a secret made for this run.
 */
export async function startService(env: { sqlitePath: string; readModelPath: string; accessLogPath: string }): Promise<Service> {
  const port = await freePort();
  const secret = randomBytes(32).toString('base64url');
  // BENCH_SERVICE_PROFILE=<dir>: the service writes a CPU profile there when it stops (node --cpu-prof).
  const profile = process.env.BENCH_SERVICE_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVICE_PROFILE}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, '--import', './scripts/register-ts.mjs', 'src/main.ts'], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      PORT: String(port),
      SQLITE_PATH: env.sqlitePath,
      READ_MODEL_PATH: env.readModelPath,
      ACCESS_LOG_PATH: env.accessLogPath,
      AUTH_MODE: 'dev',
      AUTH_DEV_SECRET: secret,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the service did not answer /health within 180 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    token: (claims) => signDevTokenSync({ ...claims, iss: DEV_ISSUER, aud: 'bistand', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600 }, secret),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** autocannon against one route on 127.0.0.1: requests per second over the whole run. */
export async function cannon(options: { url: string; method?: 'GET' | 'POST'; headers: Record<string, string>; body?: string; connections: number; seconds: number }): Promise<HttpResult> {
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    headers: options.headers,
    ...(options.body !== undefined ? { body: options.body } : {}),
    connections: options.connections,
    duration: options.seconds,
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, n] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = (n as { count: number }).count;
  return {
    reqPerSec: result.requests.total / result.duration,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    p99Ms: result.latency.p99,
    statusCodes,
  };
}
