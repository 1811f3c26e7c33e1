// `npm run bench:raster`: GPU rasterizer forward and forward+backward times on subsets of playbot.ply
// (../shared/data/scenes, or $GS_DATA_DIR/scenes) at 256^2 and 512^2, against the CPU reference forward
// on the same scene and camera, with the work each row does, so the reader can check the goals:
// GPU >= 20x the reference, forward+backward <= 3x forward, time linear in pixels x overlaps.
//
// Timing: after a warm-up, 3 to 15 pairs of (forward, forward+backward) (as many as fit in ~20 s
// per row, BENCH_RUNS / BENCH_ROW_SECONDS), each wall clock including
// submission and the wait for the GPU. The machine is shared, so every pair's ratio is printed (the
// spread shows the noise), the table's times are the best (least disturbed) of the runs, and the
// ratio column is best fwd+bwd / best forward. Process CPU time (SwiftShader runs in this process)
// is reported too: it counts work, not waiting, so it is steadier on a loaded machine.
// Linear growth: the exponent k of a least-squares fit time ∝ pairs^k over the rows (k <= 1: no faster
// than linear; the per-Gaussian stages, projection and depth sort, make small rows dearer per pair).
// Work: "isect" = (tile, Gaussian) pairs; "pairs" = pixel x Gaussian pairs inside the Gaussians' screen
// boxes (alpha >= 1/255 is only possible there), the work both compositing passes scale with.
// The CPU reference has no tiles (every pixel visits every visible Gaussian), so it is time-boxed: it
// renders a strip of rows through the image centre, scaled by the row count (marked "~").
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Camera } from '../shared/math/camera.ts';
import { selectGaussians, type GaussianScene } from '../shared/scene/gaussian-scene.ts';
import { getGpu } from '../compressor/gpu/device.ts';
import { readScene } from '../compressor/io/read-scene.ts';
import { orbitCamera, robustBounds } from '../compressor/render/default-camera.ts';
import { packGaussians } from '../compressor/render/gaussian-layout.ts';
import { GaussianRasterizer, SPLAT2D_BYTES } from '../compressor/render/gaussian-rasterizer.ts';
import { readBuffer, storageBuffer } from '../compressor/render/gpu-buffers.ts';
import { rasterizeReference } from '../compressor/render/reference/rasterize.ts';
import { StageTimer } from '../compressor/render/stage-timer.ts';
import { rng } from '../compressor/render/test/scenes.ts';

const dataDir = process.env.GS_DATA_DIR ?? fileURLToPath(new URL('../../shared/data', import.meta.url));
const scenePath = join(dataDir, 'scenes', 'playbot.ply');
const COUNTS = (process.env.BENCH_COUNTS ?? '10000,100000,500000').split(',').map(Number);
const SIZES = (process.env.BENCH_SIZES ?? '256,512').split(',').map(Number);
/** Timed pairs per row: at least RUNS, more while the row has used less than ROW_SECONDS (cheap rows
 * get many pairs, so their best-of is less at the mercy of other processes), at most MAX_RUNS. */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ROW_SECONDS = Number(process.env.BENCH_ROW_SECONDS ?? 20);
const MAX_RUNS = 15;
/** Rows of the CPU reference strip; its time is scaled by height / rows. */
const REFERENCE_ROWS = Number(process.env.BENCH_REFERENCE_ROWS ?? 2);
/** Skip the CPU reference above this many Gaussians x pixels of strip (time box). */
const REFERENCE_BUDGET = 2e9;
const GOAL_SPEEDUP = 20;
const GOAL_RATIO = 3;

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

/** Pixel centres inside each projected splat's screen box (Splat2d: mean2d, extent at floats 0..3). */
function pixelSplatPairs(splats: Float32Array, count: number, width: number, height: number): number {
  let pairs = 0;
  const stride = SPLAT2D_BYTES / 4;
  for (let i = 0; i < count; i++) {
    const [mx, my, ex, ey] = splats.subarray(i * stride, i * stride + 4);
    if (!(ex > 0)) continue;
    // Pixel x has centre x + 0.5: centres in [m - e, m + e] clipped to the image.
    const nx = Math.min(width, Math.floor(mx + ex - 0.5) + 1) - Math.max(0, Math.ceil(mx - ex - 0.5));
    const ny = Math.min(height, Math.floor(my + ey - 0.5) + 1) - Math.max(0, Math.ceil(my - ey - 0.5));
    if (nx > 0 && ny > 0) pairs += nx * ny;
  }
  return pairs;
}

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

