// Decode Worker entry (bundled to one IIFE string and started from a Blob URL, see stream-controller.ts):
// fetches the .gsz itself, so compressed bytes never touch the main thread, decodes each chunk as it
// arrives and posts viewer-packed Gaussians with their buffers transferred (no copies, no
// SharedArrayBuffer). Chunks after the first are shared with helper Workers (the same source, told to
// 'serve' a port; decode-pool.ts) and still posted in chunk order. The main thread cancels by terminating
// the Workers.
import { GszFormatError } from '../../shared/format/gsz-decoder.ts';
import { DecodePool, packedTransfers, serveDecodes } from './decode-pool.ts';
import { readGszStream } from './gsz-stream.ts';
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

class HttpError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function load(request: LoadRequest): Promise<void> {
  const progress: Progress = { bytesLoaded: 0, splatsLoaded: 0 };
  const pool = new DecodePool(request.decoders);
  try {
    let response: Response;
    try {
      response = await fetch(request.url);
    } catch (e) {
      throw new HttpError('network-error', `${request.url}: ${(e as Error).message}`);
    }
    if (!response.ok) {
      throw new HttpError(
        response.status === 404 ? 'not-found' : 'http-error',
        `${request.url}: HTTP ${response.status} ${response.statusText}`.trim(),
      );
    }
    if (!response.body) throw new HttpError('network-error', `${request.url}: response has no body`);
    // Content-Length counts encoded bytes; with a content encoding the body we read is longer.
    const length = Number(response.headers.get('content-length'));
    if (!response.headers.get('content-encoding') && Number.isFinite(length) && length > 0)
      progress.bytesTotal = length;
    let lastPost = 0;
    await readGszStream(
      response.body.getReader(),
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
    const code = e instanceof GszFormatError || e instanceof HttpError ? e.code : 'decode-error';
    scope.postMessage({ type: 'error', code, message: (e as Error).message });
  } finally {
    pool.close();
  }
}
