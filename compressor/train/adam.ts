// Adam on GPU-resident parameter groups (3DGS: one group per attribute, each with its own learning
// rate): the parameter, its gradient and both moments live in GPU buffers of [rows, columns] f32.
// Supports gradient accumulation (the rasterizer's gradient summed over k views, then one step),
// and row gathers for pruning/densification that keep parameters AND moments aligned.
import adamSource from './adam.wgsl';
import adamVec4Source from './adam-vec4.wgsl';
import gatherSource from './gather-rows.wgsl';
import { NEW_ROW } from './new-row.ts';
export { NEW_ROW };
import { createStorage, readFloats, writeArray } from './gpu-buffers.ts';


export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  /** 1e-15 as 3DGS. */
  eps?: number;
}

const WORKGROUP = 256;

interface Pipelines {
  adam: GPUComputePipeline;
  /** adam-vec4.wgsl: 4 values per invocation (PackedAdam). */
  adam4: GPUComputePipeline;
  gather: GPUComputePipeline;
}
const cache = new WeakMap<GPUDevice, Pipelines>();
export function pipelines(device: GPUDevice): Pipelines {
  let p = cache.get(device);
  if (!p) {
    const make = (code: string, label: string) =>
      device.createComputePipeline({ label, layout: 'auto', compute: { module: device.createShaderModule({ label, code }), entryPoint: 'main' } });
    p = { adam: make(adamSource, 'Adam.step'), adam4: make(adamVec4Source, 'Adam.stepVec4'), gather: make(gatherSource, 'Adam.gatherRows') };
    cache.set(device, p);
  }
  return p;
}

export function dispatch(pass: GPUComputePassEncoder, elements: number): void {
  const groups = Math.ceil(elements / WORKGROUP);
  if (groups <= 65535) pass.dispatchWorkgroups(groups);
  else pass.dispatchWorkgroups(65535, Math.ceil(groups / 65535));
}

/** One optimised attribute: [rows, columns] parameter, gradient and moments. */
export class AdamGroup {
  /** Adam steps taken (bias correction); kept across row gathers, like PyTorch's per-tensor state. */
  step = 0;
  param: GPUBuffer;
  grad: GPUBuffer;
  moment1: GPUBuffer;
  moment2: GPUBuffer;
  private readonly uniform: GPUBuffer;

