// Renders a SplatStore for one camera into a texture: compute pre-pass (cull, project, SH colour, depth
// key) -> finalize (indirect draw args) -> GPU radix sort of the visible splats -> one vertex-pulling
// draw, back-to-front with premultiplied "over" blending. No CPU readback anywhere in a frame.
// The compute pipelines take seconds to compile on software GPUs, the draw pipeline milliseconds: a
// renderer exists as soon as the draw pipeline does and draws the first frames from a CPU projection
// of the first Gaussians (cpu-project.ts); `enableGpuPath()` (after the first frame, so compiling does
// not compete with it) builds the compute side and every later frame uses it.
import type { Camera } from '../../../shared/math/camera.ts';
import { oncePerDevice, perDevice } from '../../../shared/gpu/pipeline-cache.ts';
import { composeWgsl } from '../../../shared/wgsl/compose.ts';
import { SHARED_WGSL_MODULES } from '../../../shared/wgsl/modules.ts';
// The projection module's Camera uniform layout has one writer, beside its layout test.
import { CAMERA_UNIFORM_BYTES, packCamera } from '../../../shared/math/camera-uniform.ts';
import { projectOnCpu } from './cpu-project.ts';
import { createDepthSorter, type DepthSorter } from './depth-sort.ts';
import finalizeWgsl from './finalize.wgsl';
import preprocessWgsl from './preprocess.wgsl';
import splatWgsl from './splat.wgsl';
import splatLayoutWgsl from './splat-layout.wgsl';
import { layoutDefines, PROJECTED_WORDS, packProjected, shDegreeOfWords } from './splat-layout.ts';
import type { SplatStore } from './splat-store.ts';

const WORKGROUP = 256;
const MAX_GROUPS_X = 65535;
const PARAMS_BYTES = 32;
/** Depth keys are 16-bit log depths (preprocess.wgsl): 4 radix passes of 4 bits. */
const KEY_BITS = 16;
const KEY_MAX = 65535;
/** Splats in the first CPU-projected frame (the first chunk or two). */
const FIRST_CPU_SPLATS = 16384;
/** Byte offset of the visible count in the counters buffer, after the indirect draw args. */
const VISIBLE_COUNT_OFFSET = 16;

interface ComputePipelines {
  preprocess: GPUComputePipeline;
  finalize: GPUComputePipeline;
}

// Pipelines depend only on the device (and the target format): cached so many elements share them, and
// a lost device's entries go away with it.
const modules = { ...SHARED_WGSL_MODULES, splat_layout: splatLayoutWgsl };

