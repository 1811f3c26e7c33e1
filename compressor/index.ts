// Node API of the `gs-compress` package: what a build script or a server calls instead of spawning the
// CLI. Thin wrappers over the CLI's own parts (the same code paths, defaults and errors).
import { decodeGsz as decodeGszBytes } from '../shared/format/gsz-decoder.ts';
import type { GaussianScene } from '../shared/scene/gaussian-scene.ts';
import { readScene as readSceneFile } from './io/read-scene.ts';
import { writePly as writePlyFile } from './io/write-ply.ts';
import { encodeGsz, type GszEncodeOptions } from './pack/gsz-encoder.ts';
import { getGpu } from './gpu/device.ts';
import { type GszProfile, profileTarget } from './pack/profiles.ts';
import { encodeToPsnr } from './pack/target-psnr.ts';

export type { Camera, Vec3 } from '../shared/math/camera.ts';
export type { GaussianScene, ShDegree } from '../shared/scene/gaussian-scene.ts';
export { GszFormatError, type GszErrorCode } from '../shared/format/gsz-decoder.ts';
export { SceneReadError } from './io/scene-read-error.ts';
export {
  compress,
  type CompressOptions,
  type CompressProgress,
  type CompressResult,
} from './api/compress.ts';
export { render, type RenderOptions, type RenderResult } from './api/render.ts';
export type { GszProfile } from './pack/profiles.ts';

/**
 * Reads a Gaussian scene: INRIA PLY (float or compressed), SPZ, SOG (file or folder), `.splat` or `.gsz`,
 * detected from the content. Throws `SceneReadError` naming the file and the problem.
 * @example const scene = await readScene('scene.ply'); console.log(scene.count, scene.shDegree);
 */
export function readScene(path: string): Promise<GaussianScene> {
  return readSceneFile(path);
}

/** Writes `scene` as an INRIA float PLY (as trainers write it). */
export function writePly(path: string, scene: GaussianScene): Promise<void> {
  return writePlyFile(path, scene);
}

/** Options of `pack`: a profile, or a render target, or explicit encoder steps. */
export interface PackOptions extends Omit<GszEncodeOptions, 'device' | 'shCodebook' | 'onProgress'> {
  /**
   * 'default': fixed steps, every attribute's error at or below SPZ's (no GPU); 'compact' / 'high': the
   * smallest file whose renders keep >= 40 / 45 dB PSNR over the scene's pixels (steps searched on this
   * scene with a GPU, as `targetPsnrDb`).
   */
  profile?: GszProfile;
  /** Search the steps for the smallest file whose renders keep this PSNR (dB); needs a GPU. */
  targetPsnrDb?: number;
  /** Progress lines of a search. */
  onProgress?: (message: string) => void;
}

/**
 * Quantizes and packs `scene` into `.gsz` bytes (importance-ordered chunks), as `gs-compress pack` does
 * (k-means of the SH codebook on the CPU). A render target (`targetPsnrDb`, or the profiles 'compact' and
 * 'high') searches the steps per scene and rejects explicit step options beside it (RangeError).
 * @example await writeFile('scene.gsz', await pack(await readScene('scene.ply'), { profile: 'compact' }));
 */
export async function pack(scene: GaussianScene, options: PackOptions = {}): Promise<Uint8Array> {
  const { profile = 'default', targetPsnrDb, onProgress, ...given } = options;
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  const target = targetPsnrDb ?? profileTarget(profile);
  if (target === undefined) return encodeGsz(scene, defined);
  const found = await encodeToPsnr(scene, {
    targetDb: target,
    gpu: await getGpu(),
    base: defined,
    onProgress,
  });
  return found.bytes;
}

/**
 * Decodes a whole `.gsz` file (all chunks) into a scene. Throws `GszFormatError` with a `code`
 * ('bad-magic', 'unsupported-version', 'truncated', 'corrupt', 'limit', 'missing-codebook').
 * @example const scene = decodeGsz(new Uint8Array(await readFile('scene.gsz')));
 */
export function decodeGsz(bytes: Uint8Array): GaussianScene {
  return decodeGszBytes(bytes);
}
