// The trainer's GPU-resident Gaussians: packed parameters (compressor/render/gaussian-layout.ts), the
// summed gradient the optimizer steps on (the training backward adds each view into it), the rasterizer's
// per-view gradient output (overwritten per view; the importance baseline reads it), and PackedAdam's
// moments. Edits (densify, prune, the exact-budget cut) download the scene, change it on the CPU and come
// back through `replace`, which re-packs the moments by source row (NEW_ROW: zeros) and zeroes the gradient.
//
// A scene whose packed parameters exceed one storage binding is held in parts of consecutive Gaussians
// (compressor/render/param-chunks.ts), each with its own parameters, gradient sum and moments: train
// steps, edits (`replace` re-partitions and gathers moments across parts), snapshots and downloads work
// on any number of parts; the single-buffer members (`params`, `grads`, `viewGrads`, `adam`) name the
// limit when the scene is split.
import { createScene, type GaussianScene } from '../../../shared/scene/gaussian-scene.ts';
import { bufferLimits, formatBytes, GpuLimitError } from '../../gpu/limits.ts';
import {
  columnsOf,
  gaussianLayout,
  packGaussians,
  type GaussianLayout,
} from '../../render/gaussian-layout.ts';
import { GaussianRasterizer, type ParamSource } from '../../render/gaussian-rasterizer.ts';
import { chunkCapacity, chunkRanges, type ParamChunk, sceneRows } from '../../render/param-chunks.ts';
import type { OpacitySection } from '../../select/opacity-field.ts';
import { createStorage, readFloats, writeArray } from '../gpu-buffers.ts';
import { PackedAdam, packedLayoutFrom, type PackedLayout } from '../packed-adam.ts';
import { encodeGatherFromParts, joinPacked, splitPacked } from './part-rows.ts';

/** Parameters and optimizer state on the CPU: restores a run at a phase boundary (shared dense phase). */
export interface TrainingSnapshot {
  scene: GaussianScene;
  moment1: Float32Array;
  moment2: Float32Array;
  steps: Map<string, number>;
}

/** Consecutive Gaussians [first, first + layout.count) with their own packed buffers and optimizer. */
interface ScenePart {
  first: number;
  layout: GaussianLayout;
  params: GPUBuffer;
  grads: GPUBuffer;
  adam: PackedAdam;
}

export class GpuScene {
  /** The whole scene's packed layout (of `params` when the scene is one part). */
  layout: GaussianLayout;
  packed: PackedLayout;
  readonly antialiased: boolean;
  private parts: ScenePart[];
  private viewGradsBuffer: GPUBuffer | undefined;

  /** `partCapacity`: Gaussians per part (default: as many as one storage binding holds). */
  constructor(
    private readonly device: GPUDevice,
    scene: GaussianScene,
    private readonly partCapacity?: number,
  ) {
    this.antialiased = scene.antialiased;
    this.layout = gaussianLayout(scene.count, scene.shDegree);
    this.packed = packedLayoutFrom(this.layout);
    this.parts = this.upload(scene);
  }

  private upload(scene: GaussianScene): ScenePart[] {
    // Checked before any allocation: one line naming the limit and how many Gaussians fit.
    GaussianRasterizer.assertFits(this.device, scene.count, 'training');
    const fitsOne = this.layout.length * 4 <= bufferLimits(this.device).maxBindingBytes;
    const capacity =
      this.partCapacity ?? (fitsOne ? scene.count : chunkCapacity(this.device, scene.shDegree));
    const ranges = chunkRanges(scene.count, Math.max(1, capacity));
    const parts = ranges.map(({ first, count }, i) => {
      const { layout, data } = packGaussians(sceneRows(scene, first, count));
      return {
        first,
        layout,
        params: createStorage(this.device, data, `Train.params[${i}]`),
        grads: createStorage(this.device, layout.length, `Train.grads[${i}]`),
        adam: new PackedAdam(this.device, packedLayoutFrom(layout)),
      };
    });
    this.viewGradsBuffer =
      parts.length === 1 ? createStorage(this.device, this.layout.length, 'Train.viewGrads') : undefined;
    return parts;
  }

  get count(): number {
    return this.layout.count;
  }

