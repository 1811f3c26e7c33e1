// worker_threads body of decodeGszParallel: claims work items (a part of a chunk) from the shared counter and
// decodes each into the shared output columns until none are left (or another thread failed); then waits for
// the next job (the workers are kept for the process). Bundled to plain JS at run time by
// gsz-parallel-decode.ts, so it must import nothing but node: builtins and shared/ code.
import { parentPort } from 'node:worker_threads';
import { GszFormatError } from '../../shared/format/gsz-decoder.ts';
import { CONTROL, type DecodeJob, type DecodeWorkerMessage, decodeItem } from './gsz-decode-protocol.ts';

const port = parentPort;
if (!port) throw new Error('gsz-decode-worker must run in a worker thread');

port.on('message', (job: DecodeJob) => {
  const { order, control } = job;
  const post = (message: DecodeWorkerMessage): void => port.postMessage(message);
  try {
    for (;;) {
      if (Atomics.load(control, CONTROL.abort) !== 0) break;
      const k = Atomics.add(control, CONTROL.next, 1);
      if (k >= order.length) break;
      const item = order[k];
      decodeItem(job, item);
      post({ job: job.id, type: 'decoded', item });
    }
    post({ job: job.id, type: 'finished' });
  } catch (e) {
    Atomics.store(control, CONTROL.abort, 1);
    post({
      job: job.id,
      type: 'error',
      code: e instanceof GszFormatError ? e.code : undefined,
      message: e instanceof Error ? e.message : String(e),
    });
  }
});
