// Messages between decodeGszParallel (gsz-parallel-decode.ts) and its worker_threads (gsz-decode-worker.ts).
// Input bytes and output columns live in SharedArrayBuffers: every thread writes its chunks in place.
import type { GszHeader } from '../../shared/format/gsz-decoder.ts';
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';

/** Slots of the shared Int32Array `control`. */
export const CONTROL = {
  /** Next position in `order` to claim (Atomics.add): each chunk is decoded by whoever claims it. */
  next: 0,
  /** Non-zero once any thread failed: the others stop claiming. */
  abort: 1,
} as const;

export interface DecodeJob {
  /** The whole file (SharedArrayBuffer-backed). */
  bytes: Uint8Array;
  header: GszHeader;
  codebook: Float32Array | undefined;
  /** The output scene; its columns are SharedArrayBuffer-backed. */
  out: GaussianScene;
  /** Chunk indices in the order they are claimed (largest first, so the last claims are short). */
  order: Int32Array;
  control: Int32Array;
}

export type DecodeWorkerMessage =
  | { type: 'decoded'; chunk: number }
  | { type: 'finished' }
  | { type: 'error'; code: string | undefined; message: string };
