// The element's image must match the independent CPU reference rasterizer (compressor/render/reference,
// float64, per-pixel front-to-back compositing) for the same scene and camera: this checks the pre-pass
// (shared projection + SH), the depth sort and the blending of the real browser pipeline end to end.
import { expect, test } from '@playwright/test';
import { PNG } from 'pngjs';
import { rasterizeReference } from '../compressor/render/reference/rasterize.ts';
import { lookAt, type Camera, type Vec3 } from '../shared/math/camera.ts';
import {
  createScene,
  shRestCount,
  type GaussianScene,
  type ShDegree,
} from '../shared/scene/gaussian-scene.ts';

const W = 320;
const H = 240;
const FOV = 50;
const BACKGROUND = [51, 77, 102] as const;
/** Whether the element sorts splats by depth (false while component/src/render/depth-sort.ts is interim). */
const SORTS = true;

/** Seeded scene of `n` Gaussians in front of a camera at the origin looking down +Z. */
function testScene(
  n: number,
  shDegree: ShDegree,
  order: 'far-to-near' | 'shuffled',
  seed: number,
): GaussianScene {
  let s = seed;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const scene = createScene(n, shDegree, true);
  const rest = shRestCount(shDegree) * 3;
  const depths = Array.from({ length: n }, () => 2 + 4 * rand());
  if (order === 'far-to-near') depths.sort((a, b) => b - a);
  for (let i = 0; i < n; i++) {
    const z = depths[i];
    scene.positions.set([(rand() - 0.5) * 0.9 * z, (rand() - 0.5) * 0.7 * z, z], i * 3);
    scene.logScales.set(
      [Math.log(0.05 + 0.3 * rand()), Math.log(0.05 + 0.3 * rand()), Math.log(0.02 + 0.2 * rand())],
      i * 3,
    );
    scene.rotations.set([rand() - 0.5, rand() - 0.5, rand() - 0.5, rand() - 0.5], i * 4);
    scene.opacityLogits[i] = (rand() - 0.3) * 4;
    scene.shDC.set([(rand() - 0.5) * 3, (rand() - 0.5) * 3, (rand() - 0.5) * 3], i * 3);
    for (let k = 0; k < rest; k++) scene.shRest[i * rest + k] = (rand() - 0.5) * 0.6;
  }
  return scene;
}

const cases = [
  { name: 'degree 0, listed far to near', n: 120, shDegree: 0, order: 'far-to-near', seed: 5 },
  { name: 'degree 3, listed far to near', n: 120, shDegree: 3, order: 'far-to-near', seed: 7 },
  { name: 'degree 3, shuffled (needs the depth sort)', n: 200, shDegree: 3, order: 'shuffled', seed: 9 },
] as const;

