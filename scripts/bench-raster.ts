// `npm run bench:raster`: GPU rasterizer forward and forward+backward times on subsets of playbot.ply
// (../shared/data/scenes, or $GS_DATA_DIR/scenes) at 256^2 and 512^2, against the CPU reference forward
// on the same scene and camera. The reference has no tiles (every pixel visits every visible Gaussian),
// so it is time-boxed: it renders a strip of rows through the image centre and the full-image time is
// extrapolated by the row count (marked "~"). GPU timings are the best of a few runs after a warm-up
// (the minimum is the least disturbed estimate on a shared machine), wall clock including submission
// and the wait for the GPU (and the forward's 4-byte count readback); the reference is the best of 2.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Camera } from '../shared/math/camera.ts';
import { selectGaussians, type GaussianScene } from '../shared/scene/gaussian-scene.ts';
import { getGpu } from '../compressor/gpu/device.ts';
import { readScene } from '../compressor/io/read-scene.ts';
import { orbitCamera, robustBounds } from '../compressor/render/default-camera.ts';
import { packGaussians } from '../compressor/render/gaussian-layout.ts';
import { GaussianRasterizer } from '../compressor/render/gaussian-rasterizer.ts';
import { readBuffer, storageBuffer } from '../compressor/render/gpu-buffers.ts';
import { rasterizeReference } from '../compressor/render/reference/rasterize.ts';
import { rng } from '../compressor/render/test/scenes.ts';

const dataDir = process.env.GS_DATA_DIR ?? fileURLToPath(new URL('../../shared/data', import.meta.url));
const scenePath = join(dataDir, 'scenes', 'playbot.ply');
const COUNTS = [10_000, 100_000, 500_000];
const SIZES = [256, 512];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** Rows of the CPU reference strip; its time is scaled by height / rows. */
const REFERENCE_ROWS = Number(process.env.BENCH_REFERENCE_ROWS ?? 2);
/** Skip the CPU reference above this many Gaussians x pixels of strip (time box). */
const REFERENCE_BUDGET = 2e9;

function subset(scene: GaussianScene, count: number): GaussianScene {
  if (count >= scene.count) return scene;
  // First `count` of a seeded permutation: a uniform sample that keeps the scene's extent.
  const order = Uint32Array.from({ length: scene.count }, (_, i) => i);
  const r = rng(7);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(r() * (scene.count - i));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return selectGaussians(scene, order.subarray(0, count).sort());
}

const best = (values: number[]): number => Math.min(...values);

async function main(): Promise<void> {
  if (!existsSync(scenePath)) {
    console.log(`bench:raster skipped: ${scenePath} not found (set GS_DATA_DIR to the folder holding scenes/playbot.ply)`);
    return;
  }
  const gpu = await getGpu();
  const { device } = gpu;
  console.log(`device: ${gpu.adapterInfo.vendor} ${gpu.adapterInfo.architecture} ${gpu.adapterInfo.description}`.trim());
  const full = await readScene(scenePath);
  console.log(`scene: ${scenePath} (${full.count} Gaussians, SH degree ${full.shDegree}); best of ${RUNS} runs`);
  const rasterizer = new GaussianRasterizer(device);
  const rows: string[][] = [];
  for (const wanted of COUNTS) {
    const scene = subset(full, wanted);
    const label = scene.count < wanted ? `${scene.count} (all; file has < ${wanted})` : String(scene.count);
    const { layout, data } = packGaussians(scene);
    const gaussians = storageBuffer(device, 'bench.gaussians', data.byteLength);
    device.queue.writeBuffer(gaussians, 0, data as Float32Array<ArrayBuffer>);
    const grads = storageBuffer(device, 'bench.grads', data.byteLength);
    const bounds = robustBounds(scene.positions, scene.count);
    for (const size of SIZES) {
      const camera: Camera = orbitCamera(bounds, { width: size, height: size, fovDegrees: 60, azimuthDegrees: 30 });
      const vImage = storageBuffer(device, 'bench.vImage', size * size * 12);
      device.queue.writeBuffer(vImage, 0, new Float32Array(size * size * 3).fill(1e-3));
      const forward = async () => {
        const out = await rasterizer.forward({ gaussians, layout, camera });
        await readBuffer(device, out.alpha, 4); // waits for the queue
        return out;
      };
      const both = async () => {
        await rasterizer.forward({ gaussians, layout, camera });
        rasterizer.backward({ vImage, grads });
        await readBuffer(device, grads, 4);
      };
      const first = await forward(); // warm-up (pipelines, buffer growth)
      await both();
      const fwd: number[] = [];
      const fb: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        let t0 = performance.now();
        await forward();
        fwd.push(performance.now() - t0);
        t0 = performance.now();
        await both();
        fb.push(performance.now() - t0);
      }
      gpu.check();
      const f = best(fwd);
      const b = best(fb);
      // CPU reference on a strip of rows through the image centre, scaled to the full image.
      let reference = 'skipped (time box)';
      let speedup = '';
      if (scene.count * size * REFERENCE_ROWS <= REFERENCE_BUDGET) {
        const strip: Camera = { ...camera, height: REFERENCE_ROWS, cy: camera.cy - (size - REFERENCE_ROWS) / 2 };
        const times: number[] = [];
        for (let i = 0; i < 2; i++) {
          const t0 = performance.now();
          rasterizeReference(scene, strip);
          times.push(performance.now() - t0);
        }
        const ms = (best(times) * size) / REFERENCE_ROWS;
        reference = `~${ms.toFixed(0)}`;
        speedup = `${(ms / f).toFixed(0)}x`;
      }
      rows.push([label, `${size}x${size}`, String(first.numIntersections), f.toFixed(1), b.toFixed(1), (b / f).toFixed(2), reference, speedup]);
      console.log(rows[rows.length - 1].join(' | '));
      vImage.destroy();
    }
    gaussians.destroy();
    grads.destroy();
  }
  const header = ['Gaussians', 'image', 'intersections', 'forward ms', 'fwd+bwd ms', 'fwd+bwd / fwd', 'CPU ref fwd ms', 'GPU speedup'];
  console.log(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log(`\nCPU reference: float64, no tiles, ${REFERENCE_ROWS}-row strip through the centre scaled to the full height (~).`);
  rasterizer.destroy();
}

await main();
process.exit(0);
