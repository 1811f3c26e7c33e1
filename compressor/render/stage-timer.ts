// GPU time per rasterizer stage, for benchmarks and profiling: timestamp queries written by empty
// compute passes between the stages (so stages encoded by other modules, such as the radix sort, are
// timed too), resolved into one buffer and read back after the work is done. Needs the device feature
// 'timestamp-query' (Dawn has it on SwiftShader and on most GPUs); `StageTimer.create` returns
// undefined without it. Stage time = difference of consecutive marks; marks sharing a label add up.
import { settle } from '../gpu/gpu-wait.ts';

/** Most marks one measurement holds (the rasterizer's forward + backward use ~15). */
const CAPACITY = 64;

export class StageTimer {
  private readonly querySet: GPUQuerySet;
  private readonly resolve: GPUBuffer;
  private readonly readback: GPUBuffer;
  private labels: string[] = [];

  static create(device: GPUDevice): StageTimer | undefined {
    return device.features.has('timestamp-query') ? new StageTimer(device) : undefined;
  }

  private constructor(private readonly device: GPUDevice) {
    this.querySet = device.createQuerySet({ label: 'StageTimer', type: 'timestamp', count: CAPACITY });
    this.resolve = device.createBuffer({
      label: 'StageTimer.resolve',
      size: CAPACITY * 8,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
    this.readback = device.createBuffer({
      label: 'StageTimer.readback',
      size: CAPACITY * 8,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
  }

  /** Starts a new measurement (forgets the marks of the last one). */
  reset(): void {
    this.labels = [];
  }

  /** Records the time at which the GPU gets here; the span up to the next mark is charged to `label`. */
  mark(encoder: GPUCommandEncoder, label: string): void {
    if (this.labels.length >= CAPACITY) return;
    const pass = encoder.beginComputePass({
      label: `StageTimer.${label}`,
      timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: this.labels.length },
    });
    pass.end();
    this.labels.push(label);
  }

  /** Milliseconds per label since reset(), in first-seen order; the last mark only closes the span before it. */
  async read(): Promise<Map<string, number>> {
    const count = this.labels.length;
    const out = new Map<string, number>();
    if (count < 2) return out;
    const encoder = this.device.createCommandEncoder({ label: 'StageTimer.read' });
    encoder.resolveQuerySet(this.querySet, 0, count, this.resolve, 0);
    encoder.copyBufferToBuffer(this.resolve, 0, this.readback, 0, count * 8);
    this.device.queue.submit([encoder.finish()]);
    await settle(this.readback.mapAsync(GPUMapMode.READ, 0, count * 8));
    const ticks = new BigInt64Array(this.readback.getMappedRange(0, count * 8).slice(0));
    this.readback.unmap();
    for (let i = 0; i + 1 < count; i++) {
      const ms = Number(ticks[i + 1] - ticks[i]) / 1e6; // timestamps are nanoseconds
      out.set(this.labels[i], (out.get(this.labels[i]) ?? 0) + ms);
    }
    return out;
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolve.destroy();
    this.readback.destroy();
  }
}
