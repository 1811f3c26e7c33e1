// The trainer's GPU-resident Gaussians: packed parameters (compressor/render/gaussian-layout.ts), the
// summed gradient the optimizer steps on (the training backward adds each view into it), the rasterizer's
// per-view gradient output (overwritten per view; blendingWeights reads it), and PackedAdam's moments.
// Edits (densify, prune, the exact-budget cut) download the scene, change it on the CPU and come back
// through `replace`, which re-packs the moments by source row (NEW_ROW: zeros) and zeroes the gradient.
import { createScene, type GaussianScene } from '../../../shared/scene/gaussian-scene.ts';
import { columnsOf, packGaussians, type GaussianLayout } from '../../render/gaussian-layout.ts';
import { createStorage, readFloats, writeArray } from '../gpu-buffers.ts';
import { PackedAdam, packedLayoutFrom, type PackedLayout } from '../packed-adam.ts';

/** Parameters and optimizer state on the CPU: restores a run at a phase boundary (shared dense phase). */
export interface TrainingSnapshot {
  scene: GaussianScene;
  moment1: Float32Array;
  moment2: Float32Array;
  steps: Map<string, number>;
}

export class GpuScene {
  layout: GaussianLayout;
  packed: PackedLayout;
  params: GPUBuffer;
  /** Sum of per-view gradients since the last optimizer step (same packed layout). */
  grads: GPUBuffer;
  /** The rasterizer's output for one view (overwritten each backward). */
  viewGrads: GPUBuffer;
  readonly adam: PackedAdam;
  readonly antialiased: boolean;

  constructor(
    private readonly device: GPUDevice,
    scene: GaussianScene,
  ) {
    const { layout, data } = packGaussians(scene);
    this.layout = layout;
    this.packed = packedLayoutFrom(layout);
    this.antialiased = scene.antialiased;
    this.params = createStorage(device, data, 'Train.params');
    this.grads = createStorage(device, layout.length, 'Train.grads');
    this.viewGrads = createStorage(device, layout.length, 'Train.viewGrads');
    this.adam = new PackedAdam(device, this.packed);
  }

  get count(): number {
    return this.layout.count;
  }

  /** The current parameters as a scene (a GPU->CPU sync). */
  async download(): Promise<GaussianScene> {
    const data = await readFloats(this.device, this.params, this.layout.length);
    const c = columnsOf(this.layout, data);
    const scene = createScene(this.layout.count, this.layout.shDegree, this.antialiased);
    scene.positions.set(c.positions);
    scene.logScales.set(c.logScales);
    scene.rotations.set(c.rotations);
    scene.opacityLogits.set(c.opacityLogits);
    scene.shDC.set(c.shDC);
    scene.shRest.set(c.shRest);
    return scene;
  }

  /** Opacity logits [N] (one small readback). */
  readOpacityLogits(): Promise<Float32Array> {
    return readFloats(this.device, this.params, this.layout.count, this.layout.offsets.opacities);
  }

  /**
   * Replaces the Gaussians by `scene`, whose row r came from old row sourceIndex[r] (NEW_ROW: new).
   * Moments follow their rows; the summed gradient restarts at zero.
   */
  replace(scene: GaussianScene, sourceIndex: Uint32Array): void {
    const { layout, data } = packGaussians(scene);
    const packed = packedLayoutFrom(layout);
    this.adam.gatherRows(packed, sourceIndex);
    for (const b of [this.params, this.grads, this.viewGrads]) b.destroy();
    this.layout = layout;
    this.packed = packed;
    this.params = createStorage(this.device, data, 'Train.params');
    this.grads = createStorage(this.device, layout.length, 'Train.grads');
    this.viewGrads = createStorage(this.device, layout.length, 'Train.viewGrads');
  }

  /** Overwrites the parameters with a same-shaped scene (opacity reset); moments untouched. */
  writeScene(scene: GaussianScene): void {
    if (scene.count !== this.layout.count)
      throw new RangeError(`writeScene: ${scene.count} Gaussians for ${this.layout.count}`);
    writeArray(this.device, this.params, packGaussians(scene).data);
  }

  async snapshot(): Promise<TrainingSnapshot> {
    const [scene, moment1, moment2] = await Promise.all([
      this.download(),
      readFloats(this.device, this.adam.moment1, this.layout.length),
      readFloats(this.device, this.adam.moment2, this.layout.length),
    ]);
    return { scene, moment1, moment2, steps: new Map(this.adam.steps) };
  }

  static restore(device: GPUDevice, snapshot: TrainingSnapshot): GpuScene {
    const g = new GpuScene(device, snapshot.scene);
    writeArray(device, g.adam.moment1, snapshot.moment1);
    writeArray(device, g.adam.moment2, snapshot.moment2);
    for (const [k, v] of snapshot.steps) g.adam.steps.set(k, v);
    return g;
  }

  destroy(): void {
    for (const b of [this.params, this.grads, this.viewGrads]) b.destroy();
    this.adam.destroy();
  }
}
