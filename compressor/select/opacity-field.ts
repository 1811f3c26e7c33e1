// The natural-selection regularization field on opacity logits v (docs/method.md), CPU reference and GPU pass.
//   prior-free:    R = w · mean((v + 20) / max(0.05, 1 − a))²
//   finite-prior:  R = 3w · (mean(v) + 20)²
// The gradient dR/dv is ADDED to the opacity-logit gradient buffer (the rendering loss's gradient), as
// the reference adds R to the loss before backward. The reference (authors' train.py) does NOT detach
// the denominator max(0.05, 1 − a): autograd differentiates through it, adding (v + 20)·a(1 − a)/r² to
// 1/r where 1 − a > 0.05. We do the same by default (`detachDenominator: false`).
import type { FieldApplication } from './natural-selection.ts';
import { TARGET_LOGIT } from './natural-selection.ts';
import { computePipeline, oncePerDevice } from '../../shared/gpu/pipeline-cache.ts';
import meanSource from './opacity-field-mean.wgsl';
import fieldSource from './opacity-field.wgsl';

export interface FieldOptions {
  /** Treat max(0.05, 1 − a) as a constant (docs/method.md's reading); the reference does not. */
  detachDenominator?: boolean;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

function priorFreeTerm(v: number): number {
  return (v - TARGET_LOGIT) / Math.max(0.05, 1 - sigmoid(v));
}

/** The mean over every Gaussian of the field's inner term (float64): what the GPU mean pass computes. */
export function opacityFieldMean(logits: ArrayLike<number>, field: FieldApplication): number {
  let sum = 0;
  for (let i = 0; i < logits.length; i++)
    sum += field.kind === 'prior-free' ? priorFreeTerm(logits[i]) : logits[i];
  return sum / logits.length;
}

/** The regularizer's value R (float64), for logging and finite-difference tests. */
export function opacityFieldValue(logits: ArrayLike<number>, field: FieldApplication): number {
  const mean = opacityFieldMean(logits, field);
  return field.kind === 'prior-free'
    ? field.weight * mean * mean
    : 3 * field.weight * (mean - TARGET_LOGIT) ** 2;
}

/** Adds dR/dv to `gradient` (float64 arithmetic, the reference for the kernel). */
export function addOpacityFieldGradient(
  logits: ArrayLike<number>,
  gradient: Float32Array | Float64Array,
  field: FieldApplication,
  options: FieldOptions = {},
): void {
  const n = logits.length;
  if (n === 0) return;
  const mean = opacityFieldMean(logits, field);
  if (field.kind === 'finite-prior') {
    const g = (6 * field.weight * (mean - TARGET_LOGIT)) / n;
    for (let i = 0; i < n; i++) gradient[i] += g;
    return;
  }
  const outer = (2 * field.weight * mean) / n;
  for (let i = 0; i < n; i++) {
    const v = logits[i];
    const a = sigmoid(v);
    const r = Math.max(0.05, 1 - a);
    let d = 1 / r;
    if (!options.detachDenominator && 1 - a > 0.05) d += ((v - TARGET_LOGIT) * a * (1 - a)) / (r * r);
    gradient[i] += outer * d;
  }
}

interface Pipelines {
  mean: GPUComputePipeline;
  field: GPUComputePipeline;
}
const getPipelines = oncePerDevice(
  (device): Pipelines => ({
    mean: computePipeline(device, 'OpacityField.mean', meanSource),
    field: computePipeline(device, 'OpacityField.add', fieldSource),
  }),
);

const WORKGROUP = 256;
/** Bytes of the Params uniform (opacity-field.wgsl): count, kind, weight, detach, total, padding. */
const PARAMS_BYTES = 32;

/** One part's opacity sections of a scene held in parts (train/loop/gpu-scene.ts). */
export interface OpacitySection {
  logits: GPUBuffer;
  gradient: GPUBuffer;
  count: number;
  /** Floats, a multiple of 64. */
  offset: number;
}

/**
 * GPU pass: adds the field's gradient to an opacity-logit gradient buffer. One instance per trainer;
 * `encode` writes its uniform with queue.writeBuffer, so encode it at most once per submit.
 */
export class OpacityFieldPass {
  private readonly uniform: GPUBuffer;
  private readonly mean: GPUBuffer;
  /** One uniform per part for encodeParts (each part's count differs within one submit). */
  private readonly partUniforms: GPUBuffer[] = [];

