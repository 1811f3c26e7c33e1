// RadixSort: portable stable LSD radix sort of (u32 key, u32 value) pairs on any GPUDevice (Dawn in Node,
// browser WebGPU), 4 bits a pass. Each pass is the classic three steps: per-tile digit histogram -> exclusive
// scan of the digit-major histograms (PrefixSum, hierarchical) -> stable scatter. No inter-workgroup
// spin-waiting or decoupled look-back, so it needs no forward-progress guarantee (SwiftShader, mobile GPUs).
// The count may live on the GPU: dispatch sizes then come from a one-thread kernel + dispatchWorkgroupsIndirect.
import { composeWgsl } from '../wgsl/compose.ts';
import dispatchSource from '../wgsl/sort/dispatch.wgsl';
import argsSource from '../wgsl/sort/radix-args.wgsl';
import copySource from '../wgsl/sort/radix-copy.wgsl';
import histogramSource from '../wgsl/sort/radix-histogram.wgsl';
import paramsSource from '../wgsl/sort/radix-params.wgsl';
import scatterSource from '../wgsl/sort/radix-scatter.wgsl';
import {
  checkBindingSize,
  checkCount,
  checkDataBuffer,
  checkWorkgroupSize,
  defaultWorkgroupSize,
  CountCopier,
  createBuffer,
  GpuSortError,
  isCpuAdapter,
  PARAM_SLOT_BYTES,
  type GpuCount,
  type WorkgroupSize,
} from './gpu-common.ts';
import { computePipeline, perDevice } from './pipeline-cache.ts';
import { PrefixSum } from './prefix-sum.ts';

const RADIX_BITS = 4;
const RADIX = 1 << RADIX_BITS;
const MAX_PASSES = 32 / RADIX_BITS;
/** Elements per workgroup (tile) of the histogram and scatter kernels, whatever the workgroup size. Staging
 *  a tile's keys and values takes 2 * TILE u32 = 8 KiB of workgroup memory: within WebGPU's 16 KiB default. */
export const SORT_TILE = 1024;
/** SortParams (radix-params.wgsl): n, tiles, scan_count, count, max_count, 3 pads. */
const PARAMS_BYTES = 32;
const PARAMS_SCAN_COUNT_OFFSET = 8;
const PARAMS_COUNT_OFFSET = 12;

/** Pipeline variant: workgroup size, and whether the scatter writes straight to global memory. */
type Variant = `${WorkgroupSize}:${'staged' | 'direct'}`;

const pipelines = perDevice((device, variant: Variant) => {
  const [size, scatter] = variant.split(':');
  const workgroupSize = Number(size);
  const modules = { sort_dispatch: dispatchSource, radix_params: paramsSource };
  const defines = {
    DIRECT_SCATTER: scatter === 'direct',
    WG: workgroupSize,
    PER_THREAD: SORT_TILE / workgroupSize,
    TILE: SORT_TILE,
    // Staging (2 * TILE) and the packed 8-word scan (8 * WG) share one workgroup array.
    SMEM: Math.max(2 * SORT_TILE, 8 * workgroupSize),
  };
  const build = (name: string, source: string) =>
    computePipeline(device, `RadixSort.${name}`, composeWgsl(source, modules, defines));
  return {
    args: build('args', argsSource),
    histogram: build('histogram', histogramSource),
    scatter: build('scatter', scatterSource),
    copy: build('copy', copySource),
  };
});

export interface RadixSortOptions {
  /** Largest count this instance sorts (internal ping-pong buffers are sized for it). */
  maxCount: number;
  label?: string;
  /** Threads per workgroup; default: defaultWorkgroupSize(device) (256 on GPUs, 16 on CPU implementations). */
  workgroupSize?: number;
  /** 'staged' reorders each tile in workgroup memory so writes coalesce (GPUs); 'direct' writes each element
   *  straight to its destination, fewer operations where coalescing buys nothing (default on CPU adapters). */
  scatter?: 'staged' | 'direct';
}

interface BufferPair {
  keys: GPUBuffer;
  values: GPUBuffer;
}

/**
 * Stable sort of `count` (key, value) pairs by the low `keyBits` bits of the key (higher key bits are
 * ignored but kept). Results end in the caller's `keys`/`values` buffers (an odd number of passes is copied
 * back); elements at and beyond `count` are untouched. Buffers need STORAGE usage; a count buffer needs COPY_SRC.
 *
 * @example
 * const sorter = new RadixSort(device, { maxCount: 1 << 20, label: 'depthSort' });
 * const encoder = device.createCommandEncoder();
 * sorter.encode(encoder, depthKeys, splatIds, { buffer: visibleCount, offset: 0 }, 16);
 * device.queue.submit([encoder.finish()]);
 */
