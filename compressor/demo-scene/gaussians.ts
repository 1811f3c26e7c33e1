// A ready-made "trained-looking" Gaussian scene of the demo geometry, without training: one flat disc
// per surface sample, oriented along the surface normal, coloured with the baked diffuse shading of the
// ray tracer. Deterministic for a seed; for tests, e2e fixtures and the demo's no-trainer fallback.
import type { GaussianScene, ShDegree } from '../../shared/scene/gaussian-scene.ts';
import { createScene, logit, SH_C0, shRestCount } from '../../shared/scene/gaussian-scene.ts';
import { bakedColour } from './raytrace.ts';
import { Rng } from './rng.ts';
import { buildDemoScene } from './scene.ts';
import { sampleSurfaces } from './surface-samples.ts';
import type { Vec3 } from './vec.ts';
import { cross, normalize } from './vec.ts';

export interface DemoGaussiansOptions {
  /** Number of Gaussians (default 20,000). */
  count?: number;
  seed?: number;
  /** SH degree of the scene; bands above 0 get small deterministic coefficients (default 0). */
  shDegree?: ShDegree;
  /**
   * World frame: 'z-up' (default) is the dataset's frame (+Z up, as the NeRF/Blender scenes);
   * 'y-down' rotates the scene by +90 degrees about X so +Z up becomes -Y (the INRIA/COLMAP convention,
   * which .gsz files assume when no up axis is given). SH rest coefficients are not rotated (they are
   * synthetic noise here).
   */
  frame?: 'z-up' | 'y-down';
}

/** Rotates the scene in place by +90 degrees about X: (x, y, z) -> (x, -z, y), so +Z maps to -Y. */
function rotateZUpToYDown(scene: GaussianScene): void {
  const h = Math.SQRT1_2; // quaternion of the rotation: (cos 45, sin 45, 0, 0)
  for (let i = 0; i < scene.count; i++) {
    const y = scene.positions[i * 3 + 1],
      z = scene.positions[i * 3 + 2];
    scene.positions[i * 3 + 1] = -z;
    scene.positions[i * 3 + 2] = y;
    // r (x) q with r = (h, h, 0, 0): rotates each Gaussian's axes with the world.
    const [w, x, qy, qz] = [
      scene.rotations[i * 4],
      scene.rotations[i * 4 + 1],
      scene.rotations[i * 4 + 2],
      scene.rotations[i * 4 + 3],
    ];
    scene.rotations[i * 4] = h * w - h * x;
    scene.rotations[i * 4 + 1] = h * x + h * w;
    scene.rotations[i * 4 + 2] = h * qy - h * qz;
    scene.rotations[i * 4 + 3] = h * qz + h * qy;
  }
}

const FOOTPRINT: [number, number][] = [
  [-0.5, -0.5],
  [0.5, -0.5],
  [-0.5, 0.5],
  [0.5, 0.5],
];

/** Quaternion (w, x, y, z) of the rotation whose matrix has columns a, b, c (an orthonormal right-handed basis). */
export function quaternionFromBasis(a: Vec3, b: Vec3, c: Vec3): [number, number, number, number] {
  // Matrix m[r][col]: columns are a, b, c. Shepperd's method: pick the largest diagonal term for stability.
  const m00 = a[0],
    m10 = a[1],
    m20 = a[2],
    m01 = b[0],
    m11 = b[1],
    m21 = b[2],
    m02 = c[0],
    m12 = c[1],
    m22 = c[2];
  const trace = m00 + m11 + m22;
  if (trace > 0) {
    const s = 2 * Math.sqrt(trace + 1);
    return [s / 4, (m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s];
  }
  if (m00 > m11 && m00 > m22) {
    const s = 2 * Math.sqrt(1 + m00 - m11 - m22);
    return [(m21 - m12) / s, s / 4, (m01 + m10) / s, (m02 + m20) / s];
  }
  if (m11 > m22) {
    const s = 2 * Math.sqrt(1 + m11 - m00 - m22);
    return [(m02 - m20) / s, (m01 + m10) / s, s / 4, (m12 + m21) / s];
  }
  const s = 2 * Math.sqrt(1 + m22 - m00 - m11);
  return [(m10 - m01) / s, (m02 + m20) / s, (m12 + m21) / s, s / 4];
}

/** Same geometry and colours as the ray-traced dataset of the same seed (diffuse only: no highlights). */
export function generateDemoGaussians(options: DemoGaussiansOptions = {}): GaussianScene {
  const count = options.count ?? 20_000;
  const seed = options.seed ?? 1;
  const shDegree = options.shDegree ?? 0;
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`demo Gaussians: count must be a positive integer, got ${count}`);
  const scene = buildDemoScene(seed);
  const rng = new Rng(seed).fork(2);
  const samples = sampleSurfaces(scene, count, rng);
  const out = createScene(count, shDegree);
  // In-plane std-dev ~0.75x the mean sample spacing sqrt(area/N): neighbouring discs overlap, closing holes.
  const tangentSigma = 0.75 * Math.sqrt(samples.areaPerSample);
  const rest = shRestCount(shDegree) * 3;
  for (let i = 0; i < count; i++) {
    const n: Vec3 = [samples.normals[i * 3], samples.normals[i * 3 + 1], samples.normals[i * 3 + 2]];
    const helper: Vec3 = Math.abs(n[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
    const spin = 2 * Math.PI * rng.next();
    const t0 = normalize(cross(helper, n)),
      t1 = cross(n, t0);
    const a: Vec3 = [0, 1, 2].map((k) => t0[k] * Math.cos(spin) + t1[k] * Math.sin(spin)) as Vec3;
    const b = cross(n, a);
    out.rotations.set(quaternionFromBasis(a, b, n), i * 4);
    const stretch = 1 + 0.4 * rng.next(); // mild anisotropy, like trained splats
    out.logScales[i * 3] = Math.log(tangentSigma * stretch);
    out.logScales[i * 3 + 1] = Math.log(tangentSigma / stretch);
    out.logScales[i * 3 + 2] = Math.log(tangentSigma * 0.1);
    out.positions.set(samples.positions.subarray(i * 3, i * 3 + 3), i * 3);
    out.opacityLogits[i] = logit(0.85 + 0.14 * rng.next());
    // Colour = mean baked colour over a 2x2 pattern inside the splat's footprint (+-0.5 sigma along its
    // axes): a box prefilter of the texture, so thin stripes and grid lines blend instead of speckling.
    const shape = scene.shapes[samples.shapeIndex[i]];
    const p: Vec3 = [samples.positions[i * 3], samples.positions[i * 3 + 1], samples.positions[i * 3 + 2]];
    const colour: Vec3 = [0, 0, 0];
    for (const [u, v] of FOOTPRINT) {
      const su = u * tangentSigma * stretch,
        sv = (v * tangentSigma) / stretch;
      const q: Vec3 = [
        p[0] + a[0] * su + b[0] * sv,
        p[1] + a[1] * su + b[1] * sv,
        p[2] + a[2] * su + b[2] * sv,
      ];
      const baked = bakedColour(scene, shape, q, n, rng, 2);
      for (let c = 0; c < 3; c++) colour[c] += baked[c] / FOOTPRINT.length;
    }
    for (let c = 0; c < 3; c++) out.shDC[i * 3 + c] = (colour[c] - 0.5) / SH_C0;
    for (let j = 0; j < rest; j++) out.shRest[i * rest + j] = 0.03 * (2 * rng.next() - 1);
  }
  if (options.frame === 'y-down') rotateZUpToYDown(out);
  return out;
}
