// k-means assignment on the GPU (WebGPU via Dawn): the O(n * k * dims) step of Lloyd's algorithm, through the
// principal-axes search of nearest-centroid.ts (its index is built on the CPU once per call). The centroid
// update (O(n * dims)) stays on the CPU (kmeans-cpu.ts, also the reference for tests).
import { computePipeline, perDevice } from '../../shared/gpu/pipeline-cache.ts';
import { composeWgsl } from '../../shared/wgsl/compose.ts';
import { withErrorScope } from '../gpu/device.ts';
import { settle } from '../gpu/gpu-wait.ts';
import { assertFitsBinding, rowsPerBinding } from '../gpu/limits.ts';
import source from './kmeans-assign.wgsl';
import { buildCentroidIndex, type CentroidIndex } from './nearest-centroid.ts';

const WG = 64;
const MAX_DIMS = 48;
/** Bytes per point of the result: (label, squared distance bits). */
const RESULT_BYTES = 8;
/** Points per dispatch (and per progress report) by default. */
const SLICE = 1 << 16;
const pipelineFor = perDevice((device, dims: number) =>
  computePipeline(device, `KmeansAssign.dims${dims}`, composeWgsl(source, {}, { DIMS: dims })),
);

/**
 * Holds one point set on the GPU; `assign(centroids)` can then run once per Lloyd iteration. The points
 * live in pages of whole points, each under the device's storage-binding limit (compressor/gpu/limits.ts),
 * and are assigned page by page through one result/readback pair, so any number of points fits.
 */
export class KmeansAssignGpu {
  private readonly pages: { first: number; count: number; buffer: GPUBuffer }[] = [];
  private readonly resultBuffer: GPUBuffer;
  private readonly readback: GPUBuffer;
  private readonly params: GPUBuffer;
  private readonly n: number;

