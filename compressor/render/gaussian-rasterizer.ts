// The GPU-resident rasterizer for training and rendering: parameters in one packed GPU buffer
// (gaussian-layout.ts), image/alpha out in GPU buffers, dL/dimage in, parameter gradients out.
//
// Forward = two submissions: (1) project -> depth sort -> per-Gaussian tile counts -> prefix sum, then a
// 4-byte readback of the intersection count to size the intersection buffers exactly; (2) emit
// (tile, Gaussian) pairs in depth order -> stable sort by tile id (ceil(log2 tiles) bits) -> tile
// ranges -> compositing. Backward reuses the last forward's buffers.
//
// Parameters come as one packed buffer or as chunks of consecutive Gaussians (param-chunks.ts) when a
// scene's packed parameters exceed one storage binding: projection (forward and backward) runs once per
// chunk into/out of that chunk's rows of the per-Gaussian arrays; the rest sees all splats at once. Sizes
// are checked against the device's limits before any work is encoded (one GpuLimitError line).
// One class over ~450 lines on purpose: every pass reads buffers that forward() sizes and backward()
// reuses (projected splats, intersections, sort scratch, tile ranges); each pass itself lives in passes.ts.
import { PrefixSum } from '../../shared/gpu/prefix-sum.ts';
import { RadixSort } from '../../shared/gpu/radix-sort.ts';
import type { Camera } from '../../shared/math/camera.ts';
import type { ShDegree } from '../../shared/scene/gaussian-scene.ts';
import { CAMERA_UNIFORM_BYTES, packCamera } from '../../shared/math/camera-uniform.ts';
import { assertFitsBinding } from '../gpu/limits.ts';
import type { Binding } from './bind-group-cache.ts';
import { gaussianLayout, type GaussianLayout } from './gaussian-layout.ts';
import { IotaPass } from './iota-pass.ts';
import { CHUNK_ROW_MULTIPLE, type ParamChunk } from './param-chunks.ts';
import { GrowableBuffer, readBuffer, storageBuffer } from './gpu-buffers.ts';
import {
  MapIntersectionsPass,
  ProjectBackwardPass,
  ProjectForwardPass,
  RasterizeBackwardPass,
  RasterizeForwardPass,
  TileCountsPass,
  TileRangesPass,
  type RasterVariant,
  type FrameUniforms,
} from './passes.ts';
import { packRenderParams, RENDER_PARAMS_BYTES, type RenderParamsValues } from './render-params.ts';
import type { StageTimer } from './stage-timer.ts';
import { TILE_SIZE } from './types.ts';

/** Floats per Gaussian in `splatGrads` (raster_common.wgsl SPLAT_GRAD_STRIDE) and their meaning. */
export const SPLAT_GRAD_STRIDE = 12;
export const SPLAT_GRAD = { mean2d: 0, conic: 2, color: 5, opacity: 8, absMean2d: 9, weight: 11 } as const;
/** Bytes per Splat2d record (raster_common.wgsl). */
export const SPLAT2D_BYTES = 48;

/** Packed parameters (STORAGE usage): one buffer laid out as `layout`, or chunks (param-chunks.ts). */
export type ParamSource =
  | { gaussians: GPUBuffer; layout: GaussianLayout }
  | { chunks: readonly ParamChunk[] };

export type RenderInputs = ParamSource & {
  camera: Camera;
  background?: readonly [number, number, number];
  /** Runtime cap on the SH degree. */
  shDegree?: ShDegree;
  antialiased?: boolean;
};

export interface ForwardOutputs {
  /** [H, W, 3] f32 RGB (owned by the rasterizer, overwritten by the next forward). */
  image: GPUBuffer;
  /** [H, W] f32. */
  alpha: GPUBuffer;
  /** [N] Splat2d records: 2D mean, extent (0 when culled), conic, opacity, colour, depth. */
  splats: GPUBuffer;
  numIntersections: number;
  tiles: [number, number];
}

export interface BackwardInputs {
  /** [H, W, 3] f32 dL/d image. */
  vImage: GPUBuffer;
  /** Optional [H, W] f32 dL/d alpha. */
  vAlpha?: GPUBuffer;
  /**
   * Output: gradients in the parameters' packed layout (STORAGE usage, layout.length floats); one buffer
   * per chunk, in each chunk's layout, when the forward had chunks.
   */
  grads: GPUBuffer | readonly GPUBuffer[];
  /** Add this view's gradients to `grads` instead of overwriting it (training sums views between steps). */
  accumulate?: boolean;
}

