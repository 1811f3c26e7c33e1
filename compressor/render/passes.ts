// One class per rasterizer stage: each owns its pipeline (cached per device) and encodes itself into
// a command encoder with typed buffers. Bind groups are cached for the last set of buffers (the usual
// case: the same buffers every frame). Stage WGSL lives in wgsl/ (one stage per file).
import projectForwardSource from './wgsl/project_forward.wgsl';
import tileCountsSource from './wgsl/tile_counts.wgsl';
import mapIntersectionsSource from './wgsl/map_intersections.wgsl';
import tileRangesSource from './wgsl/tile_ranges.wgsl';
import rasterizeForwardSource from './wgsl/rasterize_forward.wgsl';
import rasterizeForwardSerialSource from './wgsl/rasterize_forward_serial.wgsl';
import rasterizeBackwardSource from './wgsl/rasterize_backward.wgsl';
import rasterizeBackwardSerialSource from './wgsl/rasterize_backward_serial.wgsl';
import projectBackwardSource from './wgsl/project_backward.wgsl';
import type { WgslDefines } from '../../shared/wgsl/compose.ts';
import { BindGroupCache, type Binding } from './bind-group-cache.ts';
import { kernelPipeline, linearWorkgroups } from './kernel.ts';

class KernelPass {
  protected readonly pipeline: GPUComputePipeline;
  // Keyed by the bound buffers and ranges: a scene split into parameter chunks binds several sets per frame.
  private readonly groups: BindGroupCache;

  constructor(
    protected readonly device: GPUDevice,
    readonly label: string,
    source: string,
    defines: WgslDefines = {},
  ) {
    this.pipeline = kernelPipeline(device, label, source, defines);
    this.groups = new BindGroupCache(device);
  }

  protected dispatch(encoder: GPUCommandEncoder, buffers: Binding[], workgroups: readonly number[]): void {
    const group = this.groups.get(this.pipeline, buffers, this.label);
    const pass = encoder.beginComputePass({ label: this.label });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1);
    pass.end();
  }
}

export interface FrameUniforms {
  camera: GPUBuffer; // Camera (projection.wgsl)
  params: GPUBuffer; // RenderParams (raster_common.wgsl)
}

/** Per Gaussian of one parameter chunk: 2D splat, SH colour, depth key (outputs bound at the chunk's rows). */
export class ProjectForwardPass extends KernelPass {
  constructor(device: GPUDevice) {
    super(device, 'Rasterize.projectForward', projectForwardSource);
  }
  encode(
    encoder: GPUCommandEncoder,
    u: FrameUniforms,
    b: { gaussians: GPUBuffer; splats: Binding; depthKeys: Binding; depthIds: Binding },
    count: number,
  ): void {
    this.dispatch(
      encoder,
      [u.camera, u.params, b.gaussians, b.splats, b.depthKeys, b.depthIds],
      linearWorkgroups(count),
    );
  }
}

/** Per depth-sorted Gaussian: number of tiles touched. */
export class TileCountsPass extends KernelPass {
  constructor(device: GPUDevice) {
    super(device, 'Rasterize.tileCounts', tileCountsSource);
  }
  encode(
    encoder: GPUCommandEncoder,
    u: FrameUniforms,
    b: { splats: GPUBuffer; depthIds: GPUBuffer; tileCounts: GPUBuffer },
    count: number,
  ): void {
    this.dispatch(encoder, [u.params, b.splats, b.depthIds, b.tileCounts], linearWorkgroups(count));
  }
}

/** Per depth-sorted Gaussian: one (tile, Gaussian) pair per touched tile. */
export class MapIntersectionsPass extends KernelPass {
  constructor(device: GPUDevice) {
    super(device, 'Rasterize.mapIntersections', mapIntersectionsSource);
  }
  encode(
    encoder: GPUCommandEncoder,
    u: FrameUniforms,
    b: {
      splats: GPUBuffer;
      depthIds: GPUBuffer;
      offsets: GPUBuffer;
      tileIds: GPUBuffer;
      gaussianIds: GPUBuffer;
    },
    count: number,
  ): void {
    this.dispatch(
      encoder,
      [u.params, b.splats, b.depthIds, b.offsets, b.tileIds, b.gaussianIds],
      linearWorkgroups(count),
    );
  }
}