export class RadixSort {
  readonly maxCount: number;
  private readonly device: GPUDevice;
  private readonly label: string;
  private readonly pipelines: ReturnType<typeof pipelines>;
  private readonly temp: BufferPair;
  /** Digit-major per-tile histograms, scanned in place into output offsets. */
  private readonly hist: GPUBuffer;
  private readonly params: GPUBuffer;
  private readonly dispatchArgs: GPUBuffer;
  /** PassParams per (pass, digit width) at PARAM_SLOT_BYTES: slot = pass * RADIX_BITS + width - 1. */
  private readonly passParams: GPUBuffer;
  private readonly scan: PrefixSum;
  private readonly countCopier: CountCopier;
  private readonly argsBindGroup: GPUBindGroup;
  private cached: { caller: BufferPair; groups: Map<string, GPUBindGroup> } | undefined;

  constructor(device: GPUDevice, options: RadixSortOptions) {
    const { maxCount } = options;
    this.label = options.label ?? 'RadixSort';
    if (!Number.isInteger(maxCount) || maxCount < 0) {
      throw new GpuSortError(`${this.label}: maxCount ${maxCount} must be a non-negative integer`);
    }
    checkBindingSize(device, maxCount * 4, this.label, `maxCount ${maxCount}`);
    this.device = device;
    this.maxCount = maxCount;
    const workgroupSize = checkWorkgroupSize(
      options.workgroupSize ?? defaultWorkgroupSize(device),
      this.label,
    );
    const scatter = options.scatter ?? (isCpuAdapter(device) ? 'direct' : 'staged');
    if (scatter !== 'staged' && scatter !== 'direct') {
      throw new GpuSortError(`${this.label}: scatter '${String(scatter)}' must be 'staged' or 'direct'`);
    }
    this.pipelines = pipelines(device, `${workgroupSize}:${scatter}`);
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC; // COPY_SRC: inspectable in tests
    this.temp = {
      keys: createBuffer(device, `${this.label}.tempKeys`, maxCount * 4, storage),
      values: createBuffer(device, `${this.label}.tempValues`, maxCount * 4, storage),
    };
    const maxTiles = Math.ceil(maxCount / SORT_TILE);
    this.hist = createBuffer(device, `${this.label}.histogram`, RADIX * maxTiles * 4, storage);
    this.params = createBuffer(
      device,
      `${this.label}.params`,
      PARAMS_BYTES,
      storage | GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
      [0, 0, 0, 0, maxCount, 0, 0, 0],
    );
    this.dispatchArgs = createBuffer(device, `${this.label}.dispatch`, 12, storage | GPUBufferUsage.INDIRECT);
    const slots = new Uint32Array((MAX_PASSES * RADIX_BITS * PARAM_SLOT_BYTES) / 4);
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      for (let width = 1; width <= RADIX_BITS; width++) {
        const slot = (pass * RADIX_BITS + width - 1) * (PARAM_SLOT_BYTES / 4);
        slots[slot] = pass * RADIX_BITS;
        slots[slot + 1] = (1 << width) - 1;
      }
    }
    this.passParams = createBuffer(
      device,
      `${this.label}.passParams`,
      slots.byteLength,
      GPUBufferUsage.UNIFORM,
      slots,
    );
    this.scan = new PrefixSum(device, {
      maxCount: RADIX * maxTiles,
      label: `${this.label}.scan`,
      workgroupSize,
    });
    this.countCopier = new CountCopier(device, this.label);
    this.argsBindGroup = device.createBindGroup({
      label: `${this.label}.args`,
      layout: this.pipelines.args.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.params } },
        { binding: 1, resource: { buffer: this.dispatchArgs } },
      ],
    });
  }

  /** Encodes the sort of `count` pairs by the low `keyBits` (0..32) bits of the keys. */
  encode(
    encoder: GPUCommandEncoder,
    keys: GPUBuffer,
    values: GPUBuffer,
    count: GpuCount,
    keyBits: number,
  ): void {
    if (!Number.isInteger(keyBits) || keyBits < 0 || keyBits > 32) {
      throw new GpuSortError(`${this.label}: keyBits ${keyBits} must be an integer in [0, 32]`);
    }
    const known = checkCount(count, this.maxCount, this.label);
    if (keys === values) throw new GpuSortError(`${this.label}: keys and values must be different buffers`);
    checkDataBuffer(keys, count, this.maxCount, this.label, 'keys');
    checkDataBuffer(values, count, this.maxCount, this.label, 'values');
    const passes = Math.ceil(keyBits / RADIX_BITS);
    if (passes === 0 || known === 0) return;
    const caller = { keys, values };
    this.countCopier.encode(encoder, count, this.params, PARAMS_COUNT_OFFSET);
    const argsPass = encoder.beginComputePass({ label: `${this.label}.argsPass` });
    argsPass.setPipeline(this.pipelines.args);
    argsPass.setBindGroup(0, this.argsBindGroup);
    argsPass.dispatchWorkgroups(1);
    argsPass.end();
    this.scan.encodeArgs(encoder, { buffer: this.params, offset: PARAMS_SCAN_COUNT_OFFSET });

    // Dispatches in one compute pass see each other's storage writes (WebGPU orders them), so one pass holds all.
    const pass = encoder.beginComputePass({ label: `${this.label}.pass` });
    for (let p = 0; p < passes; p++) {
      const width = Math.min(RADIX_BITS, keyBits - p * RADIX_BITS);
      const slot = p * RADIX_BITS + width - 1;
      const [from, to] = p % 2 === 0 ? [caller, this.temp] : [this.temp, caller];
      pass.setPipeline(this.pipelines.histogram);
      pass.setBindGroup(0, this.histogramBindGroup(from, slot, caller));
      pass.dispatchWorkgroupsIndirect(this.dispatchArgs, 0);
      this.scan.encodeScan(pass, this.hist);
      pass.setPipeline(this.pipelines.scatter);
      pass.setBindGroup(0, this.scatterBindGroup(from, to, slot, caller));
      pass.dispatchWorkgroupsIndirect(this.dispatchArgs, 0);
    }
    if (passes % 2 === 1) {
      pass.setPipeline(this.pipelines.copy);
      pass.setBindGroup(0, this.copyBindGroup(caller));
      pass.dispatchWorkgroupsIndirect(this.dispatchArgs, 0);
    }
    pass.end();
  }

  destroy(): void {
    for (const buffer of [
      this.temp.keys,
      this.temp.values,
      this.hist,
      this.params,
      this.dispatchArgs,
      this.passParams,
    ]) {
      buffer.destroy();
    }
    this.scan.destroy();
    this.countCopier.destroy();
    this.cached = undefined;
  }

  /** Bind groups depend on the caller's buffers: kept for the last pair (the usual case: same buffers each frame). */
  private group(caller: BufferPair, key: string, make: () => GPUBindGroup): GPUBindGroup {
    if (this.cached?.caller.keys !== caller.keys || this.cached.caller.values !== caller.values) {
      this.cached = { caller, groups: new Map() };
    }
    let group = this.cached.groups.get(key);
    if (!group) {
      group = make();
      this.cached.groups.set(key, group);
    }
    return group;
  }

  /** Binds only the first maxCount elements: a caller's buffer may be larger than one storage binding. */
  private range(buffer: GPUBuffer): GPUBufferBinding {
    return { buffer, offset: 0, size: Math.min(buffer.size, Math.max(16, this.maxCount * 4)) };
  }

  private passSlot(slot: number): GPUBufferBinding {
    return { buffer: this.passParams, offset: slot * PARAM_SLOT_BYTES, size: 8 };
  }

  private histogramBindGroup(from: BufferPair, slot: number, caller: BufferPair): GPUBindGroup {
    const source = from === caller ? 'caller' : 'temp';
    return this.group(caller, `histogram.${source}.${slot}`, () =>
      this.device.createBindGroup({
        label: `${this.label}.histogram`,
        layout: this.pipelines.histogram.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.params } },
          { binding: 1, resource: this.passSlot(slot) },
          { binding: 2, resource: this.range(from.keys) },
          { binding: 3, resource: { buffer: this.hist } },
        ],
      }),
    );
  }

  private scatterBindGroup(from: BufferPair, to: BufferPair, slot: number, caller: BufferPair): GPUBindGroup {
    const source = from === caller ? 'caller' : 'temp';
    return this.group(caller, `scatter.${source}.${slot}`, () =>
      this.device.createBindGroup({
        label: `${this.label}.scatter`,
        layout: this.pipelines.scatter.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.params } },
          { binding: 1, resource: this.passSlot(slot) },
          { binding: 2, resource: this.range(from.keys) },
          { binding: 3, resource: this.range(from.values) },
          { binding: 4, resource: this.range(to.keys) },
          { binding: 5, resource: this.range(to.values) },
          { binding: 6, resource: { buffer: this.hist } },
        ],
      }),
    );
  }

  private copyBindGroup(caller: BufferPair): GPUBindGroup {
    return this.group(caller, 'copy', () =>
      this.device.createBindGroup({
        label: `${this.label}.copy`,
        layout: this.pipelines.copy.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.params } },
          { binding: 1, resource: { buffer: this.temp.keys } },
          { binding: 2, resource: { buffer: this.temp.values } },
          { binding: 3, resource: this.range(caller.keys) },
          { binding: 4, resource: this.range(caller.values) },
        ],
      }),
    );
  }
}