export class RasterizerError extends Error {
  override name = 'RasterizerError';
}

export class GaussianRasterizer {
  readonly variant: RasterVariant;
  /** Optional per-stage GPU timing (benchmarks): marks between the stages of forward and backward. */
  timer: StageTimer | undefined;
  private readonly device: GPUDevice;
  private readonly uniforms: FrameUniforms;
  private readonly projectForward: ProjectForwardPass;
  private readonly tileCounts: TileCountsPass;
  private readonly mapIntersections: MapIntersectionsPass;
  private readonly tileRanges: TileRangesPass;
  private readonly rasterizeForward: RasterizeForwardPass;
  private readonly rasterizeBackward: RasterizeBackwardPass;
  private readonly projectBackward: ProjectBackwardPass;
  private projectBackwardAccumulate: ProjectBackwardPass | undefined;
  private readonly buffers: Record<
    | 'splats'
    | 'depthKeys'
    | 'depthIds'
    | 'tileCounts'
    | 'tileIds'
    | 'gaussianIds'
    | 'tileRanges'
    | 'image'
    | 'alpha'
    | 'pixelState'
    | 'splatGrads',
    GrowableBuffer
  >;
  private readonly isectCount: GPUBuffer;
  private readonly emptyAlpha: GrowableBuffer;
  private depthSort: RadixSort | undefined;
  private tileSort: RadixSort | undefined;
  private scan: PrefixSum | undefined;
  private readonly iota: IotaPass;
  /** Per-chunk RenderParams (layout offsets of that chunk), used when parameters come in chunks. */
  private readonly chunkParams: GPUBuffer[] = [];
  private last:
    | { chunks: readonly ParamChunk[]; params: RenderParamsValues; tiles: [number, number] }
    | undefined;

  /**
   * `variant`: compositing kernels (see RasterVariant in passes.ts). Default 'serial' when the adapter is
   * CPU emulation (SwiftShader/llvmpipe: 5-15x faster there), else 'batched'.
   */
  constructor(device: GPUDevice, options: { variant?: RasterVariant; timer?: StageTimer } = {}) {
    this.device = device;
    this.timer = options.timer;
    this.variant = options.variant ?? (isSoftwareDevice(device) ? 'serial' : 'batched');
    this.uniforms = {
      camera: device.createBuffer({
        label: 'Rasterize.camera',
        size: CAMERA_UNIFORM_BYTES,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      }),
      params: device.createBuffer({
        label: 'Rasterize.params',
        size: RENDER_PARAMS_BYTES,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      }),
    };
    this.projectForward = new ProjectForwardPass(device);
    this.tileCounts = new TileCountsPass(device);
    this.mapIntersections = new MapIntersectionsPass(device);
    this.tileRanges = new TileRangesPass(device);
    this.rasterizeForward = new RasterizeForwardPass(device, this.variant);
    this.rasterizeBackward = new RasterizeBackwardPass(device, this.variant);
    this.projectBackward = new ProjectBackwardPass(device);
    const grow = (name: string) => new GrowableBuffer(device, `Rasterize.${name}`);
    this.buffers = {
      splats: grow('splats'),
      depthKeys: grow('depthKeys'),
      depthIds: grow('depthIds'),
      tileCounts: grow('tileCounts'),
      tileIds: grow('tileIds'),
      gaussianIds: grow('gaussianIds'),
      tileRanges: grow('tileRanges'),
      image: grow('image'),
      alpha: grow('alpha'),
      pixelState: grow('pixelState'),
      splatGrads: grow('splatGrads'),
    };
    this.emptyAlpha = grow('noVAlpha');
    this.isectCount = storageBuffer(device, 'Rasterize.isectCount', 4);
    this.iota = new IotaPass(device);
  }

  /**
   * Throws one GpuLimitError line (which array, which limit, how many Gaussians fit) when `count`
   * Gaussians' per-Gaussian arrays cannot be bound on this device; parameters are chunked, so they
   * never limit. Called by forward before any work; callers may call it before starting a long job.
   */
  static assertFits(device: GPUDevice, count: number, job = 'render'): void {
    assertFitsBinding(device, `${job}: projected splats`, count, SPLAT2D_BYTES);
    assertFitsBinding(device, `${job}: splat gradients`, count, SPLAT_GRAD_STRIDE * 4);
  }