interface Row {
  label: string;
  size: number;
  isect: number;
  pairs: number;
  forward: number;
  both: number;
  ratios: number[];
  cpuRatio: number;
  /** Best process CPU ms of forward+backward. */
  bothCpu: number;
  reference: number | undefined;
  stages: Map<string, number>;
}

async function main(): Promise<void> {
  if (!existsSync(scenePath)) {
    console.log(
      `bench:raster skipped: ${scenePath} not found (set GS_DATA_DIR to the folder holding scenes/playbot.ply)`,
    );
    return;
  }
  const gpu = await getGpu();
  const { device } = gpu;
  const timer = StageTimer.create(device);
  console.log(
    `device: ${gpu.adapterInfo.vendor} ${gpu.adapterInfo.architecture} ${gpu.adapterInfo.description}`.trim(),
  );
  const full = await readScene(scenePath);
  console.log(
    `scene: ${scenePath} (${full.count} Gaussians, SH degree ${full.shDegree}); ${RUNS}-${MAX_RUNS} timed (forward, forward+backward) pairs per row (~${ROW_SECONDS} s)`,
  );
  const rasterizer = new GaussianRasterizer(device);
  console.log(`kernels: ${rasterizer.variant}`);
  const rows: Row[] = [];
  for (const wanted of COUNTS) {
    const scene = subset(full, wanted);
    const label = scene.count < wanted ? `${scene.count} (all)` : `${scene.count / 1000}k`;
    const { layout, data } = packGaussians(scene);
    const gaussians = storageBuffer(device, 'bench.gaussians', data.byteLength);
    device.queue.writeBuffer(gaussians, 0, data as Float32Array<ArrayBuffer>);
    const grads = storageBuffer(device, 'bench.grads', data.byteLength);
    const bounds = robustBounds(scene.positions, scene.count);
    for (const size of SIZES) {
      const camera: Camera = orbitCamera(bounds, {
        width: size,
        height: size,
        fovDegrees: 60,
        azimuthDegrees: 30,
      });
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
      const splats = new Float32Array(await readBuffer(device, first.splats, scene.count * SPLAT2D_BYTES));
      const pairs = pixelSplatPairs(splats, scene.count, size, size);
      await both();
      const fwd: number[] = [];
      const fb: number[] = [];
      const fwdCpu: number[] = [];
      const fbCpu: number[] = [];
      const rowStart = performance.now();
      for (let i = 0; i < MAX_RUNS && (i < RUNS || performance.now() - rowStart < ROW_SECONDS * 1000); i++) {
        let c0 = process.cpuUsage();
        let t0 = performance.now();
        await forward();
        fwd.push(performance.now() - t0);
        fwdCpu.push(cpuMs(c0));
        c0 = process.cpuUsage();
        t0 = performance.now();
        await both();
        fb.push(performance.now() - t0);
        fbCpu.push(cpuMs(c0));
      }
      // Per-stage GPU time of one more forward+backward (timestamps between the stages).
      let stages = new Map<string, number>();
      if (timer) {
        rasterizer.timer = timer;
        timer.reset();
        await both();
        stages = await timer.read();
        rasterizer.timer = undefined;
      }
      gpu.check();
      // CPU reference on a strip of rows through the image centre, scaled to the full image.
      let reference: number | undefined;
      if (scene.count * size * REFERENCE_ROWS <= REFERENCE_BUDGET) {
        const strip: Camera = {
          ...camera,
          height: REFERENCE_ROWS,
          cy: camera.cy - (size - REFERENCE_ROWS) / 2,
        };
        const times: number[] = [];
        for (let i = 0; i < 2; i++) {
          const t0 = performance.now();
          rasterizeReference(scene, strip);
          times.push(performance.now() - t0);
        }
        reference = (Math.min(...times) * size) / REFERENCE_ROWS;
      }
      const row: Row = {
        label,
        size,
        isect: first.numIntersections,
        pairs,
        forward: Math.min(...fwd),
        both: Math.min(...fb),
        ratios: fb.map((b, i) => b / fwd[i]),
        cpuRatio: median(fbCpu) / median(fwdCpu),
        bothCpu: Math.min(...fbCpu),
        reference,
        stages,
      };
      rows.push(row);
      console.log(
        `${label} ${size}^2: forward ${fwd.map(fmt).join(', ')} ms; fwd+bwd ${fb.map(fmt).join(', ')} ms; ` +
          `pair ratios ${row.ratios.map((r) => r.toFixed(2)).join(', ')}; CPU-time ratio ${row.cpuRatio.toFixed(2)}`,
      );
      vImage.destroy();
    }
    gaussians.destroy();
    grads.destroy();
  }
  printTables(rows);
  rasterizer.destroy();
  timer?.destroy();
}

