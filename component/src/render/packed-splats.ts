// Gaussians in the viewer's GPU layout (splat-layout.ts), produced in the decode Worker (so the main
// thread only copies bytes into buffers) and read by preprocess.wgsl:
// - splats:  SPLAT_WORDS u32 per Gaussian (position, half-float log-scale/opacity/DC, packed rotation);
// - shRest:  shRestWords(shDegree) u32 per Gaussian (8-bit coefficients, scale in the splat record).
import { type GaussianScene, shRestCount } from '../../../shared/scene/gaussian-scene.ts';
import { packSplat, SPLAT_WORDS, shRestWords } from './splat-layout.ts';

export interface PackedSplats {
  count: number;
  /** SH degree of `shRest`. */
  shDegree: number;
  /** [count, SPLAT_WORDS] */
  splats: Uint32Array<ArrayBuffer>;
  /** [count, shRestWords(shDegree)] (empty at degree 0). */
  shRest: Uint32Array<ArrayBuffer>;
  /** [count, 3] world positions, kept on the CPU for picking and framing. */
  positions: Float32Array<ArrayBuffer>;
}

/** Packs the first `count` Gaussians of `scene` (all by default) into the viewer's layout. */
export function packSplats(scene: GaussianScene, count = scene.count): PackedSplats {
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
      i,
      splats,
      shRest,
      shWords,
    );
  }
  return { count, shDegree, splats, shRest, positions: positions.slice(0, count * 3) };
}