  constructor(
    private readonly device: GPUDevice,
    private readonly options: FieldOptions = {},
  ) {
    this.uniform = device.createBuffer({
      label: 'OpacityField.params',
      size: PARAMS_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.mean = device.createBuffer({
      label: 'OpacityField.mean',
      size: 16,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
  }

  private params(count: number, total: number, field: FieldApplication): ArrayBuffer {
    const params = new ArrayBuffer(PARAMS_BYTES);
    const u = new Uint32Array(params);
    const f = new Float32Array(params);
    u[0] = count;
    u[1] = field.kind === 'prior-free' ? 0 : 1;
    f[2] = field.weight;
    u[3] = this.options.detachDenominator ? 1 : 0;
    u[4] = total;
    return params;
  }

  /**
   * logits: [count] f32 opacity logits; gradient: [count] f32 dL/dv, updated in place. `offset` (floats,
   * a multiple of 64 = 256 bytes) selects the opacity section of a packed parameter/gradient buffer.
   */
  encode(
    encoder: GPUCommandEncoder,
    logits: GPUBuffer,
    gradient: GPUBuffer,
    count: number,
    field: FieldApplication,
    offset = 0,
  ): void {
    if (count === 0) return;
    if (offset % 64 !== 0)
      throw new RangeError(`OpacityFieldPass: offset ${offset} floats is not 256-byte aligned`);
    const section = (buffer: GPUBuffer) => ({ buffer, offset: offset * 4, size: count * 4 });
    this.device.queue.writeBuffer(this.uniform, 0, this.params(count, count, field));
    const p = getPipelines(this.device);
    const pass = encoder.beginComputePass({ label: 'OpacityField' });
    pass.setPipeline(p.mean);
    pass.setBindGroup(
      0,
      this.device.createBindGroup({
        layout: p.mean.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.uniform } },
          { binding: 1, resource: section(logits) },
          { binding: 2, resource: { buffer: this.mean } },
        ],
      }),
    );
    pass.dispatchWorkgroups(1);
    pass.setPipeline(p.field);
    pass.setBindGroup(
      0,
      this.device.createBindGroup({
        layout: p.field.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.uniform } },
          { binding: 1, resource: section(logits) },
          { binding: 2, resource: { buffer: this.mean } },
          { binding: 3, resource: section(gradient) },
        ],
      }),
    );
    dispatch1d(pass, count, WORKGROUP);
    pass.end();
  }

  /**
   * The same gradient for a scene held in parts: `mean` (opacityFieldMean over all `total` Gaussians,
   * taken on the CPU) replaces the GPU mean pass, and each part's section gets dR/dv with N = total.
   */
  encodeParts(
    encoder: GPUCommandEncoder,
    parts: readonly OpacitySection[],
    total: number,
    field: FieldApplication,
    mean: number,
  ): void {
    if (total === 0) return;
    this.device.queue.writeBuffer(this.mean, 0, new Float32Array([mean]));
    const p = getPipelines(this.device);
    const pass = encoder.beginComputePass({ label: 'OpacityField.parts' });
    pass.setPipeline(p.field);
    parts.forEach((part, i) => {
      if (part.count === 0) return;
      if (part.offset % 64 !== 0)
        throw new RangeError(`OpacityFieldPass: offset ${part.offset} floats is not 256-byte aligned`);
      this.partUniforms[i] ??= this.device.createBuffer({
        label: `OpacityField.params[${i}]`,
        size: PARAMS_BYTES,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      });
      this.device.queue.writeBuffer(this.partUniforms[i], 0, this.params(part.count, total, field));
      const section = (buffer: GPUBuffer) => ({ buffer, offset: part.offset * 4, size: part.count * 4 });
      pass.setBindGroup(
        0,
        this.device.createBindGroup({
          layout: p.field.getBindGroupLayout(0),
          entries: [
            { binding: 0, resource: { buffer: this.partUniforms[i] } },
            { binding: 1, resource: section(part.logits) },
            { binding: 2, resource: { buffer: this.mean } },
            { binding: 3, resource: section(part.gradient) },
          ],
        }),
      );
      dispatch1d(pass, part.count, WORKGROUP);
    });
    pass.end();
  }

  destroy(): void {
    for (const b of [this.uniform, this.mean, ...this.partUniforms]) b.destroy();
  }
}

/** Dispatches ceil(count / size) workgroups, folded into 2D when over the 65,535 per-dimension limit. */
export function dispatch1d(pass: GPUComputePassEncoder, count: number, size: number): void {
  const groups = Math.ceil(count / size);
  if (groups <= 65535) pass.dispatchWorkgroups(groups);
  else pass.dispatchWorkgroups(65535, Math.ceil(groups / 65535));
}
