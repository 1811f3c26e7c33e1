// GPU storage of the loaded Gaussians (splat-layout.ts's packed records and SH rest for the drawn
// degree), filled chunk by chunk as they stream in. The buffers grow with the data actually received
// (doubling, copied on the GPU), never beyond `maxCapacity` (the scene's budget, splat-budget.ts), so a
// header claiming millions of Gaussians costs nothing until they arrive; `version` changes on every growth
// so the renderer rebuilds what binds them. Positions are also kept on the CPU for picking (double-click
// re-target, the first frames' CPU depth order), with their bounding box (the depth range of the sort
// keys). Until the GPU depth order is ready only the first EARLY_LIMIT Gaussians are uploaded (the first
// frames draw no more); `flush()` uploads the rest, so tens of MB of uploads do not compete with the
// first frames.
import type { PackedSplats } from './packed-splats.ts';
import { SPLAT_WORDS, type SplatGrids, shRestWords, truncateShRest } from './splat-layout.ts';

/** Gaussians the first frames draw at most (the most important ones: chunks are in importance order).
 *  Ordering them in JS takes ~10-30 ms a frame. */
export const EARLY_LIMIT = 65536;
/** Smallest allocation: a first chunk or two, without regrowing at once. */
export const INITIAL_CAPACITY = 65536;

export class SplatStore {
  splats: GPUBuffer;
  shRest: GPUBuffer;
  /** Gaussians the buffers hold now. */
  capacity: number;
  /** Increments whenever the buffers are replaced (growth). */
  version = 0;
  positions: Float32Array;
  /** Gaussians written so far (chunks arrive in file order: a prefix is always complete). */
  count = 0;
  /** Bounding box of the written positions (min xyz, max xyz). */
  readonly bounds = new Float64Array([Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity]);
  /** The grids of the records' codes (the first chunk's: every chunk of a file has the same). */
  grids: SplatGrids = { logScale: { min: 0, step: 1 }, shDC: { min: 0, step: 1 } };
  /** Chunks written but not yet uploaded (while `deferUploads`). */
  private pending: { first: number; splats: Uint32Array; shRest: Uint32Array; count: number }[] = [];
  deferUploads = true;
  private destroyed = false;

  constructor(
    private readonly device: GPUDevice,
    /** Most Gaussians this scene may hold (its budget). */
    public maxCapacity: number,
    /** u32 words of SH rest per Gaussian (shRestWords of the drawn degree). */
    readonly shWords: number,
    /** Called when growing failed (out of GPU memory): the Gaussians kept so far stay. */
    private readonly onGrowthFailed: (message: string) => void = () => undefined,
  ) {
    this.capacity = Math.min(maxCapacity, INITIAL_CAPACITY);
    [this.splats, this.shRest] = this.createBuffers(this.capacity);
    this.positions = new Float32Array(this.capacity * 3);
  }

  /** GPU bytes held by the splat buffers. */
  get gpuBytes(): number {
    return this.splats.size + this.shRest.size;
  }

  /** Gaussians the first frames may draw (uploaded at once). */
  get earlyCount(): number {
    return Math.min(this.count, EARLY_LIMIT);
  }

  private createBuffers(capacity: number): [GPUBuffer, GPUBuffer] {
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    return [
      this.device.createBuffer({
        label: 'gs-scene.splats',
        size: Math.max(16, capacity * SPLAT_WORDS * 4),
        usage,
      }),
      this.device.createBuffer({
        label: 'gs-scene.shRest',
        size: Math.max(16, capacity * this.shWords * 4),
        usage,
      }),
    ];
  }

