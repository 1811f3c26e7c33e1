// <gs-scene>: streams a .gsz file and renders it with WebGPU. A thin Lit element: streaming, rendering
// and the camera are reactive controllers (stream-controller.ts, render-controller.ts,
// camera-controller.ts + orbit-controls.ts) that acquire resources when connected and free them all
// when disconnected.
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { sceneBounds, type GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import type { Vec3 } from '../../shared/math/camera.ts';
import { parseColour, parseNumber, parseReveal, parseVec3 } from './attributes.ts';
import { CameraController } from './camera-controller.ts';
import { capDeviceLimits, type DeviceLimitCaps, GsSceneError, onGpuError } from './gpu-device.ts';
import { OrbitControls } from './orbit-controls.ts';
import type { CameraPose } from './orbit-camera.ts';
import { RenderController } from './render-controller.ts';
import { packSplats } from './render/packed-splats.ts';
import type { SplatBudget } from './render/splat-budget.ts';
import { StreamController } from './stream/stream-controller.ts';
import type { Progress, SceneInfo } from './stream/worker-protocol.ts';

import type { GsSceneEventMap } from './events.ts';
export type {
  GsSceneBudgetDetail,
  GsSceneCameraDetail,
  GsSceneErrorCode,
  GsSceneErrorDetail,
  GsSceneProgressDetail,
} from './events.ts';

/** A device lost again within this time after a recovery completed (or while it runs) is reported
 *  instead of recovered from. */
const DEVICE_LOSS_WINDOW_MS = 5000;
/** Default `stall-timeout`: seconds without a byte (or a response) before a load fails as stalled. */
const DEFAULT_STALL_TIMEOUT_S = 30;

/**
 * Streams and renders a compact 3D Gaussian Splatting scene (`.gsz`) with WebGPU.
 *
 * @example
 * <script type="module" src="gs-scene.bundle.js"></script>
 * <gs-scene src="garden.gsz" poster="garden.jpg" alt="A garden table" style="width: 640px; height: 360px">
 *   <img src="garden.jpg" alt="A garden table">  <!-- shown when the scene cannot be (WebGPU, errors) -->
 * </gs-scene>
 *
 * Like <img>, `progress`, `first-frame`, `load` and `error` do not bubble; `camera-change` does.
 * @fires progress - {bytesLoaded, bytesTotal?, splatsLoaded, splatsTotal?}, monotonic
 * @fires first-frame - {splatsLoaded, splatsDrawn}: the first frame with splats is shown (the poster goes;
 *   it draws only the first, most important splats, or the `reveal` share of them)
 * @fires load - every chunk is loaded and drawn (after first-frame)
 * @fires error - {code, message}: a message is shown, over what had arrived (kept) or, when nothing
 *   was drawn, with the fallback content
 * @fires camera-change - {position, target, up, fov} after the view moved
 * @fires budget - {splatsTotal, splatsKept, reason, message, bytesPerSplat} when the scene has more
 *   Gaussians than are kept: reason 'max-splats', 'memory-budget' (the default when max-splats is not
 *   set) or 'device-limit' (the GPU's buffer limits); the kept ones are the file's most important
 * @slot - fallback content, shown with the error message (e.g. a poster `<img>` when WebGPU is unavailable)
 * @csspart canvas - the WebGPU canvas
 * @csspart progress - the loading bar along the bottom edge
 * @csspart message - the error overlay that holds the fallback content
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface below adds typed listener overloads only
export class GsScene extends LitElement {
  static override styles = css`
    :host { display: block; position: relative; width: 300px; height: 150px; overflow: hidden; }
    :host([hidden]) { display: none; }
    canvas { display: block; width: 100%; height: 100%; outline: none; touch-action: pan-x pan-y; }
    canvas:focus { touch-action: none; }
    canvas:focus-visible { box-shadow: inset 0 0 0 2px Highlight; }
    .message { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
      padding: 1em; text-align: center; font: 14px/1.4 system-ui, sans-serif; color: #eee; background: #222c; }
    /* No transition: an animated bar re-composites the page every frame while loading, work that the
       GPU process (which also runs WebGPU) does slowly on software GPUs. */
    .progress { position: absolute; left: 0; bottom: 0; height: 3px; background: #4af; }
    .poster, .fallback { position: absolute; inset: 0; pointer-events: none; }
    .fallback { pointer-events: auto; display: flex; align-items: center; justify-content: center; }
    .poster ::slotted(*), .fallback ::slotted(*) { width: 100%; height: 100%; box-sizing: border-box; }
    .poster img, .poster ::slotted(img), .fallback ::slotted(img) { display: block; object-fit: cover; }
    .poster img { width: 100%; height: 100%; }
    .banner { position: absolute; left: 0; right: 0; bottom: 0; padding: 0.3em 0.6em;
      font: 12px/1.4 system-ui, sans-serif; color: #eee; background: #222c; }
    .hidden-text { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
    canvas.unrevealed { opacity: 0; }
  `;

  /** URL of the .gsz file. Changing it aborts the current stream and loads the new scene. */
  @property() src = '';
  /** Initial camera position "x y z" (world units); default frames the scene bounds. */
  @property({ attribute: 'camera-position' }) cameraPosition = '';
  /** Orbit target "x y z"; default the centre of the scene bounds. */
  @property({ attribute: 'camera-target' }) cameraTarget = '';
  /** World up "x y z"; default the file's `up`. */
  @property({ attribute: 'camera-up' }) cameraUp = '';
  /** Vertical field of view in degrees. */
  @property({ type: Number }) fov = 50;
  /** Any CSS colour; default: the background the file was made for (header), else transparent. */
  @property() background = '';
  /** Highest SH degree evaluated (0-3): lower is faster, view-dependent colour is lost. */
  @property({ type: Number, attribute: 'sh-degree' }) shDegree = 3;
  /** 'orbit' (default) or 'none'. */
  @property() controls: 'orbit' | 'none' = 'orbit';
  /** Slowly orbits while idle (never under prefers-reduced-motion). */
  @property({ type: Boolean, attribute: 'auto-rotate' }) autoRotate = false;
  /** Load at most this many Gaussians (the most important first). Not set: as many as a default GPU
   *  memory budget holds (128 MiB on phone-class devices, 1 GiB elsewhere); never more than the GPU's
   *  buffer limits hold (see the `budget` event). */
  @property({ type: Number, attribute: 'max-splats' }) maxSplats = Infinity;
  /** Cap on the device pixel ratio used for the canvas resolution. */
  @property({ type: Number, attribute: 'pixel-ratio' }) pixelRatio = 2;
  /** 'lazy' defers loading until the element is near the viewport. */
  @property() loading: 'eager' | 'lazy' = 'eager';
  /** Accessible description of the scene (the canvas's aria-label). */
  @property() alt = '';
  /** Image URL shown (covering the element) until the first frame; `slot="poster"` content wins over it. */
  @property() poster = '';
  /** When to show the scene: 'auto' (default, the first chunk at once) or 'N%' (once N% of the
   *  Gaussians are drawn; the poster stays until then). */
  @property() reveal = 'auto';
  /** Seconds without a response or new bytes before a load fails with `network-error` (keeping what
   *  arrived); 0 waits forever. */
  @property({ type: Number, attribute: 'stall-timeout' }) stallTimeout = DEFAULT_STALL_TIMEOUT_S;

  @state() private errorMessage = '';
  /** The scene is shown (or nothing will be): the poster is gone and the canvas visible. */
  @state() private revealed = false;
  /** Splats were on screen when the error came: the message is a banner over them. */
  @state() private errorOverScene = false;
  @state() private progressFraction = -1;
  @query('canvas') private canvas!: HTMLCanvasElement;

  /** CSS colour of the background the current file records (header `background`), or empty. */
  private fileBackground = '';
  private readonly cameraCtl = new CameraController(this, () => this.cameraChanged());
  private readonly renderCtl = new RenderController(this, this.cameraCtl, {
    onFrameWithSplats: (drawn) => this.frameDrawn(drawn),
    onVisibilityChange: (visible) => {
      if (visible && this.lazyPending) this.startLoad();
    },
    onDeviceLost: (message) => this.deviceLost(message),
    onLimit: (message) => this.limitReached(message),
  });
  private readonly stream = new StreamController(this, {
    onHeader: (scene, progress) => this.afterDevice(() => this.sceneHeader(scene, progress)),
    onChunk: (first, packed, progress) =>
      this.afterDevice(() => {
        this.renderCtl.addSplats(first, packed);
        this.emitProgress(progress);
      }),
    onProgress: (progress) => this.afterDevice(() => this.emitProgress(progress)),
    onDone: (progress) => this.afterDevice(() => this.loadDone(progress)),
    onError: (code, message) => this.fail(code, message),
  });
  private controlsImpl: OrbitControls | undefined;
  private loadToken = 0;
  private lazyPending = false;
  private firstFrameSent = false;
  private loadPending = false;
  private isLoaded = false;
  /** A frame with splats has been drawn for the current load (shown or, before `reveal`, not yet). */
  private drewSplats = false;
  private unsubscribeGpuErrors: (() => void) | undefined;
  private lastProgress: Progress = { bytesLoaded: 0, splatsLoaded: 0 };
  private lastDeviceLoss = -Infinity;
  /** A recovery from a lost device is under way (until the reloaded scene's first frame). */
  private recovering = false;
  private pendingCameraEvent = false;
  /** Resolves when the current load's GPU device is ready. */
  private deviceGate: Promise<unknown> = Promise.resolve();
  /** The scene shown by setScene() (kept to reload it when sh-degree rises). */
  private memoryScene: GaussianScene | undefined;

  /** Gaussians currently loaded (and drawn). */
  get splatCount(): number {
    return this.renderCtl.splatCount;
  }

  /** How many of the scene's Gaussians are kept and why (undefined before the scene's header). */
  get budget(): SplatBudget | undefined {
    return this.renderCtl.budget;
  }

  /** GPU bytes per Gaussian the current scene's buffers take (splats, SH, projected list, sort). */
  get gpuBytesPerSplat(): number {
    return this.renderCtl.gpuBytesPerSplat;
  }

  /**
   * Caps the GPU buffer limits every <gs-scene> on the page requests (default: the adapter's), e.g.
   * WebGPU's defaults to preview what a phone draws. Set before the first element loads.
   * @example customElements.get('gs-scene').deviceLimits = { maxBufferSize: 256 << 20, maxStorageBufferBindingSize: 128 << 20 };
   */
  static set deviceLimits(caps: DeviceLimitCaps) {
    capDeviceLimits(caps);
  }

  /** True once the whole file has loaded and been drawn. */
  get loaded(): boolean {
    return this.isLoaded;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribeGpuErrors ??= onGpuError((code, message) => {
      // Only an element with a scene (or one coming) reports; one error per load.
      if ((this.src || this.splatCount > 0) && !this.errorMessage) this.fail(code, message);
    });
    // Reconnected after a disconnect: the controllers freed everything, so start over.
    if (this.hasUpdated) void this.updateComplete.then(() => this.restart());
  }

  protected override render() {
    const interactive = this.controls !== 'none';
    const message = this.errorMessage;
    const fallback = message && !this.errorOverScene && this.hasFallbackContent();
    return html`
      <canvas part="canvas" role="img" aria-label=${this.alt || 'Gaussian splatting scene'}
        class=${this.revealed || parseReveal(this.reveal) === 0 ? '' : 'unrevealed'} tabindex=${interactive ? '0' : nothing}></canvas>
      ${
        this.revealed || fallback
          ? nothing
          : html`<div class="poster" part="poster"><slot name="poster">${
              this.poster ? html`<img src=${this.poster} alt="">` : nothing
            }</slot></div>`
      }
      ${
        this.progressFraction >= 0 && this.progressFraction < 1 && !message
          ? html`<div class="progress" part="progress" style="width: ${(this.progressFraction * 100).toFixed(1)}%"></div>`
          : nothing
      }
      ${
        !message
          ? nothing
          : this.errorOverScene
            ? html`<div class="banner" part="message" role="alert">${message}</div>`
            : fallback
              ? html`<div class="fallback" part="fallback"><slot></slot></div>
                  <div class="hidden-text" role="alert">${message}</div>`
              : html`<div class="message" part="message" role="alert">${message}</div>`
      }
    `;
  }

  /** Light-DOM children other than the poster: the author's fallback content. */
  private hasFallbackContent(): boolean {
    return Array.from(this.childNodes).some((node) =>
      node instanceof Element
        ? node.slot === ''
        : node.nodeType === Node.TEXT_NODE && !!node.textContent?.trim(),
    );
  }

  protected override firstUpdated(): void {
    this.renderCtl.attach(this.canvas);
  }

  protected override updated(changed: PropertyValues<this>): void {
    const rc = this.renderCtl;
    rc.settings = {
      background: parseColour(this.background || this.fileBackground),
      shDegree: Math.round(parseNumber(this.shDegree, 3, 0, 3)),
      pixelRatio: parseNumber(this.pixelRatio, 2, 0.25, 8),
    };
    this.cameraCtl.autoRotate = this.autoRotate;
    if (changed.has('controls')) this.updateControls();
    if (
      changed.has('cameraPosition') ||
      changed.has('cameraTarget') ||
      changed.has('cameraUp') ||
      changed.has('fov')
    ) {
      this.cameraCtl.setOverrides({
        position: parseVec3(this.cameraPosition),
        target: parseVec3(this.cameraTarget),
        up: parseVec3(this.cameraUp),
        fov: parseNumber(this.fov, 50, 1, 170),
      });
    }
    // Buffers hold SH only up to the degree drawn at load: a higher sh-degree reloads the scene.
    if (changed.has('src') || changed.has('maxSplats')) this.restart();
    else if (rc.needsReloadFor(rc.settings.shDegree)) {
      if (this.memoryScene) void this.setScene(this.memoryScene);
      else this.restart();
    }
    rc.requestFrame();
  }

  /**
   * Renders the current view and returns it as a PNG.
   * @example const url = URL.createObjectURL(await viewer.screenshot());
   */
  async screenshot(): Promise<Blob> {
    await this.updateComplete;
    await this.renderCtl.settled();
    // The canvas keeps the frame only until it is presented: render and read it back in one task.
    if (!this.renderCtl.renderNow())
      throw new GsSceneError('not-ready', 'gs-scene: nothing to capture yet (no GPU device or zero size)');
    return new Promise((resolve, reject) => {
      this.canvas.toBlob(
        (blob) =>
          blob
            ? resolve(blob)
            : reject(new GsSceneError('screenshot-failed', 'canvas.toBlob returned nothing')),
        'image/png',
      );
    });
  }

  /**
   * Moves the camera (fields left out keep their value).
   * @example viewer.setCamera({ position: [0, 1, 3], target: [0, 0, 0], fov: 45 });
   */
  setCamera(pose: { position?: Vec3; target?: Vec3; fov?: number }): void {
    this.cameraCtl.setPose(pose);
    this.renderCtl.requestFrame();
  }

  /** Back to the attribute camera, or the default framing of the scene. */
  resetCamera(): void {
    this.cameraCtl.reset();
    this.renderCtl.requestFrame();
  }

  /** Current camera pose. */
  getCamera(): CameraPose {
    return this.cameraCtl.orbit.pose();
  }

  /**
   * Shows an in-memory scene instead of `src` (e.g. one made by the page); cancels any stream.
   * @example viewer.setScene(createScene(1000, 0));
   */
  async setScene(scene: GaussianScene): Promise<void> {
    const token = this.resetState();
    this.memoryScene = scene;
    try {
      await this.renderCtl.ready();
    } catch (e) {
      if (token === this.loadToken) this.failWith(e);
      return;
    }
    if (token !== this.loadToken) return;
    const bounds = sceneBounds(scene.positions, scene.count);
    this.sceneHeader(
      { count: scene.count, shDegree: scene.shDegree, antialiased: scene.antialiased, bounds, up: [0, 1, 0] },
      { bytesLoaded: 0, splatsLoaded: 0, splatsTotal: scene.count },
    );
    this.renderCtl.addSplats(0, packSplats(scene));
    this.loadDone({ bytesLoaded: 0, splatsLoaded: scene.count, splatsTotal: scene.count });
  }

  private updateControls(): void {
    this.controlsImpl?.dispose();
    this.controlsImpl = undefined;
    if (this.controls !== 'none' && this.canvas && this.isConnected) {
      this.controlsImpl = new OrbitControls(this.canvas, this.cameraCtl, {
        requestFrame: () => this.renderCtl.requestFrame(),
        pick: (x, y) => this.renderCtl.pick(x, y),
      });
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.controlsImpl?.dispose();
    this.controlsImpl = undefined;
    this.unsubscribeGpuErrors?.();
    this.unsubscribeGpuErrors = undefined;
    this.loadToken++;
  }

  private resetState(): number {
    this.memoryScene = undefined;
    this.stream.cancel();
    this.renderCtl.clearScene();
    this.fileBackground = '';
    this.errorMessage = '';
    this.errorOverScene = false;
    this.revealed = false;
    this.progressFraction = -1;
    this.firstFrameSent = this.loadPending = this.isLoaded = this.drewSplats = false;
    this.lazyPending = false;
    this.lastProgress = { bytesLoaded: 0, splatsLoaded: 0 };
    return ++this.loadToken;
  }

  private restart(): void {
    if (!this.isConnected) return;
    if (!this.controlsImpl) this.updateControls();
    this.resetState();
    if (!this.src) return;
    if (this.loading === 'lazy' && !this.nearViewport()) {
      this.lazyPending = true;
      return;
    }
    this.startLoad();
  }

  private nearViewport(): boolean {
    const r = this.getBoundingClientRect();
    return r.bottom >= 0 && r.right >= 0 && r.top <= innerHeight && r.left <= innerWidth;
  }

  private startLoad(): void {
    this.lazyPending = false;
    const token = this.loadToken;
    const url = new URL(this.src, document.baseURI).href;
    const maxSplats = parseNumber(this.maxSplats, Infinity, 0);
    // The stream starts at once, alongside the GPU device request; its messages wait for the device
    // (afterDevice), in order.
    const ready = this.renderCtl.ready();
    this.deviceGate = ready;
    ready.catch((e: unknown) => {
      if (token === this.loadToken) this.failWith(e);
    });
    const stallTimeoutS = parseNumber(this.stallTimeout, DEFAULT_STALL_TIMEOUT_S, 0);
    this.stream.load(
      url,
      Number.isFinite(maxSplats) ? maxSplats : 2 ** 31,
      stallTimeoutS > 0 ? stallTimeoutS * 1000 : Infinity,
    );
  }

  /** Runs a stream message's handler once the device exists, unless the load was replaced meanwhile. */
  private afterDevice(handler: () => void): void {
    const token = this.loadToken;
    this.deviceGate.then(
      () => {
        if (token !== this.loadToken) return;
        // A handler that throws (an allocation the browser refuses, say) ends the load with an event.
        try {
          handler();
        } catch (e) {
          this.failWith(e);
        }
      },
      () => undefined,
    );
  }

  private sceneHeader(scene: SceneInfo, progress: Progress): void {
    performance.mark?.('gs-scene:header');
    let budget: SplatBudget;
    try {
      budget = this.renderCtl.beginScene(
        scene.count,
        scene.shDegree,
        scene.antialiased,
        parseNumber(this.maxSplats, Infinity, 0),
      );
    } catch (e) {
      this.failWith(e);
      return;
    }
    if (budget.reason) this.dispatch('budget', budget);
    this.cameraCtl.setSceneFrame({
      bounds: scene.bounds,
      up: scene.up,
      focus: scene.focus,
      camera: scene.camera,
    });
    const bg = scene.background;
    this.fileBackground = bg ? `rgb(${bg.map((v) => Math.round(v * 255)).join(' ')})` : '';
    if (!this.background)
      this.renderCtl.settings = { ...this.renderCtl.settings, background: parseColour(this.fileBackground) };
    this.emitProgress(progress);
  }

  private emitProgress(progress: Progress): void {
    const last = this.lastProgress;
    // Monotonic by construction: never report fewer bytes or splats than before.
    const p: Progress = {
      ...progress,
      bytesLoaded: Math.max(last.bytesLoaded, progress.bytesLoaded),
      splatsLoaded: Math.max(last.splatsLoaded, progress.splatsLoaded),
    };
    this.lastProgress = p;
    if (p.bytesTotal) this.progressFraction = p.bytesLoaded / p.bytesTotal;
    else if (p.splatsTotal) this.progressFraction = p.splatsLoaded / p.splatsTotal;
    this.dispatch('progress', p);
  }

  private frameDrawn(drawn: number): void {
    if (this.recovering) {
      this.recovering = false;
      this.lastDeviceLoss = performance.now();
    }
    if (!this.drewSplats) {
      this.drewSplats = true;
      // The Worker may decode the next chunks now, whether or not this frame is shown (reveal).
      this.stream.resume();
    }
    if (this.errorMessage && !this.errorOverScene) {
      // The stream failed before its chunks were drawn: what arrived is now on screen, under a banner.
      this.errorOverScene = true;
      this.errorMessage = this.errorMessage.replace(
        /^Could not show the scene/,
        'Only part of the scene could be loaded',
      );
      if (!this.firstFrameSent) this.showScene(drawn);
      return;
    }
    if (!this.firstFrameSent) {
      // A frame submitted before the last chunks came may complete after loadDone: count what it drew.
      const total = this.loadPending ? this.splatCount : (this.lastProgress.splatsTotal ?? this.splatCount);
      if (drawn >= parseReveal(this.reveal) * total) this.showScene(drawn);
    }
    if (this.loadPending && drawn >= this.splatCount) this.finishLoad();
  }

  /** The first frame is shown: `first-frame`, and the poster goes once that frame is on screen. */
  private showScene(drawn: number): void {
    this.firstFrameSent = true;
    performance.mark?.('gs-scene:first-frame');
    this.dispatch('first-frame', { splatsLoaded: this.splatCount, splatsDrawn: drawn });
    // A canvas drawn outside requestAnimationFrame is presented with the next compositor frame: dropping
    // the poster before then would flash the empty background.
    const token = this.loadToken;
    requestAnimationFrame(() => {
      if (token === this.loadToken) this.revealed = true;
    });
  }

  private loadDone(progress: Progress): void {
    // The load already failed here (a handler threw): the stream's end is no `load`.
    if (this.errorMessage) return;
    this.emitProgress(progress);
    this.progressFraction = -1;
    this.loadPending = true;
    // An empty scene never draws a splat: there is no first frame to wait for.
    if (this.splatCount === 0) {
      if (!this.firstFrameSent) this.showScene(0);
      this.finishLoad();
      return;
    }
    // 'load' follows the first frame that draws every splat (frameDrawn).
    this.renderCtl.requestFrame();
  }

  private finishLoad(): void {
    this.loadPending = false;
    this.isLoaded = true;
    performance.mark?.('gs-scene:load');
    this.dispatch('load', { splatCount: this.splatCount });
  }

  private cameraChanged(): void {
    if (this.pendingCameraEvent) return;
    this.pendingCameraEvent = true;
    queueMicrotask(() => {
      this.pendingCameraEvent = false;
      this.dispatch('camera-change', this.cameraCtl.orbit.pose());
    });
  }

  private deviceLost(message: string): void {
    const now = performance.now();
    if (this.recovering || now - this.lastDeviceLoss < DEVICE_LOSS_WINDOW_MS) {
      this.recovering = false;
      this.fail('device-lost', `GPU device lost: ${message}`);
      return;
    }
    this.recovering = true;
    // Recreate: a fresh device and the scene streamed again (the browser's HTTP cache usually has it).
    this.restart();
  }

  /** The GPU holds no more of the scene: stop loading, keep drawing what loaded, report it. */
  private limitReached(message: string): void {
    this.stream.cancel();
    this.progressFraction = -1;
    this.renderCtl.requestFrame();
    this.dispatch('error', { code: 'limit', message });
  }

  private failWith(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof GsSceneError) this.fail(e.code, e.message);
    // RangeError: an ArrayBuffer or GPU buffer larger than the browser will allocate.
    else if (e instanceof RangeError)
      this.fail('limit', `the scene does not fit in memory here (${message})`);
    else this.fail('internal-error', message);
  }

  private fail(code: string, message: string): void {
    this.stream.cancel();
    this.progressFraction = -1;
    this.loadPending = false;
    // What arrived stays on screen (shown now even if `reveal` was waiting for more), under a banner.
    this.errorOverScene = this.drewSplats && this.splatCount > 0;
    if (this.errorOverScene && !this.firstFrameSent) this.showScene(this.splatCount);
    this.errorMessage =
      code === 'webgpu-unavailable'
        ? `This 3D scene needs WebGPU: ${message}.`
        : !this.errorOverScene
          ? `Could not show the scene: ${message}`
          : this.isLoaded
            ? `The scene may not be drawn correctly: ${message}`
            : `Only part of the scene could be loaded: ${message}`;
    this.dispatch('error', { code, message });
  }

  /** Element events, like <img>'s, stay on the element; `camera-change` bubbles out of shadow roots. */
  private dispatch(type: string, detail: unknown): void {
    const bubbles = type === 'camera-change';
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles, composed: bubbles }));
  }
}

// Typed listeners for the element's own events (`e.detail` of `progress`, `error`, ...).
export interface GsScene {
  addEventListener<K extends keyof GsSceneEventMap>(
    type: K,
    listener: (this: GsScene, event: GsSceneEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void;
  removeEventListener<K extends keyof GsSceneEventMap>(
    type: K,
    listener: (this: GsScene, event: GsSceneEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | EventListenerOptions,
  ): void;
}

// Defined in browsers only: importing the module in Node (SSR) registers nothing, and a second copy of
// the element (e.g. the CDN bundle beside a bundled import) does not throw.
if (typeof window !== 'undefined' && !customElements.get('gs-scene'))
  customElements.define('gs-scene', GsScene);

declare global {
  interface HTMLElementTagNameMap {
    'gs-scene': GsScene;
  }
}
