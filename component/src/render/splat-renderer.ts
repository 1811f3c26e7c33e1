// Renders a SplatStore for one camera into a texture: GPU depth order of the drawn splats (depth-order.ts)
// -> one vertex-pulling draw that projects each splat in the vertex stage, back-to-front with
// premultiplied "over" blending. No CPU readback anywhere in a frame.
// The depth order's compute pipelines take seconds to compile on software GPUs, the draw pipeline
// milliseconds: a renderer exists as soon as the draw pipeline does and draws the first frames in a CPU
// depth order of the first Gaussians (cpu-order.ts); `enableGpuPath()` (after the first frame, so
// compiling does not compete with it) builds the compute side and every later frame uses it.
import type { Camera } from '../../../shared/math/camera.ts';
import { CAMERA_UNIFORM_BYTES } from '../../../shared/math/camera-uniform.ts';
import { orderOnCpu } from './cpu-order.ts';
import { COUNTERS_BYTES, DepthOrder } from './depth-order.ts';
import { FRAME_PARAMS_BYTES, packFrameParams, packRelativeCamera } from './frame-params.ts';
import { bindings, type DepthOrderPipelines, depthOrderPipelines, drawPipeline } from './pipelines.ts';
import { ORDER_WORDS, shDegreeOfWords } from './splat-layout.ts';
import type { SplatStore } from './splat-store.ts';
import { warmUpDraw } from './warm-up.ts';

/** Splats in the first CPU-ordered frame (the first chunk or two). */
const FIRST_CPU_SPLATS = 16384;

export interface FrameOptions {
  camera: Camera;
  /** Premultiplied clear colour. */
  background: GPUColorDict;
  shDegree: number;
  antialiased: boolean;
}

/** Per-scene GPU state: the uniforms, the draw order (sized to the store's capacity) and the passes. */
export class SplatRenderer {
  private readonly cameraBuffer: GPUBuffer;
  private readonly frameBuffer: GPUBuffer;
  private readonly counters: GPUBuffer;
  private order!: GPUBuffer;
  private drawGroup!: GPUBindGroup;
  /** The store's buffers' version the order buffer and bind groups were made for. */
  private storeVersion = -1;
  private orderPipes: DepthOrderPipelines | undefined;
  private depthOrder: DepthOrder | undefined;
  private gpuPending: Promise<void> | undefined;
  private destroyed = false;
  private cpuBudget = FIRST_CPU_SPLATS;
  /** Splats drawn by the last encoded frame. */
  drawnCount = 0;

  /** Compiles the draw pipeline and draws one splat with it (warm-up.ts). */
  static warmUp(device: GPUDevice, format: GPUTextureFormat): Promise<void> {
    return warmUpDraw(device, format);
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
    this.frameBuffer = device.createBuffer({
      label: 'gs-scene.frame',
      size: FRAME_PARAMS_BYTES,
      usage: uniform,
    });
    this.counters = device.createBuffer({
      label: 'gs-scene.counters',
      size: COUNTERS_BYTES,
      usage:
        GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | GPUBufferUsage.INDIRECT,
    });
    this.matchStore();
  }

  /** (Re)creates the order buffer and the bind groups for the store's current buffers (the order is
   *  sized to the store's capacity: it grows with it). */
  private matchStore(): void {
    const { device, store } = this;
    if (this.storeVersion === store.version) return;
    if (this.storeVersion >= 0) this.order.destroy();
    this.storeVersion = store.version;
    this.order = device.createBuffer({
      label: 'gs-scene.order',
      size: Math.max(1, store.capacity) * ORDER_WORDS * 4,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.drawGroup = device.createBindGroup({
      label: 'gs-scene.draw',
      layout: this.draw.getBindGroupLayout(0),
      entries: bindings([
        [0, this.cameraBuffer],
        [1, this.frameBuffer],
        [2, store.splats],
        [3, store.shRest],
        [4, this.order],
      ]),
    });
    if (this.orderPipes) this.depthOrder = this.createDepthOrder(this.orderPipes);
  }

  /** GPU bytes of the per-splat buffers here: the draw order (the store's not included; besides them a
   *  scene holds only the fixed 256 KiB histogram and its uniforms). */
  get gpuBytes(): number {
    return this.order.size;
  }

  private createDepthOrder(pipes: DepthOrderPipelines): DepthOrder {
    return new DepthOrder(this.device, pipes, {
      camera: this.cameraBuffer,
      frame: this.frameBuffer,
      splats: this.store.splats,
      counters: this.counters,
      order: this.order,
    });
  }

  /** True once frames use the GPU depth order (every loaded splat is drawn). */
  get gpuReady(): boolean {
    return this.depthOrder !== undefined;
  }

  /** Builds the compute side; resolves when frames can use it. Idempotent. */
  enableGpuPath(): Promise<void> {
    this.gpuPending ??= (async () => {
      const pipes = await depthOrderPipelines(this.device);
      await new Promise((r) => setTimeout(r, 0));
      if (this.destroyed) return;
      this.store.flush();
      this.matchStore();
      this.orderPipes = pipes;
      this.depthOrder = this.createDepthOrder(pipes);
      performance.mark?.('gs-scene:gpu-path');
    })();
    return this.gpuPending;
  }

  /** Encodes one frame into `target` (a view of a texture of the camera's size). */
  encode(encoder: GPUCommandEncoder, target: GPUTextureView, frame: FrameOptions): void {
    const { device, store } = this;
    const queue = device.queue;
    this.matchStore();
    const shDegree = Math.max(0, Math.min(frame.shDegree, shDegreeOfWords(store.shWords)));
    const depthOrder = this.depthOrder;
    /** Vertices of a CPU-ordered frame (drawn directly: a first indirect draw costs more on some GPUs). */
    let cpuVertices = -1;
    let count = store.count;
    if (!depthOrder) {
      // First frames: the first Gaussians in a CPU depth order. The first frame draws at most
      // FIRST_CPU_SPLATS (quick to draw), later ones twice as many each.
      count = Math.min(store.earlyCount, this.cpuBudget);
      this.cpuBudget *= 2;
      const order = orderOnCpu(store.positions, count, frame.camera);
      queue.writeBuffer(this.order, 0, order);
      cpuVertices = order.length * 3;
    }
    queue.writeBuffer(this.cameraBuffer, 0, packRelativeCamera(frame.camera));
    queue.writeBuffer(
      this.frameBuffer,
      0,
      packFrameParams({
        camera: frame.camera,
        count,
        shDegree,
        shWords: store.shWords,
        antialiased: frame.antialiased,
        bounds: store.bounds,
        grids: store.grids,
      }),
    );
    if (depthOrder) {
      encoder.clearBuffer(this.counters);
      depthOrder.encode(encoder, count);
    }
    this.drawnCount = count;

    const pass = encoder.beginRenderPass({
      label: 'gs-scene.draw',
      colorAttachments: [{ view: target, loadOp: 'clear', storeOp: 'store', clearValue: frame.background }],
    });
    pass.setPipeline(this.draw);
    pass.setBindGroup(0, this.drawGroup);
    if (cpuVertices > 0) pass.draw(cpuVertices);
    else if (depthOrder) pass.drawIndirect(this.counters, 0);
    pass.end();
  }

  destroy(): void {
    this.destroyed = true;
    for (const b of [this.cameraBuffer, this.frameBuffer, this.order, this.counters]) b.destroy();
  }
}
