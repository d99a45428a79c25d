/**
 * Worker-thread entry: trains the one job in workerData and reports progress to the parent
 * ({ type: 'step' } messages, then { type: 'done' }). Terminating the worker is how a run is
 * cancelled; its partial directory is then removed by the parent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { trainToCache, type TrainJob } from './train-run.js';

const job = workerData as TrainJob;
const result = await trainToCache(job, (step) => parentPort!.postMessage({ type: 'step', step }));
parentPort!.postMessage({ type: 'done', result });
