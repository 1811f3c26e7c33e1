// Adam over the rasterizer's PACKED parameter buffer (compressor/render/gaussian-layout.ts: one f32
// buffer, a section per attribute, each starting at a multiple of 64 floats = 256 bytes, the storage
// binding offset alignment). Gradients share the layout. Each section steps with its own learning rate
// by binding the same kernel (adam-vec4.wgsl) to that section's byte range. Moments live in buffers with the
// same layout, owned here; `gatherRows` re-packs them when Gaussians are pruned or added.
import { dispatch, pipelines } from './adam.ts';
import { NEW_ROW } from './new-row.ts';
export { NEW_ROW };
import { createStorage } from './gpu-buffers.ts';
import { BindGroupCache } from '../render/bind-group-cache.ts';

/** One attribute's section of a packed buffer: floats [offset, offset + rows·columns). */
export interface PackedSection {
  name: string;
  offset: number; // floats, multiple of 64
  columns: number;
}

export interface PackedLayout {
  count: number; // rows (Gaussians)
  length: number; // total floats
  sections: PackedSection[];
}

export class PackedAdam {
  moment1: GPUBuffer;
  moment2: GPUBuffer;
  /** Steps taken per section (bias correction), kept across gathers like PyTorch's per-tensor state. */
  readonly steps = new Map<string, number>();
  private readonly uniforms = new Map<string, GPUBuffer>();
  /** Bind groups per (section uniform, buffers, ranges): the same every iteration until a re-pack. */
  private readonly groups: BindGroupCache;

  constructor(
    private readonly device: GPUDevice,
    public layout: PackedLayout,
  ) {
    this.moment1 = createStorage(device, layout.length, 'PackedAdam.m');
    this.moment2 = createStorage(device, layout.length, 'PackedAdam.v');
    this.groups = new BindGroupCache(device);
  }

  private uniform(name: string): GPUBuffer {
    let u = this.uniforms.get(name);
    if (!u) {
      u = this.device.createBuffer({
        label: `PackedAdam.${name}`,
        size: 32,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      });
      this.uniforms.set(name, u);
    }
    return u;
  }

  /**
   * Encodes one Adam step of the sections named in `lrs` (name -> learning rate); others are left alone
   * (e.g. SH rest steps on its own schedule). Their gradients are zeroed unless clearGrad is false.
   * At most one step of a section per submit (its uniform is rewritten).
   */
  encodeStep(
    encoder: GPUCommandEncoder,
    params: GPUBuffer,
    grads: GPUBuffer,
    lrs: Record<string, number>,
    options: { clearGrad?: boolean; eps?: number } = {},
  ): void {
    const p = pipelines(this.device).adam4;
    for (const section of this.layout.sections) {
      const lr = lrs[section.name];
      if (lr === undefined) continue;
      const elements = section.columns * this.layout.count;
      // adam-vec4.wgsl steps vec4s: sections start at multiples of 64 floats, so rounding the range up
      // to whole vec4s stays inside the section's padding (or the buffer's 16-byte rounding at the end).
      const vec4s = Math.ceil(elements / 4);
      const step = (this.steps.get(section.name) ?? 0) + 1;
      this.steps.set(section.name, step);
      const data = new ArrayBuffer(32);
      const u = new Uint32Array(data);
      const f = new Float32Array(data);
      u[0] = vec4s;
      u[1] = options.clearGrad === false ? 0 : 1;
      f[2] = lr / (1 - 0.9 ** step);
      f[3] = 1 / Math.sqrt(1 - 0.999 ** step);
      f[4] = 0.9;
      f[5] = 0.999;
      f[6] = options.eps ?? 1e-15;
      u[7] = elements;
      const uniform = this.uniform(section.name);
      this.device.queue.writeBuffer(uniform, 0, data);
      if (elements === 0) continue;
      const range = (buffer: GPUBuffer) => ({ buffer, offset: section.offset * 4, size: vec4s * 16 });
      const pass = encoder.beginComputePass({ label: `PackedAdam.${section.name}` });
      pass.setPipeline(p);
      pass.setBindGroup(
        0,
        this.groups.get(p, [uniform, range(params), range(grads), range(this.moment1), range(this.moment2)]),
      );
      dispatch(pass, vec4s);
      pass.end();
    }
  }

  /** Zeroes the moments of one section (the reference does this on an opacity reset). */
  resetSection(encoder: GPUCommandEncoder, name: string): void {
    const s = this.layout.sections.find((x) => x.name === name);
    if (!s) throw new RangeError(`PackedAdam: no section ${name}`);
    const bytes = Math.ceil((s.columns * this.layout.count * 4) / 4) * 4;
    if (bytes === 0) return;
    encoder.clearBuffer(this.moment1, s.offset * 4, bytes);
    encoder.clearBuffer(this.moment2, s.offset * 4, bytes);
  }

