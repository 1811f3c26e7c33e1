// Runs compressor/demo-scene/render-worker.ts on a worker thread for a list of views and hands each PNG
// back as it arrives; `done` settles when the worker has sent them all (or failed).
import { Worker } from 'node:worker_threads';
import type { DemoViewPlan } from './dataset.ts';

export interface RenderJob {
  plan: DemoViewPlan;
  /** View indices this worker renders. */
  indices: number[];
}

/** A rendered view (worker -> caller). */
export interface RenderedView {
  index: number;
  png: Uint8Array;
}

export function runRenderWorker(
  url: URL,
  job: RenderJob,
  onView: (index: number, png: Uint8Array) => void,
): { worker: Worker; done: Promise<void> } {
  // The worker inherits this process's --import hooks (TypeScript through tsx).
  const worker = new Worker(url, { workerData: job });
  const done = new Promise<void>((resolve, fail) => {
    let received = 0;
    worker.on('message', (view: RenderedView) => {
      onView(view.index, view.png);
      received++;
    });
    worker.on('error', fail);
    worker.on('exit', (code) =>
      received === job.indices.length
        ? resolve()
        : fail(
            new Error(
              `demo render worker exited (code ${code}) after ${received}/${job.indices.length} views`,
            ),
          ),
    );
  });
  return { worker, done };
}