  /** Writes the frame's RenderParams and, with chunks, each chunk's copy with that chunk's layout. */
  private writeParams(params: RenderParamsValues, chunks: readonly ParamChunk[]): void {
    const queue = this.device.queue;
    queue.writeBuffer(this.uniforms.params, 0, packRenderParams(params));
    if (chunks.length === 1) return;
    chunks.forEach((chunk, i) => {
      this.chunkParams[i] ??= this.device.createBuffer({
        label: `Rasterize.params[${i}]`,
        size: RENDER_PARAMS_BYTES,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      });
      queue.writeBuffer(this.chunkParams[i], 0, packRenderParams({ ...params, layout: chunk.layout }));
    });
  }

  /** The uniforms a per-Gaussian kernel of chunk `i` binds. */
  private chunkUniforms(chunks: readonly ParamChunk[], i: number): FrameUniforms {
    return chunks.length === 1
      ? this.uniforms
      : { camera: this.uniforms.camera, params: this.chunkParams[i] };
  }

  /** Renders one camera; resolves when the image is encoded and submitted (read it with readBuffer). */
  async forward(inputs: RenderInputs): Promise<ForwardOutputs> {
    const { camera } = inputs;
    const chunks: readonly ParamChunk[] =
      'chunks' in inputs ? inputs.chunks : [{ first: 0, layout: inputs.layout, buffer: inputs.gaussians }];
    if (chunks.length === 0) throw new RasterizerError('no parameter chunks');
    const n = chunks.reduce((sum, c) => sum + c.layout.count, 0);
    const storedDegree = chunks[0].layout.shDegree;
    // The whole scene's layout: its count and SH sizes drive the kernels after projection.
    const layout = chunks.length === 1 ? chunks[0].layout : gaussianLayout(n, storedDegree);
    if (
      !(
        camera.width > 0 &&
        camera.height > 0 &&
        Number.isInteger(camera.width) &&
        Number.isInteger(camera.height)
      )
    ) {
      throw new RasterizerError(`invalid image size ${camera.width}x${camera.height}`);
    }
    let expectedFirst = 0;
    for (const chunk of chunks) {
      if (chunk.buffer.size < chunk.layout.length * 4) {
        throw new RasterizerError(
          `parameter buffer holds ${chunk.buffer.size} bytes, layout needs ${chunk.layout.length * 4}`,
        );
      }
      const aligned = chunks.length === 1 || chunk.first % CHUNK_ROW_MULTIPLE === 0;
      if (chunk.first !== expectedFirst || chunk.layout.shDegree !== storedDegree || !aligned)
        throw new RasterizerError(
          `parameter chunks must be consecutive rows of one SH degree, starting at multiples of ${CHUNK_ROW_MULTIPLE}`,
        );
      expectedFirst += chunk.layout.count;
    }
    GaussianRasterizer.assertFits(this.device, n);
    assertFitsBinding(this.device, 'render: image', camera.width * camera.height, 12, 'pixels');
    const tiles: [number, number] = [
      Math.ceil(camera.width / TILE_SIZE),
      Math.ceil(camera.height / TILE_SIZE),
    ];
    const pixels = camera.width * camera.height;
    const b = this.buffers;
    const splats = b.splats.ensure(n * SPLAT2D_BYTES);
    const depthKeys = b.depthKeys.ensure(n * 4);
    const depthIds = b.depthIds.ensure(n * 4);
    const tileCounts = b.tileCounts.ensure(n * 4);
    const tileRanges = b.tileRanges.ensure(tiles[0] * tiles[1] * 8);
    const image = b.image.ensure(pixels * 12);
    const alpha = b.alpha.ensure(pixels * 4);
    const pixelState = b.pixelState.ensure(pixels * 8);
    if (!this.depthSort || this.depthSort.maxCount < n) {
      this.depthSort?.destroy();
      this.scan?.destroy();
      const capacity = Math.max(1024, Math.ceil(n * 1.25));
      this.depthSort = new RadixSort(this.device, { maxCount: capacity, label: 'Rasterize.depthSort' });
      this.scan = new PrefixSum(this.device, { maxCount: capacity, label: 'Rasterize.tileCountScan' });
    }
    const params: RenderParamsValues = {
      layout,
      shDegree: Math.min(inputs.shDegree ?? layout.shDegree, layout.shDegree),
      antialiased: inputs.antialiased ?? false,
      tilesX: tiles[0],
      tilesY: tiles[1],
      maxIntersections: 0, // set once the count is known (phase 2)
      hasVAlpha: false,
      background: inputs.background ?? [0, 0, 0],
    };
    const queue = this.device.queue;
    queue.writeBuffer(this.uniforms.camera, 0, packCamera(camera));
    this.writeParams(params, chunks);

    // Phase 1: project, depth sort, tile counts in depth order, prefix sum -> intersection count.
    let encoder = this.device.createCommandEncoder({ label: 'Rasterize.forward1' });
    const mark = (label: string) => this.timer?.mark(encoder, label);
    mark('project');
    chunks.forEach((chunk, i) => {
      const count = chunk.layout.count;
      if (count === 0 && chunks.length > 1) return;
      // One chunk binds whole buffers; chunk i binds its rows, at offsets aligned by CHUNK_ROW_MULTIPLE.
      const rows = (buffer: GPUBuffer, bytes: number): Binding =>
        chunks.length === 1 ? buffer : { buffer, offset: chunk.first * bytes, size: count * bytes };
      this.projectForward.encode(
        encoder,
        this.chunkUniforms(chunks, i),
        {
          gaussians: chunk.buffer,
          splats: rows(splats, SPLAT2D_BYTES),
          depthKeys: rows(depthKeys, 4),
          depthIds: rows(depthIds, 4),
        },
        count,
      );
    });
    // The projection numbers Gaussians within a chunk: the depth sort needs scene-wide ids.
    if (chunks.length > 1) this.iota.encode(encoder, depthIds, n);
    mark('depth sort');
    this.depthSort.encode(encoder, depthKeys, depthIds, n, 32);
    mark('tile counts');
    this.tileCounts.encode(encoder, this.uniforms, { splats, depthIds, tileCounts }, n);
    mark('scan');
    this.scan!.encode(encoder, tileCounts, n, { buffer: this.isectCount, offset: 0 });
    mark('count readback');
    queue.submit([encoder.finish()]);
    // With no Gaussians the scan writes nothing: zero the count the tile-ranges kernel reads.
    if (n === 0) queue.writeBuffer(this.isectCount, 0, new Uint32Array(1));
    const numIntersections =
      n === 0 ? 0 : new Uint32Array(await readBuffer(this.device, this.isectCount, 4))[0];
    assertFitsBinding(
      this.device,
      'render: tile intersections of this view',
      numIntersections,
      4,
      'intersections',
    );

    // Phase 2: intersections sized exactly, sort by tile, ranges, composite.
    const tileIds = b.tileIds.ensure(numIntersections * 4);
    const gaussianIds = b.gaussianIds.ensure(numIntersections * 4);
    params.maxIntersections = tileIds.size / 4;
    this.writeParams(params, chunks);
    if (!this.tileSort || this.tileSort.maxCount < numIntersections) {
      this.tileSort?.destroy();
      this.tileSort = new RadixSort(this.device, {
        maxCount: Math.max(4096, tileIds.size / 4),
        label: 'Rasterize.tileSort',
      });
    }
    encoder = this.device.createCommandEncoder({ label: 'Rasterize.forward2' });
    mark('map intersections');
    this.mapIntersections.encode(
      encoder,
      this.uniforms,
      { splats, depthIds, offsets: tileCounts, tileIds, gaussianIds },
      n,
    );
    const tileBits = Math.max(1, Math.ceil(Math.log2(tiles[0] * tiles[1])));
    mark('tile sort');
    this.tileSort.encode(encoder, tileIds, gaussianIds, numIntersections, tileBits);
    mark('tile ranges');
    this.tileRanges.encode(encoder, { isectCount: this.isectCount, tileIds, tileRanges }, numIntersections);
    mark('rasterize forward');
    this.rasterizeForward.encode(
      encoder,
      this.uniforms,
      { splats, gaussianIds, tileRanges, image, alpha, pixelState },
      tiles,
    );
    mark('end forward');
    queue.submit([encoder.finish()]);
    this.last = { chunks, params, tiles };
    return { image, alpha, splats, numIntersections, tiles };
  }

