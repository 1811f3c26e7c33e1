// <gs-scene>: streams a .gsz file and renders it with WebGPU. A thin Lit element: its attributes, shadow
// DOM and public methods; loading, rendering and the camera are reactive controllers (load-controller.ts
// with stream-controller.ts, render-controller.ts, camera-controller.ts + orbit-controls.ts) that acquire
// resources when connected and free them all when disconnected.
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, query } from 'lit/decorators.js';
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import type { Vec3 } from '../../shared/math/camera.ts';
import { parseColour, parseNumber, parseReveal, parseVec3 } from './attributes.ts';
import { CameraController } from './camera-controller.ts';
import { gsSceneStyles } from './gs-scene-styles.ts';
import { capDeviceLimits, type DeviceLimitCaps, GsSceneError } from './gpu-device.ts';
import { DEFAULT_STALL_TIMEOUT_S, LoadController } from './load-controller.ts';
import { OrbitControls } from './orbit-controls.ts';
import type { CameraPose } from './orbit-camera.ts';
import { RenderController } from './render-controller.ts';
import type { SplatBudget } from './render/splat-budget.ts';

import type { GsSceneEventMap } from './events.ts';
export type {
  GsSceneBudgetDetail,
  GsSceneCameraDetail,
  GsSceneErrorCode,
  GsSceneErrorDetail,
  GsSceneProgressDetail,
} from './events.ts';

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
  static override styles = gsSceneStyles;

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
   *  memory budget holds (64 MiB on phone-class devices, 1 GiB elsewhere); never more than the GPU's
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

  @query('canvas') private canvas!: HTMLCanvasElement;

  private readonly cameraCtl = new CameraController(this, () => this.cameraChanged());
  private readonly renderCtl: RenderController = new RenderController(this, this.cameraCtl, {
    onFrameWithSplats: (drawn) => this.load.frameDrawn(drawn),
    onVisibilityChange: (visible) => {
      if (visible) this.load.visible();
    },
    onDeviceLost: (message) => this.load.deviceLost(message),
    onLimit: (message) => this.load.limitReached(message),
  });
  private readonly load: LoadController = new LoadController(
    this,
    this.renderCtl,
    this.cameraCtl,
    (type, detail) => this.dispatch(type, detail),
  );
  private controlsImpl: OrbitControls | undefined;
  private pendingCameraEvent = false;

  /** Gaussians currently loaded (and drawn). */
  get splatCount(): number {
    return this.renderCtl.splatCount;
  }

  /** How many of the scene's Gaussians are kept and why (undefined before the scene's header). */
  get budget(): SplatBudget | undefined {
    return this.renderCtl.budget;
  }

  /** GPU bytes per Gaussian the current scene's buffers take (splat records, SH rest, draw order). */
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
    return this.load.loaded;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Reconnected after a disconnect: the controllers freed everything, so start over.
    if (this.hasUpdated) void this.updateComplete.then(() => this.restart());
  }

  protected override render() {
    const interactive = this.controls !== 'none';
    const { errorMessage: message, errorOverScene, revealed, progressFraction } = this.load.view;
    const fallback = message && !errorOverScene && this.hasFallbackContent();
    return html`
      <canvas part="canvas" role="img" aria-label=${this.alt || 'Gaussian splatting scene'}
        class=${revealed || parseReveal(this.reveal) === 0 ? '' : 'unrevealed'} tabindex=${interactive ? '0' : nothing}></canvas>
      ${
        revealed || fallback
          ? nothing
          : html`<div class="poster" part="poster"><slot name="poster">${
              this.poster ? html`<img src=${this.poster} alt="">` : nothing
            }</slot></div>`
      }
      ${
        progressFraction >= 0 && progressFraction < 1 && !message
          ? html`<div class="progress" part="progress" style="width: ${(progressFraction * 100).toFixed(1)}%"></div>`
          : nothing
      }
      ${
        !message
          ? nothing
          : errorOverScene
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
      background: parseColour(this.background || this.load.fileBackground),
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
    else if (rc.needsReloadFor(rc.settings.shDegree)) this.load.reloadForShDegree();
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
    await this.load.setScene(scene);
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
  }

  private restart(): void {
    if (!this.isConnected) return;
    if (!this.controlsImpl) this.updateControls();
    this.load.restart();
  }

  private cameraChanged(): void {
    if (this.pendingCameraEvent) return;
    this.pendingCameraEvent = true;
    queueMicrotask(() => {
      this.pendingCameraEvent = false;
      this.dispatch('camera-change', this.cameraCtl.orbit.pose());
    });
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
