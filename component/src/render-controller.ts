// Owns the canvas's GPU side: the shared device, the canvas context, the scene's buffers and renderer,
// and frame scheduling. Frames are rendered only when something changed (camera, new chunk, resize,
// attribute) or animates (damping, auto-rotate), and never while the element is off-screen.
// Everything GPU is freed in hostDisconnected.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Vec3 } from '../../shared/math/camera.ts';
import type { CameraController } from './camera-controller.ts';
import { isCpuAdapter } from '../../shared/gpu/gpu-common.ts';
import { acquireDevice, GsSceneError } from './gpu-device.ts';
import type { PackedSplats } from './render/packed-splats.ts';
import { pickSplat } from './render/pick.ts';
import { type SplatBudget, splatBudget } from './render/splat-budget.ts';
import { shRestWords } from './render/splat-layout.ts';
import { SplatRenderer } from './render/splat-renderer.ts';
import { SplatStore } from './render/splat-store.ts';

export interface RenderSettings {
  background: GPUColorDict;
  shDegree: number;
  pixelRatio: number;
}

export interface RenderCallbacks {
  /** A frame with at least one splat loaded has been rendered and its GPU work completed; it drew the
   *  first `drawn` splats (the first frames, projected on the CPU, draw only the first ones). */
  onFrameWithSplats(drawn: number): void;
  onVisibilityChange(visible: boolean): void;
  onDeviceLost(message: string): void;
  /** The GPU could not hold more of the scene (out of memory while growing): the loaded prefix stays. */
  onLimit(message: string): void;
}