/** Per intersection of the tile-sorted list: start/end of each tile's run (ranges cleared first). */
export class TileRangesPass extends KernelPass {
  constructor(device: GPUDevice) {
    super(device, 'Rasterize.tileRanges', tileRangesSource);
  }
  encode(
    encoder: GPUCommandEncoder,
    b: { isectCount: GPUBuffer; tileIds: GPUBuffer; tileRanges: GPUBuffer },
    intersections: number,
  ): void {
    encoder.clearBuffer(b.tileRanges);
    this.dispatch(encoder, [b.isectCount, b.tileIds, b.tileRanges], linearWorkgroups(intersections));
  }
}

export interface RasterBuffers {
  splats: GPUBuffer;
  gaussianIds: GPUBuffer;
  tileRanges: GPUBuffer;
}

/**
 * Kernel variants of the compositing stages: 'batched' (one workgroup per tile, splats streamed through
 * workgroup memory: real GPUs), 'direct' (one invocation per pixel reading the tile's list directly) or
 * 'serial' (one invocation per tile, pixel state in private arrays, each splat visits only the pixels of
 * its box, and backward sums a tile's pixels before its float atomics: CPU emulation such as SwiftShader,
 * where barriers and atomics dominate). All three compute the same image and gradients.
 */
export type RasterVariant = 'batched' | 'direct' | 'serial';

/** Number of workgroups for a tile grid: one per tile, or 4 tiles per workgroup for 'serial'. */
function tileWorkgroups(variant: RasterVariant, tiles: [number, number]): number[] {
  return variant === 'serial' ? [Math.ceil((tiles[0] * tiles[1]) / 4)] : tiles;
}

/** Front-to-back compositing. */
export class RasterizeForwardPass extends KernelPass {
  constructor(
    device: GPUDevice,
    readonly variant: RasterVariant,
  ) {
    super(
      device,
      `Rasterize.forward.${variant}`,
      variant === 'serial' ? rasterizeForwardSerialSource : rasterizeForwardSource,
      { WORKGROUP_BATCHES: variant === 'batched' },
    );
  }
  encode(
    encoder: GPUCommandEncoder,
    u: FrameUniforms,
    b: RasterBuffers & { image: GPUBuffer; alpha: GPUBuffer; pixelState: GPUBuffer },
    tiles: [number, number],
  ): void {
    this.dispatch(
      encoder,
      [u.camera, u.params, b.splats, b.gaussianIds, b.tileRanges, b.image, b.alpha, b.pixelState],
      tileWorkgroups(this.variant, tiles),
    );
  }
}

/** Back-to-front gradients, accumulated per Gaussian in screen space. */
export class RasterizeBackwardPass extends KernelPass {
  constructor(
    device: GPUDevice,
    readonly variant: RasterVariant,
  ) {
    super(
      device,
      `Rasterize.backward.${variant}`,
      variant === 'serial' ? rasterizeBackwardSerialSource : rasterizeBackwardSource,
      { WORKGROUP_BATCHES: variant === 'batched' },
    );
  }
  encode(
    encoder: GPUCommandEncoder,
    u: FrameUniforms,
    b: RasterBuffers & { pixelState: GPUBuffer; vImage: GPUBuffer; vAlpha: GPUBuffer; splatGrads: GPUBuffer },
    tiles: [number, number],
  ): void {
    encoder.clearBuffer(b.splatGrads);
    this.dispatch(
      encoder,
      [
        u.camera,
        u.params,
        b.splats,
        b.gaussianIds,
        b.tileRanges,
        b.pixelState,
        b.vImage,
        b.vAlpha,
        b.splatGrads,
      ],
      tileWorkgroups(this.variant, tiles),
    );
  }
}

/** Per Gaussian: screen-space gradients -> parameter gradients (written, or with `accumulate` added). */
export class ProjectBackwardPass extends KernelPass {
  constructor(device: GPUDevice, accumulate = false) {
    super(
      device,
      accumulate ? 'Rasterize.projectBackwardAccumulate' : 'Rasterize.projectBackward',
      projectBackwardSource,
      { ACCUMULATE: accumulate },
    );
  }
  encode(
    encoder: GPUCommandEncoder,
    u: FrameUniforms,
    b: { gaussians: GPUBuffer; splatGrads: Binding; grads: GPUBuffer },
    count: number,
  ): void {
    this.dispatch(encoder, [u.camera, u.params, b.gaussians, b.splatGrads, b.grads], linearWorkgroups(count));
  }
}