  /** Encodes the backward pass of the last forward (same parameters and camera). */
  encodeBackward(encoder: GPUCommandEncoder, inputs: BackwardInputs): void {
    const last = this.last;
    if (!last) throw new RasterizerError('backward called before forward');
    const { chunks } = last;
    const grads = Array.isArray(inputs.grads) ? inputs.grads : [inputs.grads as GPUBuffer];
    if (grads.length !== chunks.length)
      throw new RasterizerError(`${grads.length} gradient buffers for ${chunks.length} parameter chunks`);
    chunks.forEach((chunk, i) => {
      if (grads[i].size < chunk.layout.length * 4) {
        throw new RasterizerError(
          `gradient buffer holds ${grads[i].size} bytes, layout needs ${chunk.layout.length * 4}`,
        );
      }
    });
    const hasVAlpha = inputs.vAlpha !== undefined;
    if (hasVAlpha !== last.params.hasVAlpha) {
      last.params.hasVAlpha = hasVAlpha;
      this.writeParams(last.params, chunks);
    }
    const b = this.buffers;
    const splatGradBytes = SPLAT_GRAD_STRIDE * 4;
    const splatGrads = b.splatGrads.ensure(last.params.layout.count * splatGradBytes);
    const raster = {
      splats: b.splats.current,
      gaussianIds: b.gaussianIds.current,
      tileRanges: b.tileRanges.current,
    };
    this.timer?.mark(encoder, 'rasterize backward');
    this.rasterizeBackward.encode(
      encoder,
      this.uniforms,
      {
        ...raster,
        pixelState: b.pixelState.current,
        vImage: inputs.vImage,
        vAlpha: inputs.vAlpha ?? this.emptyAlpha.ensure(4),
        splatGrads,
      },
      last.tiles,
    );
    this.timer?.mark(encoder, 'project backward');
    if (inputs.accumulate && !this.projectBackwardAccumulate)
      this.projectBackwardAccumulate = new ProjectBackwardPass(this.device, true);
    const project = (inputs.accumulate && this.projectBackwardAccumulate) || this.projectBackward;
    chunks.forEach((chunk, i) => {
      const count = chunk.layout.count;
      if (count === 0 && chunks.length > 1) return;
      const rows: Binding =
        chunks.length === 1
          ? splatGrads
          : { buffer: splatGrads, offset: chunk.first * splatGradBytes, size: count * splatGradBytes };
      project.encode(
        encoder,
        this.chunkUniforms(chunks, i),
        { gaussians: chunk.buffer, splatGrads: rows, grads: grads[i] },
        count,
      );
    });
    this.timer?.mark(encoder, 'end backward');
  }

