// GPU storage of the loaded Gaussians (packed-splats.ts layout), filled chunk by chunk as they stream
// in. Capacity is fixed when a scene starts (header count, capped by max-splats), so bind groups never
// change while chunks arrive. Positions are also kept on the CPU for picking (double-click re-target),
// with their bounding box (the depth range of the sort keys), and the first CPU_COPY_LIMIT Gaussians in
// full until the GPU pre-pass is ready (cpu-project.ts draws the first frames from them). Until then
// chunks are not uploaded either (only the GPU pre-pass reads the buffers): `flush()` uploads them,
// so tens of MB of uploads do not compete with the first frames.
import { SPLAT_FLOATS, type PackedSplats } from './packed-splats.ts';

/** Gaussians kept on the CPU for the first frames (the most important ones: chunks are in importance
 *  order). Projecting them in JS takes ~10-30 ms a frame. */
export const CPU_COPY_LIMIT = 65536;

export class SplatStore {
  readonly splats: GPUBuffer;
  readonly shRest: GPUBuffer;
  readonly positions: Float32Array;
  /** Gaussians written so far (chunks arrive in file order: a prefix is always complete). */
  count = 0;
  /** Bounding box of the written positions (min xyz, max xyz). */
  readonly bounds = new Float64Array([Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity]);
  /** Full copies of the first Gaussians (undefined once released). */
  cpuSplats: Float32Array | undefined;
  cpuShRest: Float32Array | undefined;
  /** Chunks written but not yet uploaded (while `deferUploads`). */
  private pending: { first: number; packed: PackedSplats; count: number }[] = [];
  deferUploads = true;

  constructor(
    private readonly device: GPUDevice,
    readonly capacity: number,
    /** Floats of SH rest per Gaussian (3 * shRestCount(file degree)). */
    readonly shStride: number,
  ) {
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    this.splats = device.createBuffer({
      label: 'gs-scene.splats',
      size: Math.max(16, capacity * SPLAT_FLOATS * 4),
      usage,
    });
    this.shRest = device.createBuffer({
      label: 'gs-scene.shRest',
      size: Math.max(16, capacity * shStride * 4),
      usage,
    });
    this.positions = new Float32Array(capacity * 3);
    const cpu = Math.min(capacity, CPU_COPY_LIMIT);
    this.cpuSplats = new Float32Array(cpu * SPLAT_FLOATS);
    this.cpuShRest = new Float32Array(cpu * shStride);
  }

  /** Gaussians available in the CPU copy. */
  get cpuCount(): number {
    return Math.min(this.count, CPU_COPY_LIMIT);
  }

  /** Writes `packed` starting at Gaussian `first`; anything beyond the capacity is dropped. */
  write(first: number, packed: PackedSplats): void {
    const n = Math.min(packed.count, this.capacity - first);
    if (n <= 0) return;
    if (this.deferUploads) this.pending.push({ first, packed, count: n });
    else this.upload(first, packed, n);
    const positions = packed.positions.subarray(0, n * 3);
    this.positions.set(positions, first * 3);
    const b = this.bounds;
    for (let i = 0; i < positions.length; i += 3) {
      for (let a = 0; a < 3; a++) {
        const p = positions[i + a]!;
        if (p < b[a]!) b[a] = p;
        if (p > b[a + 3]!) b[a + 3] = p;
      }
    }
    const cpu = Math.min(n, CPU_COPY_LIMIT - first);
    if (cpu > 0 && this.cpuSplats && this.cpuShRest) {
      this.cpuSplats.set(packed.splats.subarray(0, cpu * SPLAT_FLOATS), first * SPLAT_FLOATS);
      this.cpuShRest.set(packed.shRest.subarray(0, cpu * this.shStride), first * this.shStride);
    }
    this.count = Math.max(this.count, first + n);
  }

  /** Uploads the chunks held back so far; later writes upload at once. */
  flush(): void {
    this.deferUploads = false;
    for (const { first, packed, count } of this.pending) this.upload(first, packed, count);
    this.pending = [];
  }

  private upload(first: number, packed: PackedSplats, n: number): void {
    const queue = this.device.queue;
    queue.writeBuffer(
      this.splats,
      first * SPLAT_FLOATS * 4,
      packed.splats.buffer,
      packed.splats.byteOffset,
      n * SPLAT_FLOATS * 4,
    );
    if (this.shStride > 0) {
      queue.writeBuffer(
        this.shRest,
        first * this.shStride * 4,
        packed.shRest.buffer,
        packed.shRest.byteOffset,
        n * this.shStride * 4,
      );
    }
  }

  /** Frees the CPU copy once the GPU pre-pass draws everything. */
  releaseCpuCopy(): void {
    this.cpuSplats = this.cpuShRest = undefined;
  }

  destroy(): void {
    this.pending = [];
    this.splats.destroy();
    this.shRest.destroy();
    this.releaseCpuCopy();
  }
}