export class RenderController implements ReactiveController {
  device: GPUDevice | undefined;
  private canvas: HTMLCanvasElement | undefined;
  private context: GPUCanvasContext | undefined;
  private format: GPUTextureFormat = 'rgba8unorm';
  private store: SplatStore | undefined;
  private renderer: SplatRenderer | undefined;
  private rendererPending: Promise<void> | undefined;
  private antialiased = false;
  /** The current scene's budget (undefined before its header). */
  budget: SplatBudget | undefined;
  /** SH degree the current scene's buffers hold (min of the file's and the sh-degree setting at load). */
  allocatedShDegree = 0;
  private fileShDegree = 0;
  /** A frame with splats has been submitted for the current scene (for the start-up marks). */
  private submittedWithSplats = false;
  /** Something has been rendered into the current canvas context. Until then frames with nothing to
   *  draw are skipped and the background shows as the canvas's CSS background: presenting an empty
   *  frame costs the GPU process a compositor frame (tens of ms on SwiftShader) just before the first
   *  frame with splats. */
  private presented = false;
  private frameHandle = 0;
  private lastTime = 0;
  private connected = false;
  private visible = true;
  private resizeObserver: ResizeObserver | undefined;
  private intersectionObserver: IntersectionObserver | undefined;
  /** Increments on every scene change so stale async work is dropped. */
  private generation = 0;
  settings: RenderSettings = { background: { r: 0, g: 0, b: 0, a: 0 }, shDegree: 3, pixelRatio: 2 };

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly camera: CameraController,
    private readonly callbacks: RenderCallbacks,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.connected = true;
    this.intersectionObserver = new IntersectionObserver((entries) => {
      const entry = entries[entries.length - 1];
      if (!entry) return;
      this.visible = entry.isIntersecting;
      this.callbacks.onVisibilityChange(this.visible);
      if (this.visible) this.requestFrame();
    });
    this.intersectionObserver.observe(this.host);
    if (this.canvas) this.observeCanvas(this.canvas);
  }

  hostDisconnected(): void {
    this.connected = false;
    cancelAnimationFrame(this.frameHandle);
    this.frameHandle = 0;
    this.resizeObserver?.disconnect();
    this.intersectionObserver?.disconnect();
    this.resizeObserver = this.intersectionObserver = undefined;
    this.clearScene();
    this.context?.unconfigure();
    this.context = undefined;
    this.device = undefined;
  }

  /** Called once the element has rendered its canvas. */
  attach(canvas: HTMLCanvasElement): void {
    this.canvas = canvas;
    if (this.connected) this.observeCanvas(canvas);
  }

  private observeCanvas(canvas: HTMLCanvasElement): void {
    this.resizeObserver?.disconnect();
    this.resizeObserver = new ResizeObserver(() => this.requestFrame());
    this.resizeObserver.observe(canvas);
  }

  /** Acquires the shared device and configures the canvas (rejects with a GsSceneError). */
  async ready(): Promise<GPUDevice> {
    const device = await acquireDevice();
    performance.mark?.('gs-scene:device');
    if (!this.canvas || !this.connected)
      throw new GsSceneError('aborted', 'gs-scene: disconnected while waiting for the GPU');
    if (this.device !== device) {
      this.clearScene();
      this.device = device;
      // Blending in half floats on GPUs (a canvas format every WebGPU implementation supports): 8-bit
      // targets round each of the many layers and clamp colours above 1 before nearer splats dim them,
      // where the reference compositor works in float and clamps once. On CPU implementations
      // (SwiftShader) the platform's 8-bit format instead: half-float blending made the biker frame ~2x
      // slower there (1.74 s vs 0.89 s at 800x600, bench:view) for 57.8 vs 54.0 dB PSNR against the
      // reference rasterizer.
      this.format = isCpuAdapter(device) ? navigator.gpu.getPreferredCanvasFormat() : 'rgba16float';
      this.context = this.canvas.getContext('webgpu') ?? undefined;
      if (!this.context) throw new Error('gs-scene: canvas has no webgpu context');
      this.context.configure({ device, format: this.format, alphaMode: 'premultiplied' });
      this.presented = false;
      // The first frame needs only the draw pipeline: compile it while the stream starts.
      void SplatRenderer.warmUp(device, this.format);
      // Any loss counts, 'destroyed' included: the shared device is never destroyed by the element itself.
      void device.lost.then((info) => {
        if (this.device === device && this.connected) {
          this.device = undefined;
          this.clearScene();
          this.callbacks.onDeviceLost(info.message || 'GPU device lost');
        }
      });
    }
    return device;
  }

  /**
   * Starts a new scene (frees the previous one) of `splatsTotal` Gaussians with SH up to `fileShDegree`;
   * buffers hold the SH degree drawn (sh-degree setting) and grow as chunks arrive, up to the budget from
   * `maxSplats` (not finite: the default memory budget) and the device's limits, which it returns.
   * Throws a 'limit' GsSceneError when not one Gaussian fits.
   */
  beginScene(
    splatsTotal: number,
    fileShDegree: number,
    antialiased: boolean,
    maxSplats?: number,
  ): SplatBudget {
    const device = this.device;
    if (!device) throw new Error('gs-scene: no device');
    this.clearScene();
    const generation = this.generation;
    this.fileShDegree = fileShDegree;
    this.allocatedShDegree = Math.max(0, Math.min(fileShDegree, this.settings.shDegree));
    const budget = splatBudget(splatsTotal, this.allocatedShDegree, device.limits, maxSplats);
    this.budget = budget;
    if (budget.splatsKept === 0 && splatsTotal > 0 && budget.reason === 'device-limit')
      throw new GsSceneError('limit', budget.message);
    const store = new SplatStore(
      device,
      budget.splatsKept,
      shRestWords(this.allocatedShDegree),
      (message) => {
        if (generation === this.generation) this.callbacks.onLimit(message);
      },
    );
    this.store = store;
    this.antialiased = antialiased;
    this.submittedWithSplats = false;
    this.rendererPending = SplatRenderer.create(device, this.format, store).then((renderer) => {
      if (generation !== this.generation) renderer.destroy();
      else {
        this.renderer = renderer;
        this.firstFrameSoon();
      }
    });
    return budget;
  }

  /** True when drawing at `shDegree` needs SH the current scene's buffers do not hold (reload). */
  needsReloadFor(shDegree: number): boolean {
    return this.store !== undefined && Math.min(shDegree, this.fileShDegree) > this.allocatedShDegree;
  }

  /** GPU bytes the current scene holds per Gaussian it can hold now (buffers grow with the data). */
  get gpuBytesPerSplat(): number {
    const { store, renderer } = this;
    if (!store || !renderer || store.capacity === 0) return 0;
    return (store.gpuBytes + renderer.gpuBytes) / store.capacity;
  }

  addSplats(first: number, packed: PackedSplats): void {
    if (first === 0) performance.mark?.('gs-scene:first-chunk');
    this.store?.write(first, packed);
    this.firstFrameSoon();
  }

  /**
   * The scene's first frame with splats is rendered at once, not at the next animation frame: on a
   * software GPU the compositor's next frame waits for the GPU process, which is often busy for
   * hundreds of ms (measured: 0.3-0.8 s from the first chunk to the first submit on SwiftShader).
   * WebGPU presents a canvas rendered outside requestAnimationFrame with the next compositor frame.
   */
  private firstFrameSoon(): void {
    if (
      this.submittedWithSplats ||
      !this.renderer ||
      !this.store?.count ||
      !this.connected ||
      !this.visible
    ) {
      this.requestFrame();
      return;
    }
    cancelAnimationFrame(this.frameHandle);
    this.frameHandle = 0;
    this.renderNow();
    if (this.camera.animating) this.requestFrame();
  }

  get splatCount(): number {
    return this.store?.count ?? 0;
  }

  clearScene(): void {
    this.generation++;
    this.renderer?.destroy();
    this.store?.destroy();
    this.renderer = this.store = undefined;
    this.rendererPending = undefined;
    this.requestFrame();
  }

  requestFrame(): void {
    if (this.frameHandle || !this.connected || !this.visible) return;
    this.frameHandle = requestAnimationFrame((t) => {
      this.frameHandle = 0;
      this.frame(t);
    });
  }

  private frame(time: number): void {
    const dt = this.lastTime ? (time - this.lastTime) / 1000 : 0;
    this.lastTime = time;
    this.camera.advance(dt);
    if (this.presented || (this.renderer && this.store?.count)) this.renderNow();
    else this.showPlaceholder();
    if (this.camera.animating) this.requestFrame();
    else this.lastTime = 0;
  }

  /** Until the first frame: the background colour as the canvas's CSS background (premultiplied). */
  private showPlaceholder(): void {
    const bg = this.settings.background;
    const alpha = Math.max(0, Math.min(1, bg.a));
    const c = (v: number) => Math.round(Math.max(0, Math.min(1, v)) * 255);
    if (this.canvas)
      this.canvas.style.backgroundColor =
        alpha > 0 ? `rgba(${c(bg.r)}, ${c(bg.g)}, ${c(bg.b)}, ${alpha})` : '';
  }

  /** Renders the current state into the canvas immediately (also used by screenshot()). */
  renderNow(): boolean {
    const { device, context, canvas } = this;
    if (!device || !context || !canvas) return false;
    if (!this.resize(canvas)) return false;
    if (!this.presented) {
      this.presented = true;
      canvas.style.backgroundColor = '';
    }
    const texture = context.getCurrentTexture();
    const encoder = device.createCommandEncoder({ label: 'gs-scene.frame' });
    const bg = this.settings.background;
    const background = { r: bg.r * bg.a, g: bg.g * bg.a, b: bg.b * bg.a, a: bg.a };
    if (this.renderer) {
      const orbit = this.camera.orbit;
      this.renderer.encode(encoder, texture.createView(), {
        camera: orbit.camera(canvas.width, canvas.height),
        background,
        shDegree: this.settings.shDegree,
        antialiased: this.antialiased,
      });
    } else {
      encoder
        .beginRenderPass({
          colorAttachments: [
            { view: texture.createView(), loadOp: 'clear', storeOp: 'store', clearValue: background },
          ],
        })
        .end();
    }
    device.queue.submit([encoder.finish()]);
    const renderer = this.renderer;
    if (renderer && renderer.store.count > 0) {
      if (!this.submittedWithSplats) {
        this.submittedWithSplats = true;
        performance.mark?.('gs-scene:first-submit');
      }
      const generation = this.generation;
      const drawn = renderer.drawnCount;
      void device.queue.onSubmittedWorkDone().then(() => {
        if (generation !== this.generation) return;
        this.callbacks.onFrameWithSplats(drawn);
        // The first frame is out: now build the GPU pre-pass and sort (slow to compile on software GPUs).
        if (!renderer.gpuReady)
          void renderer.enableGpuPath().then(
            () => this.requestFrame(),
            () => undefined,
          );
      });
    }
    return true;
  }

  /** Resolves once the scene's pipelines, the GPU pre-pass included, exist (for screenshot()). */
  async settled(): Promise<void> {
    await this.rendererPending;
    await this.renderer?.enableGpuPath();
  }

  pick(x: number, y: number): Vec3 | undefined {
    const { store, canvas } = this;
    if (!store || !canvas || canvas.clientWidth === 0) return undefined;
    const scale = canvas.width / canvas.clientWidth;
    const camera = this.camera.orbit.camera(canvas.width, canvas.height);
    return pickSplat(store.positions, store.count, camera, x * scale, y * scale, 12 * scale);
  }

  /** Matches the canvas's pixel size to its CSS size times the capped device pixel ratio. */
  private resize(canvas: HTMLCanvasElement): boolean {
    const ratio = Math.min(devicePixelRatio || 1, this.settings.pixelRatio);
    const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.clientWidth === 0 || canvas.clientHeight === 0) return false;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    this.camera.setAspect(width / height);
    return true;
  }
}
