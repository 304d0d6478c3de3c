/**
 * Generates households off the main thread (the deciders' work), so the main thread only writes:
 * used by `generateKommun({ workers })` when running under the TypeScript loader (CLI, bench).
 * Receives { from, to } ranges and answers with the households of each, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { generateHousehold, type StoryPlan } from './household-story.js';

const plan = workerData as StoryPlan;
parentPort!.on('message', (range: { from: number; to: number }) => {
  const households = [];
  for (let i = range.from; i < range.to; i++) households.push(generateHousehold(plan, i));
  parentPort!.postMessage({ from: range.from, households });
});