  constructor(
    private readonly device: GPUDevice,
    readonly name: string,
    readonly columns: number,
    public rows: number,
    initial?: Float32Array,
  ) {
    const n = rows * columns;
    if (initial && initial.length !== n) throw new RangeError(`Adam group ${name}: ${initial.length} values for ${rows}x${columns}`);
    this.param = createStorage(device, initial ?? n, `${name}.param`);
    this.grad = createStorage(device, n, `${name}.grad`);
    this.moment1 = createStorage(device, n, `${name}.m`);
    this.moment2 = createStorage(device, n, `${name}.v`);
    this.uniform = device.createBuffer({ label: `${name}.adam`, size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  get elements(): number {
    return this.rows * this.columns;
  }

  /** Encodes one Adam step with learning rate `lr`; at most one step of a group per submit (its uniform is rewritten). */
  encodeStep(encoder: GPUCommandEncoder, lr: number, options: AdamOptions & { clearGrad?: boolean } = {}): void {
    this.step++;
    const beta1 = options.beta1 ?? 0.9;
    const beta2 = options.beta2 ?? 0.999;
    const data = new ArrayBuffer(32);
    const u = new Uint32Array(data);
    const f = new Float32Array(data);
    u[0] = this.elements;
    u[1] = options.clearGrad === false ? 0 : 1;
    f[2] = lr / (1 - beta1 ** this.step);
    f[3] = 1 / Math.sqrt(1 - beta2 ** this.step);
    f[4] = beta1;
    f[5] = beta2;
    f[6] = options.eps ?? 1e-15;
    this.device.queue.writeBuffer(this.uniform, 0, data);
    if (this.elements === 0) return;
    const p = pipelines(this.device).adam;
    const pass = encoder.beginComputePass({ label: `Adam.${this.name}` });
    pass.setPipeline(p);
    pass.setBindGroup(0, this.device.createBindGroup({
      layout: p.getBindGroupLayout(0),
      entries: [this.uniform, this.param, this.grad, this.moment1, this.moment2].map((buffer, binding) => ({ binding, resource: { buffer } })),
    }));
    dispatch(pass, this.elements);
    pass.end();
  }

  /**
   * Replaces every buffer by its rows `index` (NEW_ROW: zero moments/gradient), now (own submit).
   * Parameters are gathered too unless `params` gives the new values (densification edits on the CPU).
   */
  gatherRows(index: Uint32Array, params?: Float32Array): void {
    const rows = index.length;
    const n = rows * this.columns;
    if (params && params.length !== n) throw new RangeError(`Adam group ${this.name}: ${params.length} values for ${rows} rows`);
    const indexBuffer = createStorage(this.device, index, `${this.name}.gatherIndex`);
    const uniform = this.device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(uniform, 0, new Uint32Array([rows, this.columns, 0, 0]));
    const encoder = this.device.createCommandEncoder({ label: `Adam.${this.name}.gather` });
    const gather = (src: GPUBuffer, label: string) => {
      const dst = createStorage(this.device, n, `${this.name}.${label}`);
      if (n > 0) encodeGather(this.device, encoder, uniform, src, indexBuffer, dst, n);
      return dst;
    };
    const old = [this.param, this.grad, this.moment1, this.moment2];
    this.param = params ? createStorage(this.device, params, `${this.name}.param`) : gather(old[0], 'param');
    this.grad = gather(old[1], 'grad');
    this.moment1 = gather(old[2], 'm');
    this.moment2 = gather(old[3], 'v');
    this.rows = rows;
    this.device.queue.submit([encoder.finish()]);
    // Destroy after submit is safe: memory is freed once the submitted work that uses it completes.
    for (const b of [...old, indexBuffer, uniform]) b.destroy();
  }

  /** Overwrites the parameters (same row count), e.g. after an opacity reset; moments untouched. */
  writeParams(values: Float32Array): void {
    if (values.length !== this.elements) throw new RangeError(`Adam group ${this.name}: ${values.length} values for ${this.elements}`);
    writeArray(this.device, this.param, values);
  }

  /** Zeroes both moments (the reference does this when it replaces a tensor, e.g. opacity reset). */
  resetMoments(encoder: GPUCommandEncoder): void {
    encoder.clearBuffer(this.moment1);
    encoder.clearBuffer(this.moment2);
  }

  readParams(): Promise<Float32Array> {
    return readFloats(this.device, this.param, this.elements);
  }

  readGrad(): Promise<Float32Array> {
    return readFloats(this.device, this.grad, this.elements);
  }

  destroy(): void {
    for (const b of [this.param, this.grad, this.moment1, this.moment2, this.uniform]) b.destroy();
  }
}

function encodeGather(device: GPUDevice, encoder: GPUCommandEncoder, uniform: GPUBuffer, src: GPUBuffer, index: GPUBuffer, dst: GPUBuffer, elements: number): void {
  const p = pipelines(device).gather;
  const pass = encoder.beginComputePass({ label: 'Adam.gatherRows' });
  pass.setPipeline(p);
  pass.setBindGroup(0, device.createBindGroup({
    layout: p.getBindGroupLayout(0),
    entries: [uniform, src, index, dst].map((buffer, binding) => ({ binding, resource: { buffer } })),
  }));
  dispatch(pass, elements);
  pass.end();
}

/**
 * Gathers rows of any [rows, columns] f32 buffer into a NEW buffer (encoded; caller submits and destroys
 * the old one after submit). For state outside Adam groups: densification statistics, masks.
 */
export function gatherRowsInto(device: GPUDevice, encoder: GPUCommandEncoder, src: GPUBuffer, columns: number, index: GPUBuffer, rows: number): GPUBuffer {
  const dst = createStorage(device, rows * columns, 'gatheredRows');
  if (rows * columns === 0) return dst;
  const uniform = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(uniform, 0, new Uint32Array([rows, columns, 0, 0]));
  encodeGather(device, encoder, uniform, src, index, dst, rows * columns);
  return dst;
}
