// Per-iteration random backgrounds for training on opaque photos: a render over a background that
// changes every iteration only matches the (background-free) photo where the Gaussians themselves are
// opaque, so the trained scene does not lean on one training colour and shows the same on any page.
import { mulberry32 } from '../../shared/math/random.ts';

/** The background of iteration `iteration` (uniform RGB in [0, 1]), reproducible from the seed. */
export function iterationBackground(seed: number, iteration: number): [number, number, number] {
  const random = mulberry32((Math.imul(seed, 0x9e3779b1) ^ Math.imul(iteration + 1, 0x85ebca6b)) >>> 0);
  return [random(), random(), random()];
}
