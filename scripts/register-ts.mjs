// Runs the TypeScript sources directly (CLI, bench, process tests) with the same swc settings as
// jest: decorator metadata kept, so NestJS dependency injection works without a build step.
import { register } from 'node:module';

register('./ts-loader.mjs', import.meta.url);
