// Streams a .gsz into the element: starts a decode Worker per load (from a Blob URL of the bundled
// worker source, so a CDN `<script type="module">` needs no second file) and helper Workers it decodes
// chunks on (decodePoolSize), forwards its messages, and cancels by terminating the Workers (on src change
// and in hostDisconnected).
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import workerSource from './gsz-worker.ts?worker-source';
import type { PackedSplats } from '../render/packed-splats.ts';
import { decodePoolSize } from './decode-pool-size.ts';
import type {
  LoadRequest,
  Progress,
  ResumeRequest,
  SceneInfo,
  ServeRequest,
  WorkerMessage,
} from './worker-protocol.ts';

export interface StreamCallbacks {
  onHeader(scene: SceneInfo, progress: Progress): void;
  onChunk(first: number, packed: PackedSplats, progress: Progress): void;
  onProgress(progress: Progress): void;
  onDone(progress: Progress): void;
  onError(code: string, message: string): void;
}

let workerUrl: string | undefined;

function startWorker(): Worker {
  // One Blob URL per page, never revoked: workers may fetch it lazily after construction.
  workerUrl ??= URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
  return new Worker(workerUrl, { name: 'gs-scene-decoder' });
}

export class StreamController implements ReactiveController {
  private worker: Worker | undefined;
  private helpers: Worker[] = [];

  constructor(
    host: ReactiveControllerHost,
    private readonly callbacks: StreamCallbacks,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.cancel();
  }

  get active(): boolean {
    return this.worker !== undefined;
  }

  /** Starts loading `url` (absolute), cancelling any load in progress. */
  load(url: string, maxSplats: number, stallTimeoutMs: number): void {
    this.cancel();
    let worker: Worker;
    try {
      worker = startWorker();
    } catch (e) {
      this.callbacks.onError('worker-error', `could not start the decode worker: ${(e as Error).message}`);
      return;
    }
    this.worker = worker;
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
      if (this.worker !== worker) return;
      const m = event.data;
      switch (m.type) {
        case 'header':
          this.callbacks.onHeader(m.scene, m.progress);
          break;
        case 'chunk':
          this.callbacks.onChunk(m.first, m.packed, m.progress);
          break;
        case 'progress':
          this.callbacks.onProgress(m.progress);
          break;
        case 'done':
          this.cancel();
          this.callbacks.onDone(m.progress);
          break;
        case 'error':
          this.cancel();
          this.callbacks.onError(m.code, m.message);
          break;
      }
    };
    const onWorkerError = (event: ErrorEvent): void => {
      if (this.worker !== worker) return;
      this.cancel();
      this.callbacks.onError('worker-error', event.message || 'decode worker failed');
    };
    worker.onerror = onWorkerError;
    const decoders: MessagePort[] = [];
    for (let i = 1; i < decodePoolSize(navigator.hardwareConcurrency); i++) {
      let helper: Worker;
      try {
        helper = startWorker();
      } catch {
        break; // fewer helpers: the loading Worker decodes what they would have
      }
      helper.onerror = onWorkerError;
      const channel = new MessageChannel();
      const serve: ServeRequest = { type: 'serve', port: channel.port2 };
      helper.postMessage(serve, [channel.port2]);
      decoders.push(channel.port1);
      this.helpers.push(helper);
    }
    const request: LoadRequest = { type: 'load', url, maxSplats, stallTimeoutMs, decoders };
    worker.postMessage(request, decoders);
  }

  /** The first frame is out: the Worker may decode the chunks after the first (see gsz-worker.ts). */
  resume(): void {
    const request: ResumeRequest = { type: 'resume' };
    this.worker?.postMessage(request);
  }

  cancel(): void {
    this.worker?.terminate();
    this.worker = undefined;
    for (const helper of this.helpers.splice(0)) helper.terminate();
  }
}