  /** Number of parts (1 unless the packed parameters exceed one storage binding). */
  get partCount(): number {
    return this.parts.length;
  }

  /** The parameters as the rasterizer takes them (one buffer or chunks). */
  get paramSource(): ParamSource {
    if (this.parts.length === 1) return { gaussians: this.parts[0].params, layout: this.layout };
    const chunks: ParamChunk[] = this.parts.map((p) => ({
      first: p.first,
      layout: p.layout,
      buffer: p.params,
    }));
    return { chunks };
  }

  /** The gradient sums, one per part, as the rasterizer's backward takes them. */
  get gradSums(): GPUBuffer[] {
    return this.parts.map((p) => p.grads);
  }

  /** Encodes one Adam step of every part (sections named in `lrs`). */
  encodeStep(encoder: GPUCommandEncoder, lrs: Record<string, number>): void {
    for (const p of this.parts) p.adam.encodeStep(encoder, p.params, p.grads, lrs);
  }

  private single(what: string): ScenePart {
    if (this.parts.length === 1) return this.parts[0];
    throw new GpuLimitError(
      `training: ${what} needs the scene in one buffer, but ${this.count.toLocaleString('en-US')} Gaussians ` +
        `(${formatBytes(this.layout.length * 4)} packed) exceed this device's storage-binding limit of ` +
        `${formatBytes(bufferLimits(this.device).maxBindingBytes)}: at most ` +
        `${chunkCapacity(this.device, this.layout.shDegree).toLocaleString('en-US')} Gaussians fit`,
    );
  }

  /** The packed parameters (one part only). */
  get params(): GPUBuffer {
    return this.single('a single parameter buffer').params;
  }

  /** Sum of per-view gradients since the last optimizer step (same packed layout; one part only). */
  get grads(): GPUBuffer {
    return this.single('a single gradient buffer').grads;
  }

  /** The rasterizer's output for one view (overwritten each backward; one part only). */
  get viewGrads(): GPUBuffer {
    this.single('a per-view gradient buffer');
    return this.viewGradsBuffer!;
  }

  get adam(): PackedAdam {
    return this.single('one optimizer state').adam;
  }

  /** The current parameters as a scene (a GPU->CPU sync). */
  async download(): Promise<GaussianScene> {
    const scene = createScene(this.layout.count, this.layout.shDegree, this.antialiased);
    const k = 3 * this.layout.restCount;
    const datas = await Promise.all(
      this.parts.map((p) => readFloats(this.device, p.params, p.layout.length)),
    );
    this.parts.forEach((p, i) => {
      const c = columnsOf(p.layout, datas[i]);
      scene.positions.set(c.positions, 3 * p.first);
      scene.logScales.set(c.logScales, 3 * p.first);
      scene.rotations.set(c.rotations, 4 * p.first);
      scene.opacityLogits.set(c.opacityLogits, p.first);
      scene.shDC.set(c.shDC, 3 * p.first);
      scene.shRest.set(c.shRest, k * p.first);
    });
    return scene;
  }

  /** Opacity logits [N] (one small readback per part). */
  async readOpacityLogits(): Promise<Float32Array> {
    const out = new Float32Array(this.count);
    const parts = await Promise.all(
      this.parts.map((p) => readFloats(this.device, p.params, p.layout.count, p.layout.offsets.opacities)),
    );
    this.parts.forEach((p, i) => {
      out.set(parts[i], p.first);
    });
    return out;
  }