  /**
   * Re-packs the moments for a new layout: new row r takes old row index[r] (NEW_ROW: zeros).
   * Sections are matched by name. Submits its own work; old buffers are destroyed after the submit.
   */
  gatherRows(newLayout: PackedLayout, index: Uint32Array): void {
    if (index.length !== newLayout.count)
      throw new RangeError(`PackedAdam.gatherRows: ${index.length} indices for ${newLayout.count} rows`);
    const indexBuffer = createStorage(this.device, index, 'PackedAdam.gatherIndex');
    const encoder = this.device.createCommandEncoder({ label: 'PackedAdam.gather' });
    const temporaries: GPUBuffer[] = [indexBuffer];
    const old = [this.moment1, this.moment2];
    this.moment1 = encodeGatherPacked(
      this.device,
      encoder,
      old[0],
      this.layout,
      newLayout,
      indexBuffer,
      temporaries,
      'PackedAdam.m',
    );
    this.moment2 = encodeGatherPacked(
      this.device,
      encoder,
      old[1],
      this.layout,
      newLayout,
      indexBuffer,
      temporaries,
      'PackedAdam.v',
    );
    this.device.queue.submit([encoder.finish()]);
    for (const b of [...old, ...temporaries]) b.destroy();
    this.layout = newLayout;
  }

  destroy(): void {
    for (const b of [this.moment1, this.moment2, ...this.uniforms.values()]) b.destroy();
  }
}

/** Sections of the rasterizer's GaussianLayout (compressor/render/gaussian-layout.ts) under the 3DGS group names. */
export function packedLayoutFrom(layout: {
  count: number;
  length: number;
  restCount: number;
  offsets: Record<'means' | 'logScales' | 'quats' | 'opacities' | 'shDC' | 'shRest', number>;
}): PackedLayout {
  const o = layout.offsets;
  return {
    count: layout.count,
    length: layout.length,
    sections: [
      { name: 'means', offset: o.means, columns: 3 },
      { name: 'logScales', offset: o.logScales, columns: 3 },
      { name: 'quats', offset: o.quats, columns: 4 },
      { name: 'opacities', offset: o.opacities, columns: 1 },
      { name: 'shDC', offset: o.shDC, columns: 3 },
      { name: 'shRest', offset: o.shRest, columns: 3 * layout.restCount },
    ],
  };
}

/**
 * Encodes a row gather of a packed buffer into a NEW buffer with `newLayout`: row r of every section
 * takes old row index[r] (NEW_ROW: zeros). Sections are matched by name. Uniforms it creates are pushed
 * to `temporaries` (destroy them after the submit). Use it for the parameters and gradients when
 * pruning on the GPU; PackedAdam.gatherRows does the moments. `into`: gather into this buffer of
 * `newLayout` instead (rows with KEEP_ROW keep its contents).
 */
export function encodeGatherPacked(
  device: GPUDevice,
  encoder: GPUCommandEncoder,
  src: GPUBuffer,
  oldLayout: PackedLayout,
  newLayout: PackedLayout,
  index: GPUBuffer,
  temporaries: GPUBuffer[],
  label = 'packedGather',
  into?: GPUBuffer,
): GPUBuffer {
  const gather = pipelines(device).gather;
  const dst = into ?? createStorage(device, newLayout.length, label);
  const rows = newLayout.count;
  for (const section of newLayout.sections) {
    const from = oldLayout.sections.find((s) => s.name === section.name);
    if (!from) throw new RangeError(`gather: section ${section.name} missing from the old layout`);
    if (from.columns !== section.columns)
      throw new RangeError(`gather: section ${section.name} changed width`);
    if (rows === 0 || oldLayout.count === 0 || section.columns === 0) continue;
    const uniform = device.createBuffer({
      size: 16,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    temporaries.push(uniform);
    device.queue.writeBuffer(uniform, 0, new Uint32Array([rows, section.columns, 0, 0]));
    const pass = encoder.beginComputePass({ label: `${label}.${section.name}` });
    pass.setPipeline(gather);
    pass.setBindGroup(
      0,
      device.createBindGroup({
        layout: gather.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: uniform } },
          {
            binding: 1,
            resource: { buffer: src, offset: from.offset * 4, size: oldLayout.count * from.columns * 4 },
          },
          { binding: 2, resource: { buffer: index, offset: 0, size: rows * 4 } },
          {
            binding: 3,
            resource: { buffer: dst, offset: section.offset * 4, size: rows * section.columns * 4 },
          },
        ],
      }),
    );
    dispatch(pass, rows * section.columns);
    pass.end();
  }
  return dst;
}
