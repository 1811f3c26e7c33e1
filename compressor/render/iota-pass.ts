// Writes ids[i] = i over a bound range: the depth-sort ids of a scene projected in parameter chunks
// (param-chunks.ts), whose projection kernel numbers Gaussians within each chunk.
import { BindGroupCache } from './bind-group-cache.ts';
import { kernelPipeline, linearWorkgroups } from './kernel.ts';

const SOURCE = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> ids: array<u32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i < arrayLength(&ids)) {
    ids[i] = i;
  }
}
`;

export class IotaPass {
  private readonly pipeline: GPUComputePipeline;
  private readonly groups: BindGroupCache;

  constructor(device: GPUDevice) {
    this.pipeline = kernelPipeline(device, 'Rasterize.iota', SOURCE);
    this.groups = new BindGroupCache(device);
  }

  /** Encodes ids[i] = i for i < count (count > 0). */
  encode(encoder: GPUCommandEncoder, ids: GPUBuffer, count: number): void {
    const group = this.groups.get(
      this.pipeline,
      [{ buffer: ids, offset: 0, size: count * 4 }],
      'Rasterize.iota',
    );
    const pass = encoder.beginComputePass({ label: 'Rasterize.iota' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, group);
    const [x, y] = linearWorkgroups(count);
    pass.dispatchWorkgroups(x, y);
    pass.end();
  }
}
