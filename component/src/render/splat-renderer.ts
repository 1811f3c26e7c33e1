// Renders a SplatStore for one camera into a texture: compute pre-pass (cull, project, SH colour, depth
// key) -> finalize (indirect draw args) -> GPU radix sort of the visible splats -> one vertex-pulling
// draw, back-to-front with premultiplied "over" blending. No CPU readback anywhere in a frame.
import type { Camera } from '../../../shared/math/camera.ts';
import { composeWgsl } from '../../../shared/wgsl/compose.ts';
import mathWgsl from '../../../shared/wgsl/math.wgsl';
import projectionWgsl from '../../../shared/wgsl/projection.wgsl';
import shWgsl from '../../../shared/wgsl/sh.wgsl';
// The projection module's Camera uniform layout has one writer, beside its layout test.
import { CAMERA_UNIFORM_BYTES, packCamera } from '../../../compressor/render/camera-uniform.ts';
import { createDepthSorter, warmUpDepthSort, type DepthSorter } from './depth-sort.ts';
import finalizeWgsl from './finalize.wgsl';
import preprocessWgsl from './preprocess.wgsl';
import splatWgsl from './splat.wgsl';
import type { SplatStore } from './splat-store.ts';

const WORKGROUP = 256;
const MAX_GROUPS_X = 65535;
const PARAMS_BYTES = 16;
/** Depth keys keep the top 24 bits of the float (preprocess.wgsl). */
const KEY_BITS = 24;

interface Pipelines {
  preprocess: GPUComputePipeline;
  finalize: GPUComputePipeline;
  draw: GPURenderPipeline;
}

// Pipelines depend only on the device and the target format: cached so many elements share them, and a
// lost device's entries go away with it.
const pipelineCache = new WeakMap<GPUDevice, Map<GPUTextureFormat, Promise<Pipelines>>>();

function pipelines(device: GPUDevice, format: GPUTextureFormat): Promise<Pipelines> {
  let perFormat = pipelineCache.get(device);
  if (!perFormat) pipelineCache.set(device, (perFormat = new Map()));
  let p = perFormat.get(format);
  if (!p) {
    p = createPipelines(device, format);
    perFormat.set(format, p);
  }
  return p;
}

