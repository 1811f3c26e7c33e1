// `writeScene(path, scene)`: writes a GaussianScene in the format its file extension names — .ply (INRIA
// float PLY), .spz (Niantic SPZ v4 by default, or v3), .splat (antimatter15), .glb (glTF 2.0 with
// KHR_gaussian_splatting). Every writer checks that the format can hold the scene before writing anything
// (SceneWriteError, one line naming the file) and replaces `path` atomically.
import { extname } from 'node:path';
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import type { OutputTarget } from './atomic-write.ts';
import { writeGlb } from './write-gltf.ts';
import { writePly } from './write-ply.ts';
import { writeSplat } from './write-splat.ts';
import { writeSpz, type SpzVersion } from './write-spz.ts';
import { checkWritable } from './write-checks.ts';

export type OutputFormat = 'ply' | 'spz' | 'splat' | 'glb';

export const OUTPUT_FORMATS = '.ply (INRIA float), .spz (SPZ v4 or v3), .splat (antimatter15), .glb (glTF)';

/** SPZ version written when none is asked for: 4, the version Niantic's reference library now writes. */
export const DEFAULT_SPZ_VERSION: SpzVersion = 4;

const BY_EXTENSION: Record<string, OutputFormat> = {
  '.ply': 'ply',
  '.spz': 'spz',
  '.splat': 'splat',
  '.glb': 'glb',
};

/** The format `path`'s extension names, or undefined. */
export function outputFormatOf(path: string): OutputFormat | undefined {
  return BY_EXTENSION[extname(path).toLowerCase()];
}

export interface WriteSceneOptions {
  spzVersion?: SpzVersion;
}

/** `target`: a path, or an OutputTarget from checkOutput (checked before the work that made `scene`). */
export async function writeScene(
  target: string | OutputTarget,
  scene: GaussianScene,
  options: WriteSceneOptions = {},
): Promise<void> {
  const path = typeof target === 'string' ? target : target.shown;
  const format = outputFormatOf(path);
  switch (format) {
    case 'ply':
      // float32 holds any finite value; the count is bounded by memory, not the format
      checkWritable(path, scene, { name: 'PLY', maxShDegree: 3, maxCount: Number.MAX_SAFE_INTEGER });
      return writePly(target, scene);
    case 'spz':
      return writeSpz(target, scene, options.spzVersion ?? DEFAULT_SPZ_VERSION);
    case 'splat':
      return writeSplat(target, scene);
    case 'glb':
      return writeGlb(target, scene);
    default:
      throw new RangeError(`${path}: no writer for '${extname(path)}' (writes ${OUTPUT_FORMATS})`);
  }
}
