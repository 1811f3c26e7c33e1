// The job decodeGszParallel (gsz-parallel-decode.ts) shares with its worker_threads (gsz-decode-worker.ts),
// their messages, and the one work step both run. Input bytes and output columns live in
// SharedArrayBuffers: every thread writes its parts of chunks in place.
import { decodeGszChunkPart, GSZ_CHUNK_PARTS, type GszHeader } from '../../shared/format/gsz-decoder.ts';
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';

/** Slots of the shared Int32Array `control`. */
export const CONTROL = {
  /** Next position in `order` to claim (Atomics.add): each item is decoded by whoever claims it. */
  next: 0,
  /** Non-zero once any thread failed: the others stop claiming. */
  abort: 1,
} as const;

export interface DecodeJob {
  /** Tags the workers' messages: a pooled worker serves one decode call after another. */
  id: number;
  /** The whole file (SharedArrayBuffer-backed). */
  bytes: Uint8Array;
  header: GszHeader;
  codebook: Float32Array | undefined;
  /** The output scene; its columns are SharedArrayBuffer-backed. */
  out: GaussianScene;
  /**
   * Work items, chunk * GSZ_CHUNK_PARTS + part (decodeGszChunkPart), in the order they are claimed: costliest
   * first, so the last claims are short and the threads finish together.
   */
  order: Int32Array;
  control: Int32Array;
}

export type DecodeWorkerMessage =
  | { job: number; type: 'decoded'; item: number }
  | { job: number; type: 'finished' }
  | { job: number; type: 'error'; code: string | undefined; message: string };

/** Decodes work item `item` (chunk * GSZ_CHUNK_PARTS + part) of `job` into its output columns. */
export function decodeItem(job: DecodeJob, item: number): void {
  const index = Math.floor(item / GSZ_CHUNK_PARTS);
  const c = job.header.chunks[index];
  const bytes = job.bytes.subarray(c.offset, c.offset + c.length);
  decodeGszChunkPart(job.header, index, bytes, job.codebook, job.out, c.firstSplat, item % GSZ_CHUNK_PARTS);
}