  /** Encodes and submits the backward pass; per-Gaussian screen-space sums stay in `splatGrads`. */
  backward(inputs: BackwardInputs): void {
    const encoder = this.device.createCommandEncoder({ label: 'Rasterize.backward' });
    this.encodeBackward(encoder, inputs);
    this.device.queue.submit([encoder.finish()]);
  }

  /** [N, SPLAT_GRAD_STRIDE] f32 of the last backward: 2D mean/conic/colour/opacity gradients, |dL/dmean2d| sums, weights. */
  get splatGrads(): GPUBuffer {
    return this.buffers.splatGrads.current;
  }

  destroy(): void {
    for (const buffer of Object.values(this.buffers)) buffer.destroy();
    this.emptyAlpha.destroy();
    this.isectCount.destroy();
    this.uniforms.camera.destroy();
    this.uniforms.params.destroy();
    this.depthSort?.destroy();
    this.tileSort?.destroy();
    this.scan?.destroy();
    for (const params of this.chunkParams) params.destroy();
  }
}

/** True for CPU implementations of WebGPU (SwiftShader, llvmpipe/lavapipe), from the device's adapter info. */
export function isSoftwareDevice(device: GPUDevice): boolean {
  const info = device.adapterInfo;
  const text = `${info.vendor} ${info.architecture} ${info.description}`;
  return /swiftshader|llvmpipe|lavapipe/i.test(text);
}
