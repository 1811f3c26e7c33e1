// GPU storage of the loaded Gaussians (packed-splats.ts layout), filled chunk by chunk as they stream
// in. Capacity is fixed when a scene starts (header count, capped by max-splats), so bind groups never
// change while chunks arrive. Positions are also kept on the CPU for picking (double-click re-target).
import { SPLAT_FLOATS, type PackedSplats } from './packed-splats.ts';

export class SplatStore {
  readonly splats: GPUBuffer;
  readonly shRest: GPUBuffer;
  readonly positions: Float32Array;
  /** Gaussians written so far (chunks arrive in file order: a prefix is always complete). */
  count = 0;

  constructor(
    private readonly device: GPUDevice,
    readonly capacity: number,
    /** Floats of SH rest per Gaussian (3 * shRestCount(file degree)). */
    readonly shStride: number,
  ) {
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    this.splats = device.createBuffer({ label: 'gs-scene.splats', size: Math.max(16, capacity * SPLAT_FLOATS * 4), usage });
    this.shRest = device.createBuffer({ label: 'gs-scene.shRest', size: Math.max(16, capacity * shStride * 4), usage });
    this.positions = new Float32Array(capacity * 3);
  }

  /** Writes `packed` starting at Gaussian `first`; anything beyond the capacity is dropped. */
  write(first: number, packed: PackedSplats): void {
    const n = Math.min(packed.count, this.capacity - first);
    if (n <= 0) return;
    const queue = this.device.queue;
    queue.writeBuffer(this.splats, first * SPLAT_FLOATS * 4, packed.splats.buffer, packed.splats.byteOffset, n * SPLAT_FLOATS * 4);
    if (this.shStride > 0) {
      queue.writeBuffer(this.shRest, first * this.shStride * 4, packed.shRest.buffer, packed.shRest.byteOffset, n * this.shStride * 4);
    }
    this.positions.set(packed.positions.subarray(0, n * 3), first * 3);
    this.count = Math.max(this.count, first + n);
  }

  destroy(): void {
    this.splats.destroy();
    this.shRest.destroy();
  }
}