const drawPipeline = perDevice((device, format: GPUTextureFormat): Promise<GPURenderPipeline> => {
  const module = device.createShaderModule({
    label: 'gs-scene.splat',
    code: composeWgsl(splatWgsl, modules, layoutDefines),
  });
  const blend: GPUBlendComponent = { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' };
  return device.createRenderPipelineAsync({
    label: 'gs-scene.splat',
    layout: 'auto',
    vertex: { module, entryPoint: 'vs' },
    fragment: { module, entryPoint: 'fs', targets: [{ format, blend: { color: blend, alpha: blend } }] },
    primitive: { topology: 'triangle-list' },
  });
});

const computePipelines = oncePerDevice(async (device): Promise<ComputePipelines> => {
  const preprocessModule = device.createShaderModule({
    label: 'gs-scene.preprocess',
    code: composeWgsl(preprocessWgsl, modules, layoutDefines),
  });
  const finalizeModule = device.createShaderModule({ label: 'gs-scene.finalize', code: finalizeWgsl });
  // One at a time: Dawn's Node binding (tests) crashes on concurrent async pipeline creation.
  const preprocess = await device.createComputePipelineAsync({
    label: 'gs-scene.preprocess',
    layout: 'auto',
    compute: { module: preprocessModule, entryPoint: 'main' },
  });
  const finalize = await device.createComputePipelineAsync({
    label: 'gs-scene.finalize',
    layout: 'auto',
    compute: { module: finalizeModule, entryPoint: 'main' },
  });
  return { preprocess, finalize };
});

/** Each (device, format)'s one warm-up draw. */
const warmUps = perDevice(
  (device, format: GPUTextureFormat): Promise<void> =>
    drawPipeline(device, format).then(
      (pipeline) => warmUpDraw(device, format, pipeline),
      () => undefined,
    ),
);

/** One splat drawn with `pipeline` into a small texture of `format` (see SplatRenderer.warmUp). */
function warmUpDraw(device: GPUDevice, format: GPUTextureFormat, pipeline: GPURenderPipeline): void {
  const size = 8;
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const buffer = (data: Float32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>, usage: number) => {
    const b = device.createBuffer({ label: 'gs-scene.warm-up', size: data.byteLength, usage });
    device.queue.writeBuffer(b, 0, data);
    return b;
  };
  // splat.wgsl's inputs: viewport; one projected splat covering the texture, so the pixel routine runs
  // too; the draw order.
  const projected = new Uint32Array(PROJECTED_WORDS);
  packProjected(
    {
      centre: [size / 2, size / 2],
      major: [size / 2, 0],
      minorLength: size / 2,
      opacity: 0.5,
      rgb: [0.5, 0.5, 0.5],
      exponentScale: 1,
    },
    0,
    projected,
  );
  const buffers = [
    buffer(new Float32Array([size, size, 0, 0]), GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST),
    buffer(projected, storage),
    buffer(new Uint32Array([0]), storage),
  ];

  const texture = device.createTexture({
    label: 'gs-scene.warm-up',
    size: [size, size],
    format,
    usage: GPUTextureUsage.RENDER_ATTACHMENT,
  });
  const encoder = device.createCommandEncoder({ label: 'gs-scene.warm-up' });
  const pass = encoder.beginRenderPass({
    colorAttachments: [
      { view: texture.createView(), loadOp: 'clear', storeOp: 'store', clearValue: [0, 0, 0, 0] },
    ],
  });
  pass.setPipeline(pipeline);
  pass.setBindGroup(
    0,
    device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: entries(buffers) }),
  );
  pass.draw(3);
  pass.end();
  device.queue.submit([encoder.finish()]);
  // Destroying after the submit is allowed: the queued work still runs.
  texture.destroy();
  for (const b of buffers) b.destroy();
}

export interface FrameOptions {
  camera: Camera;
  /** Premultiplied clear colour. */
  background: GPUColorDict;
  shDegree: number;
  antialiased: boolean;
}

/** The compute side of a renderer (pre-pass, finalize, sort), built by enableGpuPath(). */
interface GpuPath {
  pipes: ComputePipelines;
  sorter: DepthSorter;
  preprocessGroup: GPUBindGroup;
  finalizeGroup: GPUBindGroup;
}

/** Per-scene GPU state (visible-list buffers sized to the store's capacity). */
export class SplatRenderer {
  private readonly cameraBuffer: GPUBuffer;
  private readonly paramsBuffer: GPUBuffer;
  private readonly viewportBuffer: GPUBuffer;
  private projected!: GPUBuffer;
  private keys!: GPUBuffer;
  private values!: GPUBuffer;
  private readonly counters: GPUBuffer;
  private drawGroup!: GPUBindGroup;
  /** The store's buffers' version the visible list and bind groups were made for. */
  private storeVersion = -1;
  private gpu: GpuPath | undefined;
  private gpuPending: Promise<void> | undefined;
  private destroyed = false;
  private cpuBudget = FIRST_CPU_SPLATS;
  /** Splats drawn by the last encoded frame. */
  drawnCount = 0;

  /**
   * Readies the draw (the one the first frame needs) before the first scene: compiles the pipeline,
   * then draws one splat with it into a small texture of `format`. Software GPUs (SwiftShader) compile
   * their vertex/setup/pixel routines for a pipeline state on its first draw, not at pipeline creation
   * (measured: the first frame's GPU work took ~1.3 s for 4096 splats, later frames ~0.1 s), so this
   * moves that cost off the first frame, onto the wait for the first chunk. Once per device and format.
   */
  static warmUp(device: GPUDevice, format: GPUTextureFormat): Promise<void> {
    return warmUps(device, format);
  }

  static async create(
    device: GPUDevice,
    format: GPUTextureFormat,
    store: SplatStore,
  ): Promise<SplatRenderer> {
    return new SplatRenderer(device, await drawPipeline(device, format), store);
  }

