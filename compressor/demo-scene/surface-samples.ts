// Area-uniform points on the demo scene's surfaces with their normals and baked (diffuse, shadowed)
// colours: the seed for both the initial point cloud (points3d.ply) and the ready-made Gaussian scene.
import { bakedColour } from './raytrace.ts';
import type { Rng } from './rng.ts';
import type { DemoScene } from './scene.ts';
import type { Vec3 } from './vec.ts';

export interface SurfaceSamples {
  count: number;
  positions: Float32Array; // [N, 3] world units
  normals: Float32Array; // [N, 3] unit, outward
  colours: Float32Array; // [N, 3] baked diffuse colour in [0, 1]
  shapeIndex: Uint16Array; // [N] index into scene.shapes
  /** Surface area per sample (total area / N), world units squared: sets splat sizes. */
  areaPerSample: number;
}

/**
 * `count` samples spread over all shapes in proportion to their area. Faces resting on the ground
 * (downward normals at z ~ 0) are skipped: no camera can see them.
 */
export function sampleSurfaces(scene: DemoScene, count: number, rng: Rng): SurfaceSamples {
  const areas = scene.shapes.map((s) => s.area());
  const total = areas.reduce((a, b) => a + b, 0);
  const positions = new Float32Array(count * 3);
  const normals = new Float32Array(count * 3);
  const colours = new Float32Array(count * 3);
  const shapeIndex = new Uint16Array(count);
  let kept = 0,
    attempts = 0;
  while (kept < count) {
    if (++attempts > count * 20) throw new Error(`demo scene: could not place ${count} surface samples`);
    let pick = rng.next() * total,
      index = 0;
    while (index < areas.length - 1 && pick >= areas[index]) pick -= areas[index++];
    const shape = scene.shapes[index];
    const { position, normal } = shape.sample(rng);
    if (shape.name !== 'ground' && position[2] < 0.01 && normal[2] < -0.5) continue;
    if (shape.name !== 'ground' && position[2] < 0) continue; // below the ground: hidden
    const colour: Vec3 = bakedColour(scene, shape, position, normal, rng);
    positions.set(position, kept * 3);
    normals.set(normal, kept * 3);
    colours.set(colour, kept * 3);
    shapeIndex[kept] = index;
    kept++;
  }
  return { count, positions, normals, colours, shapeIndex, areaPerSample: total / count };
}
