// Decode Worker entry (bundled to one IIFE string and started from a Blob URL, see stream-controller.ts):
// fetches the .gsz itself, so compressed bytes never touch the main thread, decodes each chunk as it
// arrives and posts viewer-packed Gaussians with their buffers transferred (no copies, no
// SharedArrayBuffer). Chunks after the first are shared with helper Workers (the same source, told to
// 'serve' a port; decode-pool.ts) and still posted in chunk order. The main thread cancels by terminating
// the Workers. Transfer failures and stalls are network-reader.ts's; every failure is posted as an `error`
// message with the element's code.
import { GszFormatError } from '../../../shared/format/gsz-decoder.ts';
import { DecodePool, packedTransfers, serveDecodes } from './decode-pool.ts';
import { readGszStream } from './gsz-stream.ts';
import { LoadError, NetworkReader } from './network-reader.ts';
import type { LoadRequest, MainMessage, Progress, WorkerMessage } from './worker-protocol.ts';

interface WorkerScope {
  onmessage: ((event: MessageEvent<MainMessage>) => void) | null;
  postMessage(message: WorkerMessage, transfer?: Transferable[]): void;
}
const scope = globalThis as unknown as WorkerScope;

/** Progress messages between chunks are coalesced to at most one per this many ms. */
const PROGRESS_INTERVAL_MS = 50;
/**
 * After the first chunk, the next ones wait for the element's 'resume' (its first frame is out) or this
 * long. On a small machine decoding them competes with that frame for the CPU (main thread and GPU
 * process): on 2 shared cores with SwiftShader, biker's later chunks take ~0.4 s of CPU to decode.
 */
const FIRST_FRAME_WAIT_MS = 2000;

let resume: (() => void) | undefined;
const resumed = new Promise<void>((r) => (resume = r));

scope.onmessage = (event) => {
  const m = event.data;
  if (m.type === 'load') void load(m);
  else if (m.type === 'resume') resume?.();
  else if (m.type === 'serve') serveDecodes(m.port);
};

async function load(request: LoadRequest): Promise<void> {
  const progress: Progress = { bytesLoaded: 0, splatsLoaded: 0 };
  const pool = new DecodePool(request.decoders);
  try {
    const reader = new NetworkReader(request.url, request.stallTimeoutMs);
    const response = await reader.open();
    // Content-Length counts encoded bytes; with a content encoding the body we read is longer.
    const length = Number(response.headers.get('content-length'));
    if (!response.headers.get('content-encoding') && Number.isFinite(length) && length > 0)
      progress.bytesTotal = length;
    let lastPost = -Infinity; // the first bytes are reported at once (a Worker's clock starts near 0)
    await readGszStream(
      reader,
      request.maxSplats,
      {
        header(scene) {
          progress.splatsTotal = scene.count;
          scope.postMessage({ type: 'header', scene, progress: { ...progress } });
        },
        chunk(first, packed) {
          progress.splatsLoaded = Math.max(progress.splatsLoaded, first + packed.count);
          scope.postMessage(
            { type: 'chunk', first, packed, progress: { ...progress } },
            packedTransfers(packed),
          );
          if (first === 0)
            return Promise.race([resumed, new Promise<void>((r) => setTimeout(r, FIRST_FRAME_WAIT_MS))]);
        },
        bytes(loaded) {
          progress.bytesLoaded = loaded;
          const now = performance.now();
          if (now - lastPost >= PROGRESS_INTERVAL_MS) {
            lastPost = now;
            scope.postMessage({ type: 'progress', progress: { ...progress } });
          }
        },
      },
      pool,
    );
    scope.postMessage({ type: 'done', progress: { ...progress } });
  } catch (e) {
    const code = e instanceof GszFormatError || e instanceof LoadError ? e.code : 'decode-error';
    const message = e instanceof Error ? e.message : String(e);
    scope.postMessage({
      type: 'error',
      code,
      message: e instanceof GszFormatError ? `${request.url}: ${message}` : message,
    });
  } finally {
    pool.close();
  }
}
