// Tiny synthetic scenes for the trainer's and the compress command's tests.
import { createScene, logit, SH_C0, type GaussianScene } from '../../../shared/scene/gaussian-scene.ts';
import { mulberry32 } from '../../select/sampling.ts';

/** `count` opaque coloured blobs in the unit ball (the "ground truth" the views are rendered from). */
export function blobScene(count: number, seed: number): GaussianScene {
  const r = mulberry32(seed);
  const s = createScene(count, 0);
  for (let i = 0; i < count; i++) {
    for (let a = 0; a < 3; a++) {
      s.positions[i * 3 + a] = (r() * 2 - 1) * 0.7;
      s.logScales[i * 3 + a] = Math.log(0.08 + 0.1 * r());
      s.shDC[i * 3 + a] = (r() - 0.5) / SH_C0;
    }
    s.rotations.set([1, r() - 0.5, r() - 0.5, r() - 0.5], i * 4);
    s.opacityLogits[i] = logit(0.85);
  }
  return s;
}
