// The gsplat-shaped convenience API: scene arrays in, CPU image/alpha out. Uploads the parameters,
// renders with GaussianRasterizer and reads the results back. For tests, the CLI and benchmarks;
// training uses GaussianRasterizer directly and keeps everything on the GPU.
import { oncePerDevice } from '../../shared/gpu/pipeline-cache.ts';
import type { Camera } from '../../shared/math/camera.ts';
import { assertFiniteScene, type GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import type { GpuContext } from '../gpu/device.ts';
import { columnsOf, gaussianLayout, type GaussianColumns, type GaussianLayout } from './gaussian-layout.ts';
import { GaussianRasterizer, SPLAT_GRAD_STRIDE, type ForwardOutputs } from './gaussian-rasterizer.ts';
import { readBuffer, storageBuffer } from './gpu-buffers.ts';
import { chunkBuffers, joinChunkData, type ParamChunk, uploadChunks } from './param-chunks.ts';
import type { RasterOptions, SceneArrays } from './types.ts';

export interface RasterizationResult {
  image: Float32Array; // [H, W, 3]
  alpha: Float32Array; // [H, W]
  meta: {
    numIntersections: number;
    tiles: [number, number];
    /** [N, 12] Splat2d records (mean2d, extent, conic, opacity, colour, depth), for tests and pruning. */
    splats: Float32Array;
  };
}

/** One rasterizer per device (its buffers are reused between calls). */
export const rasterizerFor = oncePerDevice((device) => new GaussianRasterizer(device));

function validate(scene: SceneArrays, camera: Camera): void {
  // assertFiniteScene takes Float32Arrays; the check is the same for any numeric arrays.
  assertFiniteScene(scene as unknown as GaussianScene);
  if (!(camera.width > 0 && camera.height > 0))
    throw new RangeError(`camera: invalid size ${camera.width}x${camera.height}`);
  for (const v of [camera.fx, camera.fy, camera.cx, camera.cy, ...camera.viewMatrix]) {
    if (!Number.isFinite(v)) throw new RangeError(`camera: non-finite value ${v}`);
  }
}

function upload(device: GPUDevice, data: Float32Array, label: string): GPUBuffer {
  const buffer = storageBuffer(device, label, data.byteLength);
  device.queue.writeBuffer(buffer, 0, data as Float32Array<ArrayBuffer>);
  return buffer;
}

interface Rendered {
  rasterizer: GaussianRasterizer;
  /** The whole scene's packed layout (the chunks hold its rows). */
  layout: GaussianLayout;
  chunks: ParamChunk[];
  out: ForwardOutputs;
}

/** Options of the convenience API: the render options, plus a specific rasterizer (tests, variants). */
export interface RasterizationOptions extends RasterOptions {
  rasterizer?: GaussianRasterizer;
}

async function render(
  gpu: GpuContext,
  scene: SceneArrays,
  camera: Camera,
  options: RasterizationOptions,
): Promise<Rendered> {
  validate(scene, camera);
  const { device } = gpu;
  // Checked before the upload: a scene too large for this device fails with one line, not GPU errors.
  GaussianRasterizer.assertFits(device, scene.count);
  const layout = gaussianLayout(scene.count, scene.shDegree);
  const chunks = uploadChunks(device, scene, 'rasterization.gaussians');
  const rasterizer = options.rasterizer ?? rasterizerFor(device);
  const out = await rasterizer.forward({
    chunks,
    camera,
    background: options.background,
    shDegree: options.shDegree,
    antialiased: options.antialiased ?? scene.antialiased ?? false,
  });
  return { rasterizer, layout, chunks, out };
}

async function results(gpu: GpuContext, r: Rendered, camera: Camera): Promise<RasterizationResult> {
  const pixels = camera.width * camera.height;
  const [image, alpha, splats] = await Promise.all([
    readBuffer(gpu.device, r.out.image, pixels * 12),
    readBuffer(gpu.device, r.out.alpha, pixels * 4),
    readBuffer(gpu.device, r.out.splats, r.layout.count * 48),
  ]);
  gpu.check();
  return {
    image: new Float32Array(image),
    alpha: new Float32Array(alpha),
    meta: { numIntersections: r.out.numIntersections, tiles: r.out.tiles, splats: new Float32Array(splats) },
  };
}

/**
 * Renders `scene` from `camera` on the GPU.
 * @example
 * const { image, alpha } = await rasterization(await getGpu(), scene, camera, { background: [1, 1, 1] });
 */
export async function rasterization(
  gpu: GpuContext,
  scene: SceneArrays,
  camera: Camera,
  options: RasterizationOptions = {},
): Promise<RasterizationResult> {
  const r = await render(gpu, scene, camera, options);
  try {
    return await results(gpu, r, camera);
  } finally {
    for (const chunk of r.chunks) chunk.buffer.destroy();
  }
}

export interface RasterizationGradients {
  /** dL/d parameter, per column of the scene. */
  grads: GaussianColumns;
  /** [N, 12] screen-space sums (see SPLAT_GRAD in gaussian-rasterizer.ts). */
  splatGrads: Float32Array;
}

/** Forward, then backward with the given dL/dimage [H,W,3] (and optional dL/dalpha [H,W]). For tests. */
export async function rasterizationWithGradients(
  gpu: GpuContext,
  scene: SceneArrays,
  camera: Camera,
  vImage: Float32Array,
  options: RasterizationOptions & { vAlpha?: Float32Array } = {},
): Promise<RasterizationResult & RasterizationGradients> {
  const r = await render(gpu, scene, camera, options);
  const { device } = gpu;
  const vImageBuffer = upload(device, vImage, 'rasterization.vImage');
  const vAlphaBuffer = options.vAlpha ? upload(device, options.vAlpha, 'rasterization.vAlpha') : undefined;
  const gradsBuffers = chunkBuffers(device, r.chunks, 'rasterization.grads');
  try {
    r.rasterizer.backward({ vImage: vImageBuffer, vAlpha: vAlphaBuffer, grads: gradsBuffers });
    const forward = await results(gpu, r, camera);
    const parts = await Promise.all(
      r.chunks.map(
        async (c, i) => new Float32Array(await readBuffer(device, gradsBuffers[i], c.layout.length * 4)),
      ),
    );
    const grads = joinChunkData(r.chunks, parts, r.layout);
    const splatGrads = new Float32Array(
      await readBuffer(device, r.rasterizer.splatGrads, r.layout.count * SPLAT_GRAD_STRIDE * 4),
    );
    gpu.check();
    return { ...forward, grads: columnsOf(r.layout, grads), splatGrads };
  } finally {
    for (const b of [...r.chunks.map((c) => c.buffer), vImageBuffer, vAlphaBuffer, ...gradsBuffers])
      b?.destroy();
  }
}
