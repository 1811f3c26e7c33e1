// worker_threads body of decodeGszParallel: claims chunks from the shared counter and decodes each into
// the shared output columns until none are left (or another thread failed). Bundled to plain JS at run time
// by gsz-parallel-decode.ts, so it must import nothing but node: builtins and shared/ code.
import { parentPort } from 'node:worker_threads';
import { decodeGszChunkInto, GszFormatError } from '../../shared/format/gsz-decoder.ts';
import { CONTROL, type DecodeJob, type DecodeWorkerMessage } from './gsz-decode-protocol.ts';

const port = parentPort;
if (!port) throw new Error('gsz-decode-worker must run in a worker thread');
const post = (message: DecodeWorkerMessage): void => port.postMessage(message);

port.once('message', (job: DecodeJob) => {
  const { bytes, header, codebook, out, order, control } = job;
  try {
    for (;;) {
      if (Atomics.load(control, CONTROL.abort) !== 0) break;
      const k = Atomics.add(control, CONTROL.next, 1);
      if (k >= order.length) break;
      const index = order[k];
      const c = header.chunks[index];
      decodeGszChunkInto(
        header,
        index,
        bytes.subarray(c.offset, c.offset + c.length),
        codebook,
        out,
        c.firstSplat,
      );
      post({ type: 'decoded', chunk: index });
    }
    post({ type: 'finished' });
  } catch (e) {
    Atomics.store(control, CONTROL.abort, 1);
    post({
      type: 'error',
      code: e instanceof GszFormatError ? e.code : undefined,
      message: e instanceof Error ? e.message : String(e),
    });
  }
});
