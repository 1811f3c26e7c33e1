// Writes the antimatter15 `.splat` format (the layout read-splat.ts reads): 32 bytes a Gaussian, no header —
// position 3 x f32, linear scale (exp of the log-scale) 3 x f32, colour RGBA u8 (RGB = (0.5 + SH_C0 * dc)
// * 255, A = sigmoid(logit) * 255), rotation w, x, y, z u8 as q * 128 + 128 of the normalised quaternion.
// It holds SH degree 0 only and keeps the scene's axes (viewers of it expect PLY axes).
import { SH_C0, sigmoid, type GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { type OutputTarget, writeFileAtomic } from './atomic-write.ts';
import { SPLAT_BYTES } from './read-splat.ts';
import { checkWritable } from './write-checks.ts';
import { SceneWriteError } from './write-error.ts';

const byte = (x: number): number => Math.min(255, Math.max(0, Math.round(x)));
/** Largest float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

export function encodeSplat(path: string, scene: GaussianScene): Uint8Array {
  // One JS buffer holds the file: its length bounds the count (2^31 - 1 bytes is Node's safe Buffer size).
  checkWritable(path, scene, {
    name: '.splat',
    maxShDegree: 0,
    maxCount: Math.floor(0x7fffffff / SPLAT_BYTES),
  });
  const out = new Uint8Array(scene.count * SPLAT_BYTES);
  const view = new DataView(out.buffer);
  for (let i = 0; i < scene.count; i++) {
    const o = i * SPLAT_BYTES;
    for (let a = 0; a < 3; a++) {
      view.setFloat32(o + a * 4, scene.positions[i * 3 + a], true);
      const scale = Math.exp(scene.logScales[i * 3 + a]);
      if (scale > FLOAT32_MAX)
        throw new SceneWriteError(
          path,
          `Gaussian ${i}'s scale exp(${scene.logScales[i * 3 + a]}) overflows float32`,
        );
      view.setFloat32(o + 12 + a * 4, scale, true);
      out[o + 24 + a] = byte((0.5 + SH_C0 * scene.shDC[i * 3 + a]) * 255);
    }
    out[o + 27] = byte(sigmoid(scene.opacityLogits[i]) * 255);
    const q = scene.rotations.subarray(i * 4, i * 4 + 4);
    const length = Math.hypot(q[0], q[1], q[2], q[3]);
    for (let c = 0; c < 4; c++) out[o + 28 + c] = byte((q[c] / length) * 128 + 128);
  }
  return out;
}

export async function writeSplat(target: string | OutputTarget, scene: GaussianScene): Promise<void> {
  const path = typeof target === 'string' ? target : target.shown;
  const bytes = encodeSplat(path, scene);
  await writeFileAtomic(target, bytes);
}