  /**
   * Replaces the Gaussians by `scene`, whose row r came from old row sourceIndex[r] (NEW_ROW: new).
   * Moments follow their rows, across parts when the scene is held in parts (re-partitioned for the new
   * count); the summed gradient restarts at zero. Throws GpuLimitError before any change when the new
   * count does not fit.
   */
  replace(scene: GaussianScene, sourceIndex: Uint32Array): void {
    if (sourceIndex.length !== scene.count)
      throw new RangeError(`replace: ${sourceIndex.length} source rows for ${scene.count} Gaussians`);
    GaussianRasterizer.assertFits(this.device, scene.count, 'training');
    const old = this.parts;
    const oldViewGrads = this.viewGradsBuffer;
    const steps = new Map(old[0].adam.steps);
    this.layout = gaussianLayout(scene.count, scene.shDegree);
    this.packed = packedLayoutFrom(this.layout);
    this.parts = this.upload(scene);
    const encoder = this.device.createCommandEncoder({ label: 'Train.replace' });
    const temporaries: GPUBuffer[] = [];
    for (const moment of ['moment1', 'moment2'] as const) {
      const sources = old.map((p) => ({ first: p.first, layout: p.adam.layout, buffer: p.adam[moment] }));
      for (const p of this.parts) {
        const dst = { first: p.first, layout: p.adam.layout, buffer: p.adam[moment] };
        encodeGatherFromParts(this.device, encoder, sources, dst, sourceIndex, temporaries, 'Train.moments');
      }
    }
    for (const p of this.parts) for (const [k, v] of steps) p.adam.steps.set(k, v);
    this.device.queue.submit([encoder.finish()]);
    for (const b of temporaries) b.destroy();
    oldViewGrads?.destroy();
    for (const p of old) {
      p.params.destroy();
      p.grads.destroy();
      p.adam.destroy();
    }
  }

  /** Zeroes one section's moments in every part (the 3DGS opacity reset). */
  clearMoments(encoder: GPUCommandEncoder, section: string): void {
    for (const p of this.parts) p.adam.resetSection(encoder, section);
  }

  /** Zeroes one section's moments and restarts its bias correction (a fresh Adam for that section). */
  restartMoments(encoder: GPUCommandEncoder, section: string): void {
    for (const p of this.parts) {
      p.adam.resetSection(encoder, section);
      p.adam.steps.set(section, 0);
    }
  }

  /** Each part's opacity-logit section of parameters and gradient sum (the selection field). */
  get opacitySections(): OpacitySection[] {
    return this.parts.map((p) => ({
      logits: p.params,
      gradient: p.grads,
      count: p.layout.count,
      offset: p.layout.offsets.opacities,
    }));
  }

  /** The Adam moments in the whole scene's packed layout (a GPU->CPU sync). */
  async readMoments(): Promise<{ moment1: Float32Array; moment2: Float32Array }> {
    const read = async (moment: 'moment1' | 'moment2') => {
      const datas = await Promise.all(
        this.parts.map((p) => readFloats(this.device, p.adam[moment], p.layout.length)),
      );
      return joinPacked(
        this.packed,
        this.parts.map((p, i) => ({ first: p.first, layout: p.adam.layout, data: datas[i] })),
      );
    };
    return { moment1: await read('moment1'), moment2: await read('moment2') };
  }

  /** Overwrites the moments with whole-scene packed data of this scene's layout. */
  writeMoments(moment1: Float32Array, moment2: Float32Array): void {
    for (const p of this.parts) {
      writeArray(this.device, p.adam.moment1, splitPacked(this.packed, moment1, p.adam.layout, p.first));
      writeArray(this.device, p.adam.moment2, splitPacked(this.packed, moment2, p.adam.layout, p.first));
    }
  }

  /** Overwrites the parameters with a same-shaped scene (opacity reset); moments untouched. */
  writeScene(scene: GaussianScene): void {
    if (scene.count !== this.layout.count)
      throw new RangeError(`writeScene: ${scene.count} Gaussians for ${this.layout.count}`);
    for (const p of this.parts)
      writeArray(this.device, p.params, packGaussians(sceneRows(scene, p.first, p.layout.count)).data);
  }

  async snapshot(): Promise<TrainingSnapshot> {
    const [scene, moments] = await Promise.all([this.download(), this.readMoments()]);
    return { scene, ...moments, steps: new Map(this.parts[0].adam.steps) };
  }

  /** A scene from a snapshot (in parts of `partCapacity` Gaussians, default: as the device's limit allows). */
  static restore(device: GPUDevice, snapshot: TrainingSnapshot, partCapacity?: number): GpuScene {
    const g = new GpuScene(device, snapshot.scene, partCapacity);
    g.writeMoments(snapshot.moment1, snapshot.moment2);
    for (const p of g.parts) for (const [k, v] of snapshot.steps) p.adam.steps.set(k, v);
    return g;
  }

  destroy(): void {
    for (const p of this.parts) {
      p.params.destroy();
      p.grads.destroy();
      p.adam.destroy();
    }
    this.viewGradsBuffer?.destroy();
  }
}