  private constructor(
    private readonly device: GPUDevice,
    private readonly draw: GPURenderPipeline,
    readonly store: SplatStore,
  ) {
    const uniform = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    this.cameraBuffer = device.createBuffer({
      label: 'gs-scene.camera',
      size: CAMERA_UNIFORM_BYTES,
      usage: uniform,
    });
    this.paramsBuffer = device.createBuffer({ label: 'gs-scene.params', size: PARAMS_BYTES, usage: uniform });
    this.viewportBuffer = device.createBuffer({ label: 'gs-scene.viewport', size: 16, usage: uniform });
    this.counters = device.createBuffer({
      label: 'gs-scene.counters',
      size: 32,
      usage:
        GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | GPUBufferUsage.INDIRECT,
    });
    this.matchStore();
  }

  /** (Re)creates the visible list, the sort and the bind groups for the store's current buffers
   *  (sized to its capacity: they grow with it). */
  private matchStore(): void {
    const { device, store } = this;
    if (this.storeVersion === store.version) return;
    const first = this.storeVersion < 0;
    this.storeVersion = store.version;
    if (!first) for (const b of [this.projected, this.keys, this.values]) b.destroy();
    const n = Math.max(1, store.capacity);
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    this.projected = device.createBuffer({
      label: 'gs-scene.projected',
      size: n * PROJECTED_WORDS * 4,
      usage: storage,
    });
    this.keys = device.createBuffer({ label: 'gs-scene.keys', size: n * 4, usage: storage });
    this.values = device.createBuffer({ label: 'gs-scene.values', size: n * 4, usage: storage });
    this.drawGroup = device.createBindGroup({
      label: 'gs-scene.draw',
      layout: this.draw.getBindGroupLayout(0),
      entries: entries([this.viewportBuffer, this.projected, this.values]),
    });
    if (this.gpu) {
      this.gpu.sorter.destroy();
      this.gpu = this.createGpuPath(this.gpu.pipes);
    }
  }

  /** GPU bytes of the visible list and sort (the store's buffers not included). */
  get gpuBytes(): number {
    return this.projected.size + this.keys.size + this.values.size + 2 * this.keys.size;
  }

  private createGpuPath(pipes: ComputePipelines): GpuPath {
    const { device, store } = this;
    return {
      pipes,
      sorter: createDepthSorter(device, Math.max(1, store.capacity)),
      preprocessGroup: device.createBindGroup({
        label: 'gs-scene.preprocess',
        layout: pipes.preprocess.getBindGroupLayout(0),
        entries: entries([
          this.cameraBuffer,
          this.paramsBuffer,
          store.splats,
          store.shRest,
          this.projected,
          this.keys,
          this.values,
          this.counters,
        ]),
      }),
      finalizeGroup: device.createBindGroup({
        label: 'gs-scene.finalize',
        layout: pipes.finalize.getBindGroupLayout(0),
        entries: entries([this.counters]),
      }),
    };
  }

  /** True once frames use the GPU pre-pass and sort (every loaded splat is drawn). */
  get gpuReady(): boolean {
    return this.gpu !== undefined;
  }

  /**
   * Builds the compute side (async pipelines, then the sort's); resolves when frames can use it.
   * Idempotent. The sort's pipelines are created synchronously, so this yields to the event loop first.
   */
  enableGpuPath(): Promise<void> {
    this.gpuPending ??= (async () => {
      const pipes = await computePipelines(this.device);
      await new Promise((r) => setTimeout(r, 0));
      if (this.destroyed) return;
      this.store.flush();
      this.matchStore();
      this.gpu = this.createGpuPath(pipes);
      performance.mark?.('gs-scene:gpu-path');
    })();
    return this.gpuPending;
  }

