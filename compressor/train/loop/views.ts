// Training views: cameras, target images (uploaded to the GPU once, on first use) and the train/test
// split, from a photo dataset (modes a, b) or from teacher renders of a trained scene (mode c, teacher.ts).
import type { Camera } from '../../../shared/math/camera.ts';
import type { Dataset, Rgb } from '../../datasets/dataset.ts';
import { createStorage } from '../gpu-buffers.ts';

export interface TrainingViews {
  cameras: Camera[];
  split: { train: number[]; test: number[] };
  /** Background of the evaluation renders and of the targets' transparent pixels. */
  background: Rgb;
  /**
   * Train against a different random background each iteration (background.ts): opaque photos have no
   * transparency to learn, and a varying background keeps the scene from leaning on a fixed one.
   */
  randomBackground?: boolean;
  /** 3DGS cameras_extent: position learning rates scale with it. */
  sceneExtent: number;
  /** [H, W, 3] target on the CPU (evaluation). */
  image(index: number): Float32Array;
  /** The same target as a GPU buffer (cached). */
  target(index: number): GPUBuffer;
  /**
   * What iteration `iteration` trains on when it picks view `index` (default: the whole view and its
   * target): e.g. a random patch of it (patch-views.ts). The buffer may be reused by the next call.
   */
  sample?(index: number, iteration: number): TrainingSample;
  /** [H, W] 1 where the target shows the scene, 0 on background: held-out PSNR is over these pixels. */
  sceneMask?(index: number): Uint8Array;
  destroy(): void;
}

/** One training iteration's camera and [H, W, 3] target on the GPU. */
export interface TrainingSample {
  camera: Camera;
  target: GPUBuffer;
}

/** Views of a loaded dataset; targets are uploaded lazily and kept (W·H·12 bytes each). */
export function datasetViews(device: GPUDevice, ds: Dataset): TrainingViews {
  const cache = new Map<number, GPUBuffer>();
  return {
    cameras: ds.cameras,
    split: ds.split,
    background: ds.background,
    randomBackground: ds.images.opaque,
    sceneExtent: ds.sceneExtent,
    image: (i) => ds.images.get(i),
    target(i) {
      let b = cache.get(i);
      if (!b) {
        b = createStorage(device, ds.images.get(i), `Train.target${i}`);
        cache.set(i, b);
      }
      return b;
    },
    destroy() {
      for (const b of cache.values()) b.destroy();
      cache.clear();
    },
  };
}