  /** Makes room for `needed` Gaussians (at most maxCapacity): doubles, copying what the GPU holds. */
  private grow(needed: number): void {
    if (needed <= this.capacity || this.capacity >= this.maxCapacity) return;
    const capacity = Math.min(this.maxCapacity, Math.max(needed, this.capacity * 2));
    const { device } = this;
    device.pushErrorScope('out-of-memory');
    const [splats, shRest] = this.createBuffers(capacity);
    const old = { splats: this.splats, shRest: this.shRest, capacity: this.capacity };
    const encoder = device.createCommandEncoder({ label: 'gs-scene.grow' });
    encoder.copyBufferToBuffer(old.splats, 0, splats, 0, old.splats.size);
    if (this.shWords > 0) encoder.copyBufferToBuffer(old.shRest, 0, shRest, 0, old.shRest.size);
    device.queue.submit([encoder.finish()]);
    this.splats = splats;
    this.shRest = shRest;
    this.capacity = capacity;
    this.version++;
    const positions = new Float32Array(capacity * 3);
    positions.set(this.positions);
    this.positions = positions;
    // The old buffers stay until the allocation is known to have worked: on failure they come back.
    void device.popErrorScope().then((error) => {
      if (!error) {
        old.splats.destroy();
        old.shRest.destroy();
        return;
      }
      if (this.destroyed || this.splats !== splats) return; // gone or replaced meanwhile
      splats.destroy();
      shRest.destroy();
      this.splats = old.splats;
      this.shRest = old.shRest;
      this.capacity = this.maxCapacity = old.capacity;
      this.count = Math.min(this.count, old.capacity);
      this.version++;
      this.onGrowthFailed(
        `out of GPU memory growing to ${capacity} Gaussians (${error.message}); keeping the first ${old.capacity}`,
      );
    });
  }

  /** Writes `packed` starting at Gaussian `first`; anything beyond maxCapacity is dropped. */
  write(first: number, packed: PackedSplats): void {
    this.grow(Math.min(this.maxCapacity, first + packed.count));
    const n = Math.min(packed.count, this.capacity - first);
    if (n <= 0) return;
    if (this.count === 0) this.grids = packed.grids;
    const splats = packed.splats.subarray(0, n * SPLAT_WORDS);
    const shRest = this.shRestFor(packed, n);
    // The first frames' Gaussians go up at once, the rest once the GPU depth order draws them.
    const early = this.deferUploads ? Math.max(0, Math.min(n, EARLY_LIMIT - first)) : n;
    if (early > 0) this.upload(first, splats, shRest, early);
    if (early < n) {
      this.pending.push({
        first: first + early,
        splats: splats.subarray(early * SPLAT_WORDS),
        shRest: shRest.subarray(early * this.shWords),
        count: n - early,
      });
    }
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
    this.count = Math.max(this.count, first + n);
  }

  /** The chunk's SH rest at this store's degree: a prefix of each Gaussian's words, or zeros when the
   *  chunk has fewer (decoded before the SH codebook arrived). */
  private shRestFor(packed: PackedSplats, n: number): Uint32Array {
    const words = shRestWords(packed.shDegree);
    if (words < this.shWords) return new Uint32Array(n * this.shWords);
    return truncateShRest(packed.shRest, n, words, this.shWords).subarray(0, n * this.shWords);
  }

  /** Uploads the chunks held back so far; later writes upload at once. */
  flush(): void {
    this.deferUploads = false;
    for (const { first, splats, shRest, count } of this.pending) {
      // A failed growth may have shrunk the store since.
      const n = Math.min(count, this.capacity - first);
      if (n > 0) this.upload(first, splats, shRest, n);
    }
    this.pending = [];
  }

  private upload(first: number, splats: Uint32Array, shRest: Uint32Array, n: number): void {
    const queue = this.device.queue;
    queue.writeBuffer(
      this.splats,
      first * SPLAT_WORDS * 4,
      splats.buffer,
      splats.byteOffset,
      n * SPLAT_WORDS * 4,
    );
    if (this.shWords > 0) {
      queue.writeBuffer(
        this.shRest,
        first * this.shWords * 4,
        shRest.buffer,
        shRest.byteOffset,
        n * this.shWords * 4,
      );
    }
  }

  destroy(): void {
    this.destroyed = true;
    this.pending = [];
    this.splats.destroy();
    this.shRest.destroy();
  }
}
