// PrefixSum: portable in-place exclusive scan of u32 on any GPUDevice (Dawn in Node, browser WebGPU).
// Hierarchical: level 0 scans the data in blocks of 1024, writing block totals to level 1, which is scanned
// the same way, up to a single block whose total is the grand total; then each level adds its block offsets.
// No inter-workgroup communication inside a dispatch (no forward-progress assumption). The count may live on
// the GPU: dispatch sizes are then written by a one-thread kernel and used with dispatchWorkgroupsIndirect.
import { composeWgsl } from '../wgsl/compose.ts';
import addSource from '../wgsl/sort/prefix-sum-add.wgsl';
import argsSource from '../wgsl/sort/prefix-sum-args.wgsl';
import scanSource from '../wgsl/sort/prefix-sum-scan.wgsl';
import dispatchSource from '../wgsl/sort/dispatch.wgsl';
import levelSource from '../wgsl/sort/prefix-sum-level.wgsl';
import {
  checkBindingSize,
  checkCount,
  checkDataBuffer,
  checkWorkgroupSize,
  defaultWorkgroupSize,
  CountCopier,
  createBuffer,
  GpuSortError,
  PARAM_SLOT_BYTES,
  type GpuCount,
  type GpuCountBuffer,
  type WorkgroupSize,
} from './gpu-common.ts';
import { computePipeline, perDevice } from './pipeline-cache.ts';

/** Elements scanned by one workgroup (whatever its size: each thread takes SCAN_BLOCK / size). */
export const SCAN_BLOCK = 1024;

const pipelines = perDevice((device, workgroupSize: WorkgroupSize) => {
  const modules = { sort_dispatch: dispatchSource, prefix_sum_level: levelSource };
  const defines = { WG: workgroupSize, PER_THREAD: SCAN_BLOCK / workgroupSize, BLOCK: SCAN_BLOCK };
  return {
    args: computePipeline(device, 'PrefixSum.args', composeWgsl(argsSource, modules, defines)),
    scan: computePipeline(device, 'PrefixSum.scan', composeWgsl(scanSource, modules, defines)),
    add: computePipeline(device, 'PrefixSum.add', composeWgsl(addSource, modules, defines)),
  };
});

export interface PrefixSumOptions {
  /** Largest count this instance scans (internal buffers are sized for it). */
  maxCount: number;
  label?: string;
  /** Threads per workgroup; default: defaultWorkgroupSize(device) (256 on GPUs, 16 on CPU implementations). */
  workgroupSize?: number;
}

/**
 * Exclusive scan of u32 in place: data[i] = sum of data[0..i) (mod 2^32), for i < count; data beyond count is
 * untouched. The total lands in `totalBuffer` (u32 at byte 0) and optionally in a buffer of yours.
 *
 * @example
 * const scan = new PrefixSum(device, { maxCount: 1 << 20 });
 * const encoder = device.createCommandEncoder();
 * scan.encode(encoder, data, n, { buffer: totalOut, offset: 0 }); // data: STORAGE usage
 * device.queue.submit([encoder.finish()]);
 */
export class PrefixSum {
  readonly maxCount: number;
  /** Scan levels (1 for maxCount <= 1024, 2 up to 1024^2, ...). */
  readonly levels: number;
  private readonly device: GPUDevice;
  private readonly label: string;
  private readonly pipelines: ReturnType<typeof pipelines>;
  /** Control: count, max_count, levels (u32). */
  private readonly control: GPUBuffer;
  /** Per level at PARAM_SLOT_BYTES: n, blocks. */
  private readonly levelParams: GPUBuffer;
  /** Per level: indirect dispatch x, y, z. */
  private readonly dispatchArgs: GPUBuffer;
  /** sums[l]: block totals of level l (= the data of level l + 1); sums[levels - 1][0] is the total. */
  private readonly sums: GPUBuffer[] = [];
  private readonly countCopier: CountCopier;
  private readonly argsBindGroup: GPUBindGroup;
  /** Bind groups of the upper levels (data = sums), built once; level 0's depends on the caller's buffer. */
  private readonly upperBindGroups: { scan: GPUBindGroup; add: GPUBindGroup }[] = [];
  private level0: { data: GPUBuffer; scan: GPUBindGroup; add: GPUBindGroup } | undefined;

