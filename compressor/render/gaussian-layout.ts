// The packed GPU layout of a scene's parameters: one f32 buffer with a section per column
// (means [N,3], log-scales [N,3], quaternions [N,4] w,x,y,z, opacity logits [N], SH DC [N,3],
// SH rest [N,K,3]), each section starting at a multiple of 64 floats (256 bytes, the storage offset
// alignment) so a trainer can bind one section alone. Gradients use the same layout, so an optimiser
// can treat parameters and gradients as flat arrays.
import { shRestCount, type ShDegree } from '../../shared/scene/gaussian-scene.ts';
import type { SceneArrays } from './types.ts';

export interface GaussianLayout {
  count: number;
  shDegree: ShDegree; // stored degree
  restCount: number; // K, coefficients per channel above band 0
  offsets: {
    means: number;
    logScales: number;
    quats: number;
    opacities: number;
    shDC: number;
    shRest: number;
  };
  /** Total floats (buffer size / 4). */
  length: number;
}

const ALIGN = 64;
const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

export function gaussianLayout(count: number, shDegree: ShDegree): GaussianLayout {
  const restCount = shRestCount(shDegree);
  const sizes = [3 * count, 3 * count, 4 * count, count, 3 * count, 3 * restCount * count];
  const starts: number[] = [];
  let at = 0;
  for (const size of sizes) {
    starts.push(at);
    at = align(at + size);
  }
  const [means, logScales, quats, opacities, shDC, shRest] = starts;
  return {
    count,
    shDegree,
    restCount,
    offsets: { means, logScales, quats, opacities, shDC, shRest },
    length: Math.max(ALIGN, at),
  };
}

/** Column views of a packed buffer (parameters or gradients). */
export interface GaussianColumns {
  positions: Float32Array;
  logScales: Float32Array;
  rotations: Float32Array;
  opacityLogits: Float32Array;
  shDC: Float32Array;
  shRest: Float32Array;
}

export function columnsOf(layout: GaussianLayout, data: Float32Array): GaussianColumns {
  const n = layout.count;
  const o = layout.offsets;
  return {
    positions: data.subarray(o.means, o.means + 3 * n),
    logScales: data.subarray(o.logScales, o.logScales + 3 * n),
    rotations: data.subarray(o.quats, o.quats + 4 * n),
    opacityLogits: data.subarray(o.opacities, o.opacities + n),
    shDC: data.subarray(o.shDC, o.shDC + 3 * n),
    shRest: data.subarray(o.shRest, o.shRest + 3 * layout.restCount * n),
  };
}

export function packGaussians(scene: SceneArrays): { layout: GaussianLayout; data: Float32Array } {
  const layout = gaussianLayout(scene.count, scene.shDegree);
  const data = new Float32Array(layout.length);
  const c = columnsOf(layout, data);
  c.positions.set(scene.positions);
  c.logScales.set(scene.logScales);
  c.rotations.set(scene.rotations);
  c.opacityLogits.set(scene.opacityLogits);
  c.shDC.set(scene.shDC);
  c.shRest.set(scene.shRest);
  return { layout, data };
}
