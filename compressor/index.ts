// Node API of the `gs-compress` package: what a build script or a server calls instead of spawning the
// CLI. Thin wrappers over the CLI's own parts (the same code paths, defaults and errors).
import { decodeGsz as decodeGszBytes } from '../shared/format/gsz-decoder.ts';
import type { GaussianScene } from '../shared/scene/gaussian-scene.ts';
import { readScene as readSceneFile } from './io/read-scene.ts';
import { writePly as writePlyFile } from './io/write-ply.ts';
import { encodeGsz, type GszEncodeOptions } from './pack/gsz-encoder.ts';
import { GSZ_PROFILES, type GszProfile } from './pack/profiles.ts';

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

/** Options of `pack`: a quantization profile and/or any encoder option (they override the profile). */
export interface PackOptions extends Omit<GszEncodeOptions, 'device' | 'shCodebook' | 'onProgress'> {
  /** 'default' (every attribute's error at or below SPZ's) or 'compact' (smaller, render PSNR >= 45 dB). */
  profile?: GszProfile;
}

/**
 * Quantizes and packs `scene` into `.gsz` bytes (importance-ordered chunks), as `gs-compress pack` does
 * (k-means of the SH codebook on the CPU).
 * @example await writeFile('scene.gsz', await pack(await readScene('scene.ply'), { profile: 'compact' }));
 */
export function pack(scene: GaussianScene, options: PackOptions = {}): Promise<Uint8Array> {
  const { profile = 'default', ...given } = options;
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return encodeGsz(scene, { ...GSZ_PROFILES[profile], ...defined });
}

/**
 * Decodes a whole `.gsz` file (all chunks) into a scene. Throws `GszFormatError` with a `code`
 * ('bad-magic', 'unsupported-version', 'truncated', 'corrupt', 'limit', 'missing-codebook').
 * @example const scene = decodeGsz(new Uint8Array(await readFile('scene.gsz')));
 */
export function decodeGsz(bytes: Uint8Array): GaussianScene {
  return decodeGszBytes(bytes);
}