  constructor(device: GPUDevice, options: PrefixSumOptions) {
    const { maxCount } = options;
    this.label = options.label ?? 'PrefixSum';
    if (!Number.isInteger(maxCount) || maxCount < 0) {
      throw new GpuSortError(`${this.label}: maxCount ${maxCount} must be a non-negative integer`);
    }
    checkBindingSize(device, maxCount * 4, this.label, `maxCount ${maxCount}`);
    this.device = device;
    this.maxCount = maxCount;
    this.pipelines = pipelines(
      device,
      checkWorkgroupSize(options.workgroupSize ?? defaultWorkgroupSize(device), this.label),
    );
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC; // COPY_SRC: inspectable in tests
    let n = maxCount;
    for (;;) {
      const blocks = Math.max(1, Math.ceil(n / SCAN_BLOCK));
      this.sums.push(
        createBuffer(
          device,
          `${this.label}.sums${this.sums.length}`,
          blocks * 4,
          usage | GPUBufferUsage.COPY_SRC,
        ),
      );
      if (blocks === 1) break;
      n = blocks;
    }
    this.levels = this.sums.length;
    this.control = createBuffer(device, `${this.label}.control`, 16, usage | GPUBufferUsage.COPY_DST, [
      0,
      maxCount,
      this.levels,
      0,
    ]);
    this.levelParams = createBuffer(
      device,
      `${this.label}.levels`,
      this.levels * PARAM_SLOT_BYTES,
      usage | GPUBufferUsage.UNIFORM,
    );
    this.dispatchArgs = createBuffer(
      device,
      `${this.label}.dispatch`,
      this.levels * 12,
      usage | GPUBufferUsage.INDIRECT,
    );
    this.countCopier = new CountCopier(device, this.label);
    this.argsBindGroup = device.createBindGroup({
      label: `${this.label}.args`,
      layout: this.pipelines.args.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.control } },
        { binding: 1, resource: { buffer: this.levelParams } },
        { binding: 2, resource: { buffer: this.dispatchArgs } },
      ],
    });
    for (let l = 1; l < this.levels; l++) this.upperBindGroups[l] = this.bindGroups(l, this.sums[l - 1]);
  }

  /** Buffer whose u32 at byte 0 holds the total of the last encoded scan (after it runs). */
  get totalBuffer(): GPUBuffer {
    return this.sums[this.levels - 1];
  }

  /** Scans `data` (STORAGE usage) in place; copies the total to `total` (COPY_DST usage) when given. */
  encode(encoder: GPUCommandEncoder, data: GPUBuffer, count: GpuCount, total?: GpuCountBuffer): void {
    checkDataBuffer(data, count, this.maxCount, this.label, 'data');
    this.encodeArgs(encoder, count);
    const pass = encoder.beginComputePass({ label: `${this.label}.pass` });
    this.encodeScan(pass, data);
    pass.end();
    if (total) encoder.copyBufferToBuffer(this.totalBuffer, 0, total.buffer, total.offset, 4);
  }

  /** First half of `encode`: sets the count for the following `encodeScan` calls (outside a pass). */
  encodeArgs(encoder: GPUCommandEncoder, count: GpuCount): void {
    checkCount(count, this.maxCount, this.label);
    this.countCopier.encode(encoder, count, this.control, 0);
    const pass = encoder.beginComputePass({ label: `${this.label}.argsPass` });
    pass.setPipeline(this.pipelines.args);
    pass.setBindGroup(0, this.argsBindGroup);
    pass.dispatchWorkgroups(1);
    pass.end();
  }

  /** Second half of `encode`: the scan itself, inside a compute pass, with the count of the last encodeArgs. */
  encodeScan(pass: GPUComputePassEncoder, data: GPUBuffer): void {
    if (this.level0?.data !== data) this.level0 = { data, ...this.bindGroups(0, data) };
    const groups = (l: number) => (l === 0 ? this.level0! : this.upperBindGroups[l]);
    pass.setPipeline(this.pipelines.scan);
    for (let l = 0; l < this.levels; l++) {
      pass.setBindGroup(0, groups(l).scan);
      pass.dispatchWorkgroupsIndirect(this.dispatchArgs, l * 12);
    }
    pass.setPipeline(this.pipelines.add);
    for (let l = this.levels - 2; l >= 0; l--) {
      pass.setBindGroup(0, groups(l).add);
      pass.dispatchWorkgroupsIndirect(this.dispatchArgs, l * 12);
    }
  }

  destroy(): void {
    for (const buffer of [...this.sums, this.control, this.levelParams, this.dispatchArgs]) buffer.destroy();
    this.countCopier.destroy();
  }

  private bindGroups(level: number, data: GPUBuffer): { scan: GPUBindGroup; add: GPUBindGroup } {
    const make = (kind: 'scan' | 'add') =>
      this.device.createBindGroup({
        label: `${this.label}.${kind}${level}`,
        layout: this.pipelines[kind].getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.levelParams, offset: level * PARAM_SLOT_BYTES, size: 8 } },
          // Only the first maxCount elements: a caller's buffer may be larger than one storage binding.
          {
            binding: 1,
            resource: { buffer: data, offset: 0, size: Math.min(data.size, Math.max(16, this.maxCount * 4)) },
          },
          { binding: 2, resource: { buffer: this.sums[level] } },
        ],
      });
    return { scan: make('scan'), add: make('add') };
  }
}
