// `render()` of the Node API: one view of a scene with the compressor's GPU rasterizer, as
// `gs-compress render` draws it (default: the orbit view framing the scene's robust bounds).
import type { Camera, Vec3 } from '../../shared/math/camera.ts';
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { getGpu } from '../gpu/device.ts';
import { DEFAULT_UP, orbitCamera, robustBounds } from '../render/default-camera.ts';
import { encodePng } from '../render/png.ts';
import { rasterization } from '../render/rasterization.ts';

export interface RenderOptions {
  /** Image width in pixels (default 512); ignored when `camera` is given. */
  width?: number;
  /** Image height in pixels (default 384); ignored when `camera` is given. */
  height?: number;
  /** An explicit pinhole camera (OpenCV axes, world-to-camera `viewMatrix`); default: an orbit view. */
  camera?: Camera;
  /** Orbit view: horizontal field of view in degrees (default 60). */
  fovDegrees?: number;
  /** Orbit view: azimuth in degrees around the up axis (default 0). */
  azimuthDegrees?: number;
  /** Orbit view: the scene's up (default [0, -1, 0], INRIA/COLMAP scenes). */
  up?: Vec3;
  /** Background RGB in [0, 1] (default black). */
  background?: Vec3;
}

export interface RenderResult {
  width: number;
  height: number;
  /** [height, width, 3] float RGB in [0, 1]. */
  image: Float32Array;
  /** The same image as 8-bit PNG bytes. */
  png: Uint8Array;
}

/**
 * Renders one view of `scene` on the GPU (WebGPU through Dawn).
 * @example
 * const { png } = await render(await readScene('scene.gsz'), { width: 640, height: 480, azimuthDegrees: 90 });
 */
export async function render(scene: GaussianScene, options: RenderOptions = {}): Promise<RenderResult> {
  const camera =
    options.camera ??
    orbitCamera(robustBounds(scene.positions, scene.count), {
      width: options.width ?? 512,
      height: options.height ?? 384,
      fovDegrees: options.fovDegrees ?? 60,
      up: options.up ?? DEFAULT_UP,
      azimuthDegrees: options.azimuthDegrees ?? 0,
    });
  const gpu = await getGpu();
  const { image } = await rasterization(gpu, scene, camera, {
    background: options.background ?? [0, 0, 0],
    antialiased: scene.antialiased,
  });
  return {
    width: camera.width,
    height: camera.height,
    image,
    png: encodePng(image, camera.width, camera.height),
  };
}