  /** Encodes one frame into `target` (a view of a texture of the camera's size). */
  encode(encoder: GPUCommandEncoder, target: GPUTextureView, frame: FrameOptions): void {
    const { device, store } = this;
    const queue = device.queue;
    queue.writeBuffer(
      this.viewportBuffer,
      0,
      new Float32Array([frame.camera.width, frame.camera.height, 0, 0]),
    );
    this.matchStore();
    const shDegree = Math.max(0, Math.min(frame.shDegree, shDegreeOfWords(store.shWords)));
    const gpu = this.gpu;
    /** Vertices of a CPU-projected frame (drawn directly: a first indirect draw costs more on some GPUs). */
    let cpuVertices = -1;
    if (gpu) {
      if (store.cpuSplats) store.releaseCpuCopy();
      queue.writeBuffer(this.cameraBuffer, 0, packCamera(frame.camera));
      const [keyOffset, keyScale] = depthKeyRange(store.bounds, frame.camera);
      const params = new ArrayBuffer(PARAMS_BYTES);
      new Uint32Array(params, 0, 4).set([store.count, shDegree, store.shWords, frame.antialiased ? 1 : 0]);
      new Float32Array(params, 16, 2).set([keyOffset, keyScale]);
      queue.writeBuffer(this.paramsBuffer, 0, params);
      encoder.clearBuffer(this.counters);
      if (store.count > 0) {
        const groups = Math.ceil(store.count / WORKGROUP);
        const pass = encoder.beginComputePass({ label: 'gs-scene.preprocess' });
        pass.setPipeline(gpu.pipes.preprocess);
        pass.setBindGroup(0, gpu.preprocessGroup);
        pass.dispatchWorkgroups(Math.min(groups, MAX_GROUPS_X), Math.ceil(groups / MAX_GROUPS_X));
        pass.end();
      }
      const fin = encoder.beginComputePass({ label: 'gs-scene.finalize' });
      fin.setPipeline(gpu.pipes.finalize);
      fin.setBindGroup(0, gpu.finalizeGroup);
      fin.dispatchWorkgroups(1);
      fin.end();
      if (store.count > 0)
        gpu.sorter.encode(
          encoder,
          this.keys,
          this.values,
          { buffer: this.counters, offset: VISIBLE_COUNT_OFFSET },
          KEY_BITS,
        );
      this.drawnCount = store.count;
    } else {
      // First frames: the first Gaussians projected and sorted on the CPU, drawn by the same pipeline.
      // The first frame draws at most FIRST_CPU_SPLATS (quick to draw), later ones twice as many each.
      const count = store.cpuSplats && store.cpuShRest ? Math.min(store.cpuCount, this.cpuBudget) : 0;
      this.cpuBudget *= 2;
      const p = projectOnCpu(
        store.cpuSplats ?? new Uint32Array(),
        store.cpuShRest ?? new Uint32Array(),
        store.shWords,
        count,
        frame.camera,
        shDegree,
        frame.antialiased,
      );
      queue.writeBuffer(this.projected, 0, p.projected);
      queue.writeBuffer(this.values, 0, p.order);
      cpuVertices = p.count * 3;
      this.drawnCount = count;
    }

    const pass = encoder.beginRenderPass({
      label: 'gs-scene.draw',
      colorAttachments: [{ view: target, loadOp: 'clear', storeOp: 'store', clearValue: frame.background }],
    });
    pass.setPipeline(this.draw);
    pass.setBindGroup(0, this.drawGroup);
    if (cpuVertices >= 0) pass.draw(cpuVertices);
    else pass.drawIndirect(this.counters, 0);
    pass.end();
  }

  destroy(): void {
    this.destroyed = true;
    for (const b of [
      this.cameraBuffer,
      this.paramsBuffer,
      this.viewportBuffer,
      this.projected,
      this.keys,
      this.values,
      this.counters,
    ])
      b.destroy();
    this.gpu?.sorter.destroy();
  }
}

function entries(buffers: GPUBuffer[]): GPUBindGroupEntry[] {
  return buffers.map((buffer, binding) => ({ binding, resource: { buffer } }));
}

/**
 * Maps camera depth to 16-bit sort keys: (log2 near, keys per log2 unit) for the depth range of the
 * positions' bounding box as seen by `camera` (near clamped to the projection's near plane).
 */
export function depthKeyRange(bounds: Float64Array, camera: Camera): [number, number] {
  const m = camera.viewMatrix;
  let near = Infinity;
  let far = -Infinity;
  for (let corner = 0; corner < 8; corner++) {
    const x = bounds[corner & 1 ? 3 : 0]!;
    const y = bounds[corner & 2 ? 4 : 1]!;
    const z = bounds[corner & 4 ? 5 : 2]!;
    const depth = m[2]! * x + m[6]! * y + m[10]! * z + m[14]!;
    near = Math.min(near, depth);
    far = Math.max(far, depth);
  }
  near = Math.max(near, 0.01);
  far = Math.max(far, near * 1.001);
  if (!Number.isFinite(near) || !Number.isFinite(far)) return [0, 0];
  const offset = Math.log2(near);
  return [offset, KEY_MAX / (Math.log2(far) - offset)];
}
