// Worker-thread entry of renderDemoDatasetParallel (dataset.ts): renders the views it is given
// (workerData: RenderJob) and posts each PNG back as soon as it is encoded.
import { parentPort, workerData } from 'node:worker_threads';
import { renderDemoViewPng } from './dataset.ts';
import type { RenderedView, RenderJob } from './render-worker-client.ts';
import { buildDemoScene } from './scene.ts';

const job = workerData as RenderJob;
const scene = buildDemoScene(job.plan.options.seed);
for (const index of job.indices) {
  const png = renderDemoViewPng(job.plan, index, scene);
  const view: RenderedView = { index, png };
  parentPort?.postMessage(view, [png.buffer as ArrayBuffer]);
}