for (const c of cases) {
  test(`matches the CPU reference rasterizer: ${c.name}`, async ({ page }) => {
    test.fixme(
      c.order === 'shuffled' && !SORTS,
      'the GPU depth sort (shared/gpu/radix-sort.ts) is not wired in yet',
    );
    const scene = testScene(c.n, c.shDegree, c.order, c.seed);
    const position: Vec3 = [0, 0, 0];
    const target: Vec3 = [0, 0, 1];
    await page.setViewportSize({ width: W + 20, height: H + 20 });
    await page.goto(`/e2e/pages/viewer.html?background=rgb(${BACKGROUND.join(',')})&pixel-ratio=1`);
    await page.waitForFunction(() => (window as unknown as { viewer?: unknown }).viewer !== undefined);
    const png = await page.evaluate(
      async ({ scene, position, target, fov }) => {
        const viewer = document.querySelector('gs-scene') as unknown as {
          setScene(s: unknown): Promise<void>;
          setCamera(p: unknown): void;
          screenshot(): Promise<Blob>;
        };
        const f = (a: number[]) => new Float32Array(a);
        await viewer.setScene({
          ...scene,
          positions: f(scene.positions),
          logScales: f(scene.logScales),
          rotations: f(scene.rotations),
          opacityLogits: f(scene.opacityLogits),
          shDC: f(scene.shDC),
          shRest: f(scene.shRest),
        });
        viewer.setCamera({ position, target, fov });
        const blob = await viewer.screenshot();
        return Array.from(new Uint8Array(await blob.arrayBuffer()));
      },
      {
        scene: {
          count: scene.count,
          shDegree: scene.shDegree,
          antialiased: scene.antialiased,
          positions: Array.from(scene.positions),
          logScales: Array.from(scene.logScales),
          rotations: Array.from(scene.rotations),
          opacityLogits: Array.from(scene.opacityLogits),
          shDC: Array.from(scene.shDC),
          shRest: Array.from(scene.shRest),
        },
        position,
        target,
        fov: FOV,
      },
    );
    const image = PNG.sync.read(Buffer.from(png));
    expect([image.width, image.height]).toEqual([W, H]);
    // The element's camera: vertical fov, square pixels, centred principal point, world up +Y.
    const fy = H / (2 * Math.tan((FOV * Math.PI) / 360));
    const camera: Camera = {
      width: W,
      height: H,
      fx: fy,
      fy,
      cx: W / 2,
      cy: H / 2,
      viewMatrix: lookAt(position, target, [0, 1, 0]),
    };
    const reference = rasterizeReference(scene, camera, {
      background: BACKGROUND.map((v) => v / 255) as [number, number, number],
    });
    let sum = 0;
    let max = 0;
    let bad = 0;
    for (let p = 0; p < W * H; p++) {
      for (let k = 0; k < 3; k++) {
        const expected = Math.min(1, Math.max(0, reference.image[p * 3 + k])) * 255;
        const d = Math.abs(image.data[p * 4 + k] - expected);
        sum += d;
        max = Math.max(max, d);
        if (d > 4) bad++;
      }
    }
    const mean = sum / (W * H * 3);
    if (process.env.GS_DUMP) {
      const ref = new PNG({ width: W, height: H });
      const diff = new PNG({ width: W, height: H });
      for (let p = 0; p < W * H; p++) {
        let d = 0;
        for (let k = 0; k < 3; k++) {
          ref.data[p * 4 + k] = Math.round(Math.min(1, Math.max(0, reference.image[p * 3 + k])) * 255);
          d = Math.max(d, Math.abs(image.data[p * 4 + k] - ref.data[p * 4 + k]));
        }
        ref.data[p * 4 + 3] = 255;
        diff.data.set([Math.min(255, d * 8), Math.min(255, d * 8), Math.min(255, d * 8), 255], p * 4);
      }
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${process.env.GS_DUMP}-${c.seed}-gpu.png`, PNG.sync.write(image));
      writeFileSync(`${process.env.GS_DUMP}-${c.seed}-ref.png`, PNG.sync.write(ref));
      writeFileSync(`${process.env.GS_DUMP}-${c.seed}-diff.png`, PNG.sync.write(diff));
    }
    console.log(
      `${c.name}: mean |diff| ${mean.toFixed(3)}, max ${max.toFixed(1)} (0-255), ${bad} channel values off by > 4`,
    );
    // 8-bit output vs float64: rounding gives <= 0.5; the GPU's float32 maths and the reference's early
    // stop at transmittance 1e-4 add a little. A wrong projection, SH or blend order shows up as mean >> 1.
    // On CPU adapters the element blends in 8 bits (render-controller.ts): every layer is rounded and
    // colours above 1 (this scene's DC reaches ~2) are clamped per layer, which leaves ~0.3% of the
    // channel values of the 200-splat case off by more than 4 (under 0.2% blending in half floats).
    // The viewer's 6-bit SH rest (a scale per Gaussian: what fits 64 B per splat at SH 3) moves the
    // degree-3 cases by 0.18 and 0.28 on its own (the reference on the unpacked scene vs this one): this
    // scene's SH rest is uniform over +-0.3 in every band, where real scenes' higher bands are smaller.
    // Measured here: 0.44, 0.47 and 0.61 (0.6 was the limit with 8-bit SH rest).
    expect(mean).toBeLessThan(0.7);
    expect(bad).toBeLessThan(W * H * 3 * 0.005);
    // The scene covers a good part of the view (the comparison is not just background).
    const covered = reference.alpha.filter((a) => a > 0.5).length;
    expect(covered).toBeGreaterThan(W * H * 0.2);
  });
}
