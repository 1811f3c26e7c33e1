// Messages between the element's StreamController (main thread) and the decode Workers (gsz-worker.ts): the
// loading Worker, and helpers it hands chunks to (their own protocol: decode-pool.ts).
import type { PackedSplats } from '../render/packed-splats.ts';

type Vec3 = [number, number, number];

export interface LoadRequest {
  type: 'load';
  /** Absolute URL (resolved on the main thread against the document). */
  url: string;
  /** Stop after this many Gaussians (chunks are in importance order, so a prefix is a coarse scene). */
  maxSplats: number;
  /** Longest wait for the response or the next bytes before the load fails as stalled (Infinity: none). */
  stallTimeoutMs: number;
  /** One port per helper Worker serving decodes (decode-pool.ts); empty: this Worker decodes alone. */
  decoders: MessagePort[];
}

/** Makes a Worker a decode helper: it answers DecodePool requests on `port` (from the loading Worker). */
export interface ServeRequest {
  type: 'serve';
  port: MessagePort;
}

/** Sent once the element's first frame is out: the Worker holds back the chunks after the first until
 *  then (or a time limit), so decoding them does not compete with that frame for the CPU. */
export interface ResumeRequest {
  type: 'resume';
}

/** Messages from the main thread to the Worker. */
export type MainMessage = LoadRequest | ResumeRequest | ServeRequest;

export interface SceneInfo {
  /** Gaussians that will be loaded: min(file count, maxSplats). */
  count: number;
  shDegree: 0 | 1 | 2 | 3;
  antialiased: boolean;
  bounds: { min: Vec3; max: Vec3 };
  up: Vec3;
  /** Optional header view fields (FORMAT.md): robust extent, background (sRGB 0-1), default camera. */
  focus?: { min: Vec3; max: Vec3 };
  background?: Vec3;
  camera?: { eye: Vec3; target: Vec3; fovY: number };
}

export interface Progress {
  bytesLoaded: number;
  /** From Content-Length when the response has one (and no content encoding). */
  bytesTotal?: number;
  splatsLoaded: number;
  splatsTotal?: number;
}

export type WorkerMessage =
  | { type: 'header'; scene: SceneInfo; progress: Progress }
  | { type: 'chunk'; first: number; packed: PackedSplats; progress: Progress }
  | { type: 'progress'; progress: Progress }
  | { type: 'done'; progress: Progress }
  | { type: 'error'; code: string; message: string };
