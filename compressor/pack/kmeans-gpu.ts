// k-means assignment on the GPU (WebGPU via Dawn): the O(n * k * dims) step of Lloyd's algorithm. The
// centroid update (O(n * dims)) stays on the CPU (kmeans-cpu.ts), which is also the reference for tests.
import { composeWgsl } from '../../shared/wgsl/compose.ts';
import { withErrorScope } from '../gpu/device.ts';
import { settle } from '../gpu/gpu-wait.ts';
import source from './kmeans-assign.wgsl';

const WG = 64;
const MAX_DIMS = 48;
const pipelines = new WeakMap<GPUDevice, Map<number, GPUComputePipeline>>();

function pipelineFor(device: GPUDevice, dims: number): GPUComputePipeline {
  let byDims = pipelines.get(device);
  if (!byDims) {
    byDims = new Map();
    pipelines.set(device, byDims);
  }
  let pipeline = byDims.get(dims);
  if (!pipeline) {
    const module = device.createShaderModule({
      label: `KmeansAssign.dims${dims}`,
      code: composeWgsl(source, {}, { DIMS: dims }),
    });
    pipeline = device.createComputePipeline({
      label: `KmeansAssign.dims${dims}`,
      layout: 'auto',
      compute: { module, entryPoint: 'main' },
    });
    byDims.set(dims, pipeline);
  }
  return pipeline;
}

/** Holds one point set on the GPU; `assign(centroids)` can then run once per Lloyd iteration. */
export class KmeansAssignGpu {
  private readonly pointsBuffer: GPUBuffer;
  private readonly resultBuffer: GPUBuffer;
  private readonly readback: GPUBuffer;
  private readonly n: number;

  constructor(
    private readonly device: GPUDevice,
    points: Float32Array,
    private readonly dims: number,
  ) {
    if (dims < 1 || dims > MAX_DIMS)
      throw new RangeError(`k-means on the GPU supports 1..${MAX_DIMS} dims, got ${dims}`);
    this.n = points.length / dims;
    this.pointsBuffer = device.createBuffer({
      label: 'KmeansAssign.points',
      size: Math.max(16, points.byteLength),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(this.pointsBuffer, 0, points as Float32Array<ArrayBuffer>);
    const outBytes = Math.max(16, this.n * 8);
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
  }

  /** Nearest-centroid labels and squared distances of every point. */
  async assign(centroids: Float32Array): Promise<{ labels: Uint32Array; distances: Float32Array }> {
    const { device, n, dims } = this;
    const k = centroids.length / dims;
    return withErrorScope(device, async () => {
      const centroidBuffer = device.createBuffer({
        label: 'KmeansAssign.centroids',
        size: Math.max(16, centroids.byteLength),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      });
      device.queue.writeBuffer(centroidBuffer, 0, centroids as Float32Array<ArrayBuffer>);
      const groups = Math.ceil(n / WG);
      const x = Math.min(groups, 65535);
      const y = Math.ceil(groups / x);
      const params = device.createBuffer({
        label: 'KmeansAssign.params',
        size: 16,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      });
      device.queue.writeBuffer(params, 0, new Uint32Array([n, k, x * WG, 0]));
      const pipeline = pipelineFor(device, dims);
      const bind = device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [params, this.pointsBuffer, centroidBuffer, this.resultBuffer].map((buffer, binding) => ({
          binding,
          resource: { buffer },
        })),
      });
      const encoder = device.createCommandEncoder({ label: 'KmeansAssign' });
      const pass = encoder.beginComputePass({ label: 'KmeansAssign' });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bind);
      if (n > 0) pass.dispatchWorkgroups(x, y);
      pass.end();
      encoder.copyBufferToBuffer(this.resultBuffer, 0, this.readback, 0, Math.max(16, n * 8));
      device.queue.submit([encoder.finish()]);
      await settle(this.readback.mapAsync(GPUMapMode.READ));
      const mapped = this.readback.getMappedRange();
      const pairs = new Uint32Array(mapped.slice(0, n * 8));
      const labels = new Uint32Array(n);
      const distances = new Float32Array(n);
      const bits = new Uint32Array(distances.buffer);
      for (let i = 0; i < n; i++) {
        labels[i] = pairs[2 * i];
        bits[i] = pairs[2 * i + 1];
      }
      this.readback.unmap();
      centroidBuffer.destroy();
      params.destroy();
      return { labels, distances };
    });
  }

  destroy(): void {
    this.pointsBuffer.destroy();
    this.resultBuffer.destroy();
    this.readback.destroy();
  }
}