async function createPipelines(device: GPUDevice, format: GPUTextureFormat): Promise<Pipelines> {
  const modules = { math: mathWgsl, projection: projectionWgsl, sh: shWgsl };
  const preprocessModule = device.createShaderModule({ label: 'gs-scene.preprocess', code: composeWgsl(preprocessWgsl, modules) });
  const finalizeModule = device.createShaderModule({ label: 'gs-scene.finalize', code: finalizeWgsl });
  const drawModule = device.createShaderModule({ label: 'gs-scene.splat', code: composeWgsl(splatWgsl, modules) });
  const blend: GPUBlendComponent = { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' };
  // One at a time: Dawn's Node binding (tests) crashes on concurrent async pipeline creation.
  const preprocess = await device.createComputePipelineAsync({
    label: 'gs-scene.preprocess', layout: 'auto', compute: { module: preprocessModule, entryPoint: 'main' },
  });
  const finalize = await device.createComputePipelineAsync({
    label: 'gs-scene.finalize', layout: 'auto', compute: { module: finalizeModule, entryPoint: 'main' },
  });
  const draw = await device.createRenderPipelineAsync({
    label: 'gs-scene.splat',
    layout: 'auto',
    vertex: { module: drawModule, entryPoint: 'vs' },
    fragment: { module: drawModule, entryPoint: 'fs', targets: [{ format, blend: { color: blend, alpha: blend } }] },
    primitive: { topology: 'triangle-list' },
  });
  return { preprocess, finalize, draw };
}

export interface FrameOptions {
  camera: Camera;
  /** Premultiplied clear colour. */
  background: GPUColorDict;
  shDegree: number;
  antialiased: boolean;
}

/** Per-scene GPU state (visible-list buffers sized to the store's capacity). */
export class SplatRenderer {
  private readonly cameraBuffer: GPUBuffer;
  private readonly paramsBuffer: GPUBuffer;
  private readonly viewportBuffer: GPUBuffer;
  private readonly projected: GPUBuffer;
  private readonly keys: GPUBuffer;
  private readonly values: GPUBuffer;
  private readonly counters: GPUBuffer;
  private readonly sorter: DepthSorter;
  private readonly preprocessGroup: GPUBindGroup;
  private readonly finalizeGroup: GPUBindGroup;
  private readonly drawGroup: GPUBindGroup;

  /** Starts compiling the pipelines (slow on software GPUs) before the first scene needs them. */
  static warmUp(device: GPUDevice, format: GPUTextureFormat): void {
    pipelines(device, format).catch(() => undefined);
    warmUpDepthSort(device);
  }

  static async create(device: GPUDevice, format: GPUTextureFormat, store: SplatStore): Promise<SplatRenderer> {
    return new SplatRenderer(device, await pipelines(device, format), store);
  }

  private constructor(
    private readonly device: GPUDevice,
    private readonly pipes: Pipelines,
    readonly store: SplatStore,
  ) {
    const n = Math.max(1, store.capacity);
    const uniform = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    this.cameraBuffer = device.createBuffer({ label: 'gs-scene.camera', size: CAMERA_UNIFORM_BYTES, usage: uniform });
    this.paramsBuffer = device.createBuffer({ label: 'gs-scene.params', size: PARAMS_BYTES, usage: uniform });
    this.viewportBuffer = device.createBuffer({ label: 'gs-scene.viewport', size: 16, usage: uniform });
    this.projected = device.createBuffer({ label: 'gs-scene.projected', size: n * 48, usage: storage });
    this.keys = device.createBuffer({ label: 'gs-scene.keys', size: n * 4, usage: storage });
    this.values = device.createBuffer({ label: 'gs-scene.values', size: n * 4, usage: storage });
    this.counters = device.createBuffer({ label: 'gs-scene.counters', size: 32, usage: storage | GPUBufferUsage.INDIRECT });
    this.sorter = createDepthSorter(device, n);
    const entries = (buffers: GPUBuffer[]): GPUBindGroupEntry[] => buffers.map((buffer, binding) => ({ binding, resource: { buffer } }));
    this.preprocessGroup = device.createBindGroup({
      label: 'gs-scene.preprocess',
      layout: pipes.preprocess.getBindGroupLayout(0),
      entries: entries([this.cameraBuffer, this.paramsBuffer, store.splats, store.shRest, this.projected, this.keys, this.values, this.counters]),
    });
    this.finalizeGroup = device.createBindGroup({
      label: 'gs-scene.finalize',
      layout: pipes.finalize.getBindGroupLayout(0),
      entries: entries([this.counters]),
    });
    this.drawGroup = device.createBindGroup({
      label: 'gs-scene.draw',
      layout: pipes.draw.getBindGroupLayout(0),
      entries: entries([this.viewportBuffer, this.projected, this.values]),
    });
  }

  /** Encodes one frame into `target` (a view of a texture of the camera's size). */
  encode(encoder: GPUCommandEncoder, target: GPUTextureView, frame: FrameOptions): void {
    const { device, store } = this;
    const queue = device.queue;
    queue.writeBuffer(this.cameraBuffer, 0, packCamera(frame.camera));
    const shDegree = Math.max(0, Math.min(frame.shDegree, shDegreeOfStride(store.shStride)));
    queue.writeBuffer(this.paramsBuffer, 0, new Uint32Array([store.count, shDegree, store.shStride, frame.antialiased ? 1 : 0]));
    queue.writeBuffer(this.viewportBuffer, 0, new Float32Array([frame.camera.width, frame.camera.height, 0, 0]));

    encoder.clearBuffer(this.counters);
    if (store.count > 0) {
      const groups = Math.ceil(store.count / WORKGROUP);
      const pass = encoder.beginComputePass({ label: 'gs-scene.preprocess' });
      pass.setPipeline(this.pipes.preprocess);
      pass.setBindGroup(0, this.preprocessGroup);
      pass.dispatchWorkgroups(Math.min(groups, MAX_GROUPS_X), Math.ceil(groups / MAX_GROUPS_X));
      pass.end();
    }
    const fin = encoder.beginComputePass({ label: 'gs-scene.finalize' });
    fin.setPipeline(this.pipes.finalize);
    fin.setBindGroup(0, this.finalizeGroup);
    fin.dispatchWorkgroups(1);
    fin.end();
    if (store.count > 0) this.sorter.encode(encoder, this.keys, this.values, { buffer: this.counters, offset: 16 }, KEY_BITS);

    const pass = encoder.beginRenderPass({
      label: 'gs-scene.draw',
      colorAttachments: [{ view: target, loadOp: 'clear', storeOp: 'store', clearValue: frame.background }],
    });
    pass.setPipeline(this.pipes.draw);
    pass.setBindGroup(0, this.drawGroup);
    pass.drawIndirect(this.counters, 0);
    pass.end();
  }

  destroy(): void {
    for (const b of [this.cameraBuffer, this.paramsBuffer, this.viewportBuffer, this.projected, this.keys, this.values, this.counters]) b.destroy();
    this.sorter.destroy();
  }
}

function shDegreeOfStride(stride: number): number {
  return [0, 9, 24, 45].indexOf(stride);
}
