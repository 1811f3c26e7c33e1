// The viewer's GPU layout of Gaussians, produced in the decode Worker (so the main thread only copies
// bytes into buffers) and read by preprocess.wgsl. Two flat f32 columns per splat:
// - splats:  SPLAT_FLOATS floats: position xyz, log-scale xyz, rotation wxyz, opacity logit, SH DC rgb;
// - shRest:  shRestCount(degree) * 3 floats, GaussianScene's coefficient-major RGB-interleaved order.
import type { GaussianScene } from '../../../shared/scene/gaussian-scene.ts';

export const SPLAT_FLOATS = 14;

export interface PackedSplats {
  count: number;
  /** [count, SPLAT_FLOATS] */
  splats: Float32Array;
  /** [count, shRestCount(shDegree), 3] (may be empty). */
  shRest: Float32Array;
  /** [count, 3] world positions, kept on the CPU for picking and framing. */
  positions: Float32Array;
}

/** Interleaves the first `count` Gaussians of `scene` (all by default) into the viewer's layout. */
export function packSplats(scene: GaussianScene, count = scene.count): PackedSplats {
  const splats = new Float32Array(count * SPLAT_FLOATS);
  const { positions, logScales, rotations, opacityLogits, shDC } = scene;
  for (let i = 0; i < count; i++) {
    const o = i * SPLAT_FLOATS;
    splats[o] = positions[i * 3];
    splats[o + 1] = positions[i * 3 + 1];
    splats[o + 2] = positions[i * 3 + 2];
    splats[o + 3] = logScales[i * 3];
    splats[o + 4] = logScales[i * 3 + 1];
    splats[o + 5] = logScales[i * 3 + 2];
    splats[o + 6] = rotations[i * 4];
    splats[o + 7] = rotations[i * 4 + 1];
    splats[o + 8] = rotations[i * 4 + 2];
    splats[o + 9] = rotations[i * 4 + 3];
    splats[o + 10] = opacityLogits[i];
    splats[o + 11] = shDC[i * 3];
    splats[o + 12] = shDC[i * 3 + 1];
    splats[o + 13] = shDC[i * 3 + 2];
  }
  const restPerSplat = count > 0 ? scene.shRest.length / scene.count : 0;
  return {
    count,
    splats,
    shRest: scene.shRest.slice(0, count * restPerSplat),
    positions: positions.slice(0, count * 3),
  };
}
