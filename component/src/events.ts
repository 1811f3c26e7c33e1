// The element's public event types: what `addEventListener` on a <gs-scene> hands the listener, and the
// `code` of its `error` event. Types only (nothing runs at import).
import type { GszErrorCode } from '../../shared/format/gsz-error.ts';
import type { CameraPose } from './orbit-camera.ts';
import type { SplatBudget } from './render/splat-budget.ts';
import type { Progress } from './stream/worker-protocol.ts';

/** `error` event codes: the element's own, and the .gsz decoder's (`GszErrorCode`). */
export type GsSceneErrorCode =
  | 'webgpu-unavailable' // no WebGPU, no adapter, or the device request failed: the fallback content shows
  | 'device-lost' // the GPU device was lost again after one recovery
  | 'gpu-error' // an uncaptured WebGPU validation or internal error (every element on the shared device)
  | 'gpu-out-of-memory' // an uncaptured WebGPU out-of-memory error
  | 'not-found' // HTTP 404 for `src`
  | 'http-error' // any other non-2xx response
  | 'network-error' // fetch or the body failed (refused, cut, redirect loop) or stalled for stall-timeout
  | 'worker-error' // the decode Worker could not start or crashed
  | 'decode-error' // an unexpected failure while decoding
  | 'aborted' // disconnected while waiting for the GPU
  | 'limit' // the GPU (or an allocation) cannot hold the scene, or no more of it: what loaded stays drawn
  | 'internal-error' // any other unexpected exception (the message says what)
  | GszErrorCode;

export type GsSceneProgressDetail = Progress;
export interface GsSceneErrorDetail {
  code: GsSceneErrorCode;
  message: string;
}
export interface GsSceneFirstFrameDetail {
  /** Gaussians loaded when the first frame was drawn. */
  splatsLoaded: number;
  /** Gaussians drawn in it (the first, most important ones). */
  splatsDrawn: number;
}
export interface GsSceneLoadDetail {
  /** Gaussians loaded and drawn. */
  splatCount: number;
}
export type GsSceneCameraDetail = CameraPose;
/** {splatsTotal, splatsKept, reason, message, bytesPerSplat}: see render/splat-budget.ts. */
export type GsSceneBudgetDetail = SplatBudget;

export type GsSceneProgressEvent = CustomEvent<GsSceneProgressDetail>;
export type GsSceneErrorEvent = CustomEvent<GsSceneErrorDetail>;
export type GsSceneFirstFrameEvent = CustomEvent<GsSceneFirstFrameDetail>;
export type GsSceneLoadEvent = CustomEvent<GsSceneLoadDetail>;
export type GsSceneCameraChangeEvent = CustomEvent<GsSceneCameraDetail>;
export type GsSceneBudgetEvent = CustomEvent<GsSceneBudgetDetail>;

/** The element's own events (they replace the DOM's `error`, `progress` and `load` types on it). */
export interface GsSceneEvents {
  progress: GsSceneProgressEvent;
  'first-frame': GsSceneFirstFrameEvent;
  load: GsSceneLoadEvent;
  error: GsSceneErrorEvent;
  'camera-change': GsSceneCameraChangeEvent;
  budget: GsSceneBudgetEvent;
}

/** Every event a <gs-scene> dispatches or receives, for typed `addEventListener`. */
export type GsSceneEventMap = Omit<HTMLElementEventMap, keyof GsSceneEvents> & GsSceneEvents;
