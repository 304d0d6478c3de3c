import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The TypeScript loader the CLI, the bench and the tests run under (scripts/ at the repository root). */
const LOADER = new URL('../../scripts/register-ts.mjs', import.meta.url);

/**
 * Starts the worker module `<name>.js` beside `from` (a caller's `import.meta.url`) when the code
 * runs compiled (dist/), otherwise `<name>.ts` through the same TypeScript loader as its parent
 * (tests, bench, `npm run cli`, `npm run start:dev`).
 */
export function startWorkerThread(from: string, name: string, options: WorkerOptions = {}): Worker {
  const js = new URL(`./${name}.js`, from);
  if (existsSync(fileURLToPath(js))) return new Worker(js, options);
  return new Worker(new URL(`./${name}.ts`, from), { ...options, execArgv: [...(options.execArgv ?? []), '--import', LOADER.href] });
}
