// Gaussians in the viewer's GPU layout (splat-layout.ts), produced in the decode Worker (so the main
// thread only copies bytes into buffers) and read by the draw (splat.wgsl) and depth order passes:
// - splats:  SPLAT_WORDS u32 per Gaussian (position, rotation, log-scale/opacity/DC codes on `grids`);
// - shRest:  shRestWords(shDegree) u32 per Gaussian (6-bit coefficients and their scale).
import type { GszQuantization } from '../../../shared/format/gsz-decoder.ts';
import { type GaussianScene, shRestCount } from '../../../shared/scene/gaussian-scene.ts';
import {
  gridOfQuant,
  gridOfValues,
  packSplat,
  SPLAT_WORDS,
  type SplatGrids,
  shRestWords,
} from './splat-layout.ts';

export interface PackedSplats {
  count: number;
  /** SH degree of `shRest`. */
  shDegree: number;
  /** The grids of the log-scale and DC codes (the same for every chunk of a file). */
  grids: SplatGrids;
  /** [count, SPLAT_WORDS] */
  splats: Uint32Array<ArrayBuffer>;
  /** [count, shRestWords(shDegree)] (empty at degree 0). */
  shRest: Uint32Array<ArrayBuffer>;
  /** [count, 3] world positions, kept on the CPU for picking, framing and the first frames' order. */
  positions: Float32Array<ArrayBuffer>;
}

/** A file's grids: its header's quantization grids, so the file's codes pass unchanged. */
export function gridsOfFile(quant: Pick<GszQuantization, 'logScale' | 'shDC'>): SplatGrids {
  return { logScale: gridOfQuant(quant.logScale), shDC: gridOfQuant(quant.shDC) };
}

/** An in-memory scene's grids: the range of its values. */
export function gridsOfScene(scene: GaussianScene): SplatGrids {
  return {
    logScale: gridOfValues(scene.logScales.subarray(0, scene.count * 3)),
    shDC: gridOfValues(scene.shDC.subarray(0, scene.count * 3)),
  };
}

/** Packs the first `count` Gaussians of `scene` (all by default) into the viewer's layout. */
export function packSplats(
  scene: GaussianScene,
  grids: SplatGrids = gridsOfScene(scene),
  count = scene.count,
): PackedSplats {
  const shDegree = scene.shDegree;
  const shWords = shRestWords(shDegree);
  const rest = shRestCount(shDegree) * 3;
  const splats = new Uint32Array(count * SPLAT_WORDS);
  const shRest = new Uint32Array(count * shWords);
  const { positions, logScales, rotations, opacityLogits, shDC } = scene;
  for (let i = 0; i < count; i++) {
    packSplat(
      {
        position: positions.subarray(i * 3, i * 3 + 3),
        logScale: logScales.subarray(i * 3, i * 3 + 3),
        rotation: rotations.subarray(i * 4, i * 4 + 4),
        opacityLogit: opacityLogits[i]!,
        shDC: shDC.subarray(i * 3, i * 3 + 3),
        shRest: scene.shRest.subarray(i * rest, (i + 1) * rest),
      },
      grids,
      i,
      splats,
      shRest,
      shWords,
    );
  }
  return { count, shDegree, grids, splats, shRest, positions: positions.slice(0, count * 3) };
}