  constructor(
    private readonly device: GPUDevice,
    points: Float32Array,
    private readonly dims: number,
    /** Points per page; default: as many as the binding limit allows. */
    pageSize = rowsPerBinding(device, Math.max(dims * 4, RESULT_BYTES), WG),
    /** Points per dispatch. */
    private readonly sliceSize = SLICE,
  ) {
    if (dims < 1 || dims > MAX_DIMS)
      throw new RangeError(`k-means on the GPU supports 1..${MAX_DIMS} dims, got ${dims}`);
    this.n = points.length / dims;
    for (let first = 0; first < this.n || first === 0; first += pageSize) {
      const count = Math.min(pageSize, this.n - first);
      const page = points.subarray(first * dims, (first + count) * dims);
      const buffer = device.createBuffer({
        label: `KmeansAssign.points[${this.pages.length}]`,
        size: Math.max(16, page.byteLength),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      });
      device.queue.writeBuffer(buffer, 0, page.buffer as ArrayBuffer, page.byteOffset, page.byteLength);
      this.pages.push({ first, count, buffer });
      if (count <= 0) break;
    }
    const outBytes = Math.max(16, Math.min(pageSize, this.n) * RESULT_BYTES);
    this.resultBuffer = device.createBuffer({
      label: 'KmeansAssign.result',
      size: outBytes,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    });
    this.readback = device.createBuffer({
      label: 'KmeansAssign.readback',
      size: outBytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    this.params = device.createBuffer({
      label: 'KmeansAssign.params',
      size: 32,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  /** Number of point pages (1 unless the points exceed the binding limit). */
  get pageCount(): number {
    return this.pages.length;
  }

  /**
   * Nearest-centroid labels and squared distances of every point. Pages are dispatched in slices of
   * `sliceSize` points, each waited for, so no submission runs for long (a GPU watchdog resets a device after ~2 s
   * on some systems) and `onSlice(points)` can report progress.
   */
  async assign(
    centroids: Float32Array,
    onSlice: (points: number) => void = () => {},
  ): Promise<{ labels: Uint32Array; distances: Float32Array }> {
    const { device, n, dims } = this;
    const k = centroids.length / dims;
    assertFitsBinding(device, 'k-means: centroids', k, dims * 4, 'centroids');
    const labels = new Uint32Array(n);
    const distances = new Float32Array(n);
    const bits = new Uint32Array(distances.buffer);
    const index = buildCentroidIndex(centroids, dims);
    const { floats, words } = indexArrays(index);
    return withErrorScope(device, async () => {
      const upload = (label: string, data: Float32Array | Uint32Array) => {
        const buffer = device.createBuffer({
          label,
          size: Math.max(16, data.byteLength),
          usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
        });
        device.queue.writeBuffer(buffer, 0, data as Float32Array<ArrayBuffer>);
        return buffer;
      };
      const centroidBuffer = upload('KmeansAssign.centroids', centroids);
      const indexF = upload('KmeansAssign.indexF', floats);
      const indexU = upload('KmeansAssign.indexU', words);
      const pipeline = pipelineFor(device, dims);
      try {
        for (const page of this.pages) {
          if (page.count <= 0) continue;
          const bind = device.createBindGroup({
            layout: pipeline.getBindGroupLayout(0),
            entries: [this.params, page.buffer, centroidBuffer, this.resultBuffer, indexF, indexU].map(
              (buffer, binding) => ({ binding, resource: { buffer } }),
            ),
          });
          for (let first = 0; first < page.count; first += this.sliceSize) {
            const count = Math.min(this.sliceSize, page.count - first);
            const groups = Math.ceil(count / WG);
            const x = Math.min(groups, 65535);
            const y = Math.ceil(groups / x);
            device.queue.writeBuffer(
              this.params,
              0,
              new Uint32Array([first + count, k, x * WG, index.groups, first, 0, 0, 0]),
            );
            const encoder = device.createCommandEncoder({ label: 'KmeansAssign' });
            const pass = encoder.beginComputePass({ label: 'KmeansAssign' });
            pass.setPipeline(pipeline);
            pass.setBindGroup(0, bind);
            pass.dispatchWorkgroups(x, y);
            pass.end();
            device.queue.submit([encoder.finish()]);
            await settle(device.queue.onSubmittedWorkDone());
            onSlice(count);
          }
          const encoder = device.createCommandEncoder({ label: 'KmeansAssign.readback' });
          const bytes = page.count * RESULT_BYTES;
          encoder.copyBufferToBuffer(this.resultBuffer, 0, this.readback, 0, bytes);
          device.queue.submit([encoder.finish()]);
          await settle(this.readback.mapAsync(GPUMapMode.READ, 0, bytes));
          const pairs = new Uint32Array(this.readback.getMappedRange(0, bytes));
          for (let i = 0, at = page.first; i < page.count; i++, at++) {
            labels[at] = pairs[2 * i];
            bits[at] = pairs[2 * i + 1];
          }
          this.readback.unmap();
        }
      } finally {
        centroidBuffer.destroy();
        indexF.destroy();
        indexU.destroy();
      }
      return { labels, distances };
    });
  }

  destroy(): void {
    for (const page of this.pages) page.buffer.destroy();
    this.resultBuffer.destroy();
    this.readback.destroy();
    this.params.destroy();
  }
}

/** The index as kmeans-assign.wgsl reads it: floats (basis, group centres, radii, rotated centroids), words. */
function indexArrays(index: CentroidIndex): { floats: Float32Array; words: Uint32Array } {
  const { dims, groups, k } = index;
  const floats = new Float32Array(dims * dims + groups * dims + groups + k * dims);
  floats.set(index.basis, 0);
  floats.set(index.groupCentre, dims * dims);
  // Radii rounded up to float32, so the float32 bound stays a lower bound.
  const radii = dims * dims + groups * dims;
  index.groupRadius.forEach((r, g) => {
    floats[radii + g] = r * (1 + 1e-6);
  });
  floats.set(index.rotated, radii + groups);
  const words = new Uint32Array(groups + 1 + k);
  words.set(index.groupStart, 0);
  words.set(index.order, groups + 1);
  return { floats, words };
}
