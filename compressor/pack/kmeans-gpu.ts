// k-means assignment on the GPU (WebGPU via Dawn): the O(n * k * dims) step of Lloyd's algorithm. The
// centroid update (O(n * dims)) stays on the CPU (kmeans-cpu.ts), which is also the reference for tests.
import { computePipeline, perDevice } from '../../shared/gpu/pipeline-cache.ts';
import { composeWgsl } from '../../shared/wgsl/compose.ts';
import { withErrorScope } from '../gpu/device.ts';
import { settle } from '../gpu/gpu-wait.ts';
import { assertFitsBinding, rowsPerBinding } from '../gpu/limits.ts';
import source from './kmeans-assign.wgsl';

const WG = 64;
const MAX_DIMS = 48;
/** Bytes per point of the result: (label, squared distance bits). */
const RESULT_BYTES = 8;
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
      size: 16,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  /** Number of point pages (1 unless the points exceed the binding limit). */
  get pageCount(): number {
    return this.pages.length;
  }

  /** Nearest-centroid labels and squared distances of every point. */
  async assign(centroids: Float32Array): Promise<{ labels: Uint32Array; distances: Float32Array }> {
    const { device, n, dims } = this;
    const k = centroids.length / dims;
    assertFitsBinding(device, 'k-means: centroids', k, dims * 4, 'centroids');
    const labels = new Uint32Array(n);
    const distances = new Float32Array(n);
    const bits = new Uint32Array(distances.buffer);
    return withErrorScope(device, async () => {
      const centroidBuffer = device.createBuffer({
        label: 'KmeansAssign.centroids',
        size: Math.max(16, centroids.byteLength),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      });
      device.queue.writeBuffer(centroidBuffer, 0, centroids as Float32Array<ArrayBuffer>);
      const pipeline = pipelineFor(device, dims);
      try {
        for (const page of this.pages) {
          if (page.count <= 0) continue;
          const groups = Math.ceil(page.count / WG);
          const x = Math.min(groups, 65535);
          const y = Math.ceil(groups / x);
          device.queue.writeBuffer(this.params, 0, new Uint32Array([page.count, k, x * WG, 0]));
          const bind = device.createBindGroup({
            layout: pipeline.getBindGroupLayout(0),
            entries: [this.params, page.buffer, centroidBuffer, this.resultBuffer].map((buffer, binding) => ({
              binding,
              resource: { buffer },
            })),
          });
          const encoder = device.createCommandEncoder({ label: 'KmeansAssign' });
          const pass = encoder.beginComputePass({ label: 'KmeansAssign' });
          pass.setPipeline(pipeline);
          pass.setBindGroup(0, bind);
          pass.dispatchWorkgroups(x, y);
          pass.end();
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
