// GPU accumulation of the AbsGS densification statistics (see densify-stats.wgsl), and their download
// into the CPU form densify.ts uses.
import { computePipeline, oncePerDevice } from '../../shared/gpu/pipeline-cache.ts';
import source from './densify-stats.wgsl';
import { dispatch } from './adam.ts';
import { createStorage, readFloats } from './gpu-buffers.ts';
import type { DensifyStats } from './densify.ts';

const pipeline = oncePerDevice((device) => computePipeline(device, 'DensifyStats', source));

export class DensifyStatsPass {
  /** [N, 2] f32: accumulated NDC gradient norm, visible-view count. */
  stats: GPUBuffer;
  private readonly uniforms: GPUBuffer[];
  private next = 0;

  constructor(
    private readonly device: GPUDevice,
    public count: number,
  ) {
    this.stats = createStorage(device, count * 2, 'DensifyStats');
    this.uniforms = Array.from({ length: 4 }, () =>
      device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
    );
  }

  /** splatGrads: the rasterizer's [N, 12] per-Gaussian screen-space gradients of one view. */
  encode(encoder: GPUCommandEncoder, splatGrads: GPUBuffer, width: number, height: number): void {
    if (this.count === 0) return;
    const uniform = this.uniforms[this.next];
    this.next = (this.next + 1) % this.uniforms.length;
    const data = new ArrayBuffer(16);
    new Uint32Array(data, 0, 1)[0] = this.count;
    new Float32Array(data, 4, 2).set([width / 2, height / 2]);
    this.device.queue.writeBuffer(uniform, 0, data);
    const p = pipeline(this.device);
    const pass = encoder.beginComputePass({ label: 'DensifyStats' });
    pass.setPipeline(p);
    pass.setBindGroup(
      0,
      this.device.createBindGroup({
        layout: p.getBindGroupLayout(0),
        entries: [uniform, splatGrads, this.stats].map((buffer, binding) => ({
          binding,
          resource: { buffer },
        })),
      }),
    );
    dispatch(pass, this.count);
    pass.end();
  }

  async read(): Promise<DensifyStats> {
    const raw = await readFloats(this.device, this.stats, this.count * 2);
    const gradAccum = new Float32Array(this.count);
    const denom = new Float32Array(this.count);
    for (let i = 0; i < this.count; i++) {
      gradAccum[i] = raw[i * 2];
      denom[i] = raw[i * 2 + 1];
    }
    return { gradAccum, denom };
  }

  /** Zeroed statistics for a new Gaussian count (after every densify/prune, as the reference). */
  reset(count: number): void {
    this.stats.destroy();
    this.count = count;
    this.stats = createStorage(this.device, count * 2, 'DensifyStats');
  }

  destroy(): void {
    this.stats.destroy();
    for (const u of this.uniforms) u.destroy();
  }
}