function printTables(rows: Row[]): void {
  const table = (header: string[], body: string[][]) => {
    console.log(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
    for (const r of body) console.log(`| ${r.join(' | ')} |`);
  };
  const perPair = (row: Row, ms: number) => ms / (row.pairs / 1e6);
  table(
    [
      'Gaussians',
      'image',
      'isect',
      'pairs (M)',
      'forward ms',
      'fwd+bwd ms',
      'fwd+bwd / fwd (range)',
      'CPU-time ratio',
      'fwd+bwd ms / M pairs',
      'fwd+bwd CPU ms / M pairs',
      'CPU ref fwd ms',
      'GPU speedup',
    ],
    rows.map((r) => [
      r.label,
      `${r.size}²`,
      String(r.isect),
      (r.pairs / 1e6).toFixed(2),
      fmt(r.forward),
      fmt(r.both),
      `${(r.both / r.forward).toFixed(2)} (${Math.min(...r.ratios).toFixed(2)}–${Math.max(...r.ratios).toFixed(2)})`,
      r.cpuRatio.toFixed(2),
      perPair(r, r.both).toFixed(0),
      perPair(r, r.bothCpu).toFixed(0),
      r.reference === undefined ? 'skipped' : `~${r.reference.toFixed(0)}`,
      r.reference === undefined ? '' : `${(r.reference / r.forward).toFixed(0)}×`,
    ]),
  );
  const stageNames = [...new Set(rows.flatMap((r) => [...r.stages.keys()]))].filter(
    (s) => !s.startsWith('end'),
  );
  if (stageNames.length > 0) {
    console.log(
      '\nGPU ms per stage (timestamp queries, one forward+backward; "count readback" = the forward\'s wait for the intersection count):',
    );
    table(
      ['Gaussians', 'image', ...stageNames],
      rows.map((r) => [r.label, `${r.size}²`, ...stageNames.map((s) => fmt(r.stages.get(s) ?? 0))]),
    );
  }

  console.log(
    `\nCPU reference: float64, no tiles, ${REFERENCE_ROWS}-row strip through the centre scaled to the full height (~).`,
  );
  console.log(
    "pairs = pixel x Gaussian pairs inside the Gaussians' screen boxes (the compositing work); ratio = best fwd+bwd / best forward, (range over the timed pairs).",
  );
  const timed = rows.filter((r) => r.reference !== undefined);
  const minSpeedup = Math.min(...timed.map((r) => r.reference! / r.forward));
  const worstRatio = Math.max(...rows.map((r) => r.both / r.forward));
  const worstPair = Math.max(...rows.flatMap((r) => r.ratios));
  const worstCpuRatio = Math.max(...rows.map((r) => r.cpuRatio));
  const exponentWall = growthExponent(rows.map((r) => [r.pairs, r.both]));
  const exponentCpu = growthExponent(rows.map((r) => [r.pairs, r.bothCpu]));
  const met = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
  console.log(
    `Goal GPU >= ${GOAL_SPEEDUP}x the CPU reference: ${met(minSpeedup >= GOAL_SPEEDUP)} (min ${minSpeedup.toFixed(0)}x over ${timed.length} rows)`,
  );
  console.log(
    `Goal forward+backward <= ${GOAL_RATIO}x forward: ${met(worstRatio <= GOAL_RATIO)} on wall time (worst row ${worstRatio.toFixed(2)}; ` +
      `worst single pair ${worstPair.toFixed(2)}); ${met(worstCpuRatio <= GOAL_RATIO)} on CPU time (worst row ${worstCpuRatio.toFixed(2)})`,
  );
  console.log(
    `Goal time linear in pixels x overlaps: ${met(exponentCpu <= 1)} (least-squares fit over the rows: fwd+bwd time ∝ pairs^k, ` +
      `k = ${exponentCpu.toFixed(2)} on CPU time, ${exponentWall.toFixed(2)} on wall time; k <= 1 is no faster than linear)`,
  );
}

/** Slope of log(time) against log(work) by least squares: the exponent k of time ∝ work^k. */
function growthExponent(points: [number, number][]): number {
  const xs = points.map(([w]) => Math.log(w));
  const ys = points.map(([, t]) => Math.log(t));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den > 0 ? num / den : NaN;
}

await main();
process.exit(0);
