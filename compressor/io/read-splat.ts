// Decodes the antimatter15 `.splat` format: 32 bytes a splat, no header — position 3 x f32, linear scale
// (standard deviation) 3 x f32, colour RGBA u8 (RGB = 0.5 + SH_C0 * dc, A = opacity), rotation 4 x u8
// (w, x, y, z each stored as q * 128 + 128). Degree-0 SH only. Axes are the source PLY's (no conversion).
import {
  createScene,
  OPACITY_LOGIT_LIMIT,
  SH_C0,
  type GaussianScene,
} from '../../shared/scene/gaussian-scene.ts';
import { checkGaussianCount } from './scene-limits.ts';
import { SceneReadError } from './scene-read-error.ts';

export const SPLAT_BYTES = 32;

/** Smallest linear scale we take the log of: a zero scale (degenerate splat) becomes this, not -Infinity. */
const MIN_SCALE = 1e-30;

export function decodeSplat(path: string, file: Uint8Array): GaussianScene {
  if (file.length % SPLAT_BYTES !== 0) {
    throw new SceneReadError(
      path,
      `.splat size ${file.length} is not a multiple of ${SPLAT_BYTES} bytes (truncated or not a .splat file)`,
    );
  }
  const count = file.length / SPLAT_BYTES;
  checkGaussianCount(path, count, '.splat', file.length, SPLAT_BYTES);
  const scene = createScene(count, 0);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (let i = 0; i < count; i++) {
    const o = i * SPLAT_BYTES;
    for (let a = 0; a < 3; a++) {
      const p = view.getFloat32(o + a * 4, true);
      const s = view.getFloat32(o + 12 + a * 4, true);
      if (!Number.isFinite(p) || !Number.isFinite(s) || s < 0) {
        throw new SceneReadError(
          path,
          `splat ${i} has position ${p} / scale ${s} on axis ${a} (must be finite, scale >= 0)`,
        );
      }
      scene.positions[i * 3 + a] = p;
      scene.logScales[i * 3 + a] = Math.log(Math.max(MIN_SCALE, s));
      scene.shDC[i * 3 + a] = (file[o + 24 + a] / 255 - 0.5) / SH_C0;
    }
    const alpha = file[o + 27] / 255;
    scene.opacityLogits[i] = Math.min(
      OPACITY_LOGIT_LIMIT,
      Math.max(-OPACITY_LOGIT_LIMIT, Math.log(alpha / (1 - alpha))),
    );
    for (let c = 0; c < 4; c++) scene.rotations[i * 4 + c] = (file[o + 28 + c] - 128) / 128;
  }
  return scene;
}
