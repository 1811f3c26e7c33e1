// The element's load state machine: one load at a time (a token drops the messages of replaced ones),
// from `src` or an in-memory scene, through the header (budget, framing), chunks and the first frame
// (`reveal`) to `load`; errors (kept scene under a banner, or the fallback), device-loss recovery and
// lazy loading. It owns the stream and tells the element what to show (`view`); the element keeps the
// attributes and the rendering of its shadow DOM.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type GaussianScene, sceneBounds } from '../../shared/scene/gaussian-scene.ts';
import { parseColour, parseNumber, parseReveal } from './attributes.ts';
import type { CameraController } from './camera-controller.ts';
import { GsSceneError, onGpuError } from './gpu-device.ts';
import { gridsOfScene, packSplats } from './render/packed-splats.ts';
import type { RenderController } from './render-controller.ts';
import type { SplatBudget } from './render/splat-budget.ts';
import { StreamController } from './stream/stream-controller.ts';
import type { Progress, SceneInfo } from './stream/worker-protocol.ts';
import { errorText, INITIAL_VIEW, type LoadView, PARTIAL_LOAD } from './load-view.ts';

/** A device lost again within this time after a recovery completed (or while it runs) is reported
 *  instead of recovered from. */
const DEVICE_LOSS_WINDOW_MS = 5000;
/** Default `stall-timeout`: seconds without a byte (or a response) before a load fails as stalled. */
export const DEFAULT_STALL_TIMEOUT_S = 30;

/** The attributes a load reads, and how it reports. */
export interface LoadHost extends ReactiveControllerHost, HTMLElement {
  readonly src: string;
  readonly loading: 'eager' | 'lazy';
  readonly maxSplats: number;
  readonly reveal: string;
  readonly background: string;
  readonly stallTimeout: number;
}

/** Dispatches one of the element's events (events.ts). */
export type Dispatch = (type: string, detail: unknown) => void;

export class LoadController implements ReactiveController {
  view: LoadView = INITIAL_VIEW;
  /** CSS colour of the background the current file records (header `background`), or empty. */
  fileBackground = '';
  private readonly stream: StreamController;
  private loadToken = 0;
  private lazyPending = false;
  private firstFrameSent = false;
  private loadPending = false;
  private isLoaded = false;
  /** A frame with splats has been drawn for the current load (shown or, before `reveal`, not yet). */
  private drewSplats = false;
  private lastProgress: Progress = { bytesLoaded: 0, splatsLoaded: 0 };
  private lastDeviceLoss = -Infinity;
  /** A recovery from a lost device is under way (until the reloaded scene's first frame). */
  private recovering = false;
  /** Resolves when the current load's GPU device is ready. */
  private deviceGate: Promise<unknown> = Promise.resolve();
  /** The scene shown by setScene() (kept to reload it when sh-degree rises). */
  private memoryScene: GaussianScene | undefined;
  private unsubscribeGpuErrors: (() => void) | undefined;

  constructor(
    private readonly host: LoadHost,
    private readonly renderCtl: RenderController,
    private readonly cameraCtl: CameraController,
    private readonly dispatch: Dispatch,
  ) {
    this.stream = new StreamController(host, {
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
    host.addController(this);
  }

  hostConnected(): void {
    this.unsubscribeGpuErrors ??= onGpuError((code, message) => {
      // Only an element with a scene (or one coming) reports; one error per load.
      if ((this.host.src || this.renderCtl.splatCount > 0) && !this.view.errorMessage)
        this.fail(code, message);
    });
  }

  hostDisconnected(): void {
    this.unsubscribeGpuErrors?.();
    this.unsubscribeGpuErrors = undefined;
    this.loadToken++;
  }

  /** True once the whole file has loaded and been drawn. */
  get loaded(): boolean {
    return this.isLoaded;
  }

  /** The element is on screen now: a load waiting for it (loading="lazy") starts. */
  visible(): void {
    if (this.lazyPending) this.startLoad();
  }

  /** Higher SH than the buffers hold is wanted: the scene loads again. */
  reloadForShDegree(): void {
    if (this.memoryScene) void this.setScene(this.memoryScene);
    else this.restart();
  }

  private setView(change: Partial<LoadView>): void {
    this.view = { ...this.view, ...change };
    this.host.requestUpdate();
  }

  private resetState(): number {
    this.memoryScene = undefined;
    this.stream.cancel();
    this.renderCtl.clearScene();
    this.fileBackground = '';
    this.setView(INITIAL_VIEW);
    this.firstFrameSent = this.loadPending = this.isLoaded = this.drewSplats = false;
    this.lazyPending = false;
    this.lastProgress = { bytesLoaded: 0, splatsLoaded: 0 };
    return ++this.loadToken;
  }

  /** Starts the element's `src` over (nothing when disconnected or without `src`). */
  restart(): void {
    if (!this.host.isConnected) return;
    this.resetState();
    if (!this.host.src) return;
    if (this.host.loading === 'lazy' && !this.nearViewport()) {
      this.lazyPending = true;
      return;
    }
    this.startLoad();
  }

  private nearViewport(): boolean {
    const r = this.host.getBoundingClientRect();
    return r.bottom >= 0 && r.right >= 0 && r.top <= innerHeight && r.left <= innerWidth;
  }

  private startLoad(): void {
    this.lazyPending = false;
    const token = this.loadToken;
    const url = new URL(this.host.src, document.baseURI).href;
    const maxSplats = parseNumber(this.host.maxSplats, Infinity, 0);
    // The stream starts at once, alongside the GPU device request; its messages wait for the device
    // (afterDevice), in order.
    const ready = this.renderCtl.ready();
    this.deviceGate = ready;
    ready.catch((e: unknown) => {
      if (token === this.loadToken) this.failWith(e);
    });
    const stallTimeoutS = parseNumber(this.host.stallTimeout, DEFAULT_STALL_TIMEOUT_S, 0);
    this.stream.load(
      url,
      Number.isFinite(maxSplats) ? maxSplats : 2 ** 31,
      stallTimeoutS > 0 ? stallTimeoutS * 1000 : Infinity,
    );
  }

  /** Shows an in-memory scene instead of `src` (cancels any stream). */
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
    this.renderCtl.addSplats(0, packSplats(scene, gridsOfScene(scene)));
    this.loadDone({ bytesLoaded: 0, splatsLoaded: scene.count, splatsTotal: scene.count });
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
        parseNumber(this.host.maxSplats, Infinity, 0),
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
    if (!this.host.background)
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
    if (p.bytesTotal) this.setView({ progressFraction: p.bytesLoaded / p.bytesTotal });
    else if (p.splatsTotal) this.setView({ progressFraction: p.splatsLoaded / p.splatsTotal });
    this.dispatch('progress', p);
  }

  /** A frame with splats has been rendered and its GPU work completed; it drew the first `drawn`. */
  frameDrawn(drawn: number): void {
    if (this.recovering) {
      this.recovering = false;
      this.lastDeviceLoss = performance.now();
    }
    if (!this.drewSplats) {
      this.drewSplats = true;
      // The Worker may decode the next chunks now, whether or not this frame is shown (reveal).
      this.stream.resume();
    }
    const splatCount = this.renderCtl.splatCount;
    if (this.view.errorMessage && !this.view.errorOverScene) {
      // The stream failed before its chunks were drawn: what arrived is now on screen, under a banner.
      this.setView({
        errorOverScene: true,
        errorMessage: this.view.errorMessage.replace(/^Could not show the scene/, PARTIAL_LOAD),
      });
      if (!this.firstFrameSent) this.showScene(drawn);
      return;
    }
    if (!this.firstFrameSent) {
      // A frame submitted before the last chunks came may complete after loadDone: count what it drew.
      const total = this.loadPending ? splatCount : (this.lastProgress.splatsTotal ?? splatCount);
      if (drawn >= parseReveal(this.host.reveal) * total) this.showScene(drawn);
    }
    if (this.loadPending && drawn >= splatCount) this.finishLoad();
  }

  /** The first frame is shown: `first-frame`, and the poster goes once that frame is on screen. */
  private showScene(drawn: number): void {
    this.firstFrameSent = true;
    performance.mark?.('gs-scene:first-frame');
    this.dispatch('first-frame', { splatsLoaded: this.renderCtl.splatCount, splatsDrawn: drawn });
    // A canvas drawn outside requestAnimationFrame is presented with the next compositor frame: dropping
    // the poster before then would flash the empty background.
    const token = this.loadToken;
    requestAnimationFrame(() => {
      if (token === this.loadToken) this.setView({ revealed: true });
    });
  }

  private loadDone(progress: Progress): void {
    // The load already failed here (a handler threw): the stream's end is no `load`.
    if (this.view.errorMessage) return;
    this.emitProgress(progress);
    this.setView({ progressFraction: -1 });
    this.loadPending = true;
    // An empty scene never draws a splat: there is no first frame to wait for.
    if (this.renderCtl.splatCount === 0) {
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
    this.dispatch('load', { splatCount: this.renderCtl.splatCount });
  }

  /** The GPU device was lost: recover once (a fresh device, the scene streamed again), else report. */
  deviceLost(message: string): void {
    const now = performance.now();
    if (this.recovering || now - this.lastDeviceLoss < DEVICE_LOSS_WINDOW_MS) {
      this.recovering = false;
      this.fail('device-lost', `GPU device lost: ${message}`);
      return;
    }
    this.recovering = true;
    // The browser's HTTP cache usually has the file.
    this.restart();
  }

  /** The GPU holds no more of the scene: stop loading, keep drawing what loaded, report it. */
  limitReached(message: string): void {
    this.stream.cancel();
    this.setView({ progressFraction: -1 });
    this.renderCtl.requestFrame();
    this.dispatch('error', { code: 'limit', message });
  }

  failWith(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof GsSceneError) this.fail(e.code, e.message);
    // RangeError: an ArrayBuffer or GPU buffer larger than the browser will allocate.
    else if (e instanceof RangeError)
      this.fail('limit', `the scene does not fit in memory here (${message})`);
    else this.fail('internal-error', message);
  }

  private fail(code: string, message: string): void {
    this.stream.cancel();
    this.loadPending = false;
    // What arrived stays on screen (shown now even if `reveal` was waiting for more), under a banner.
    const splatCount = this.renderCtl.splatCount;
    const errorOverScene = this.drewSplats && splatCount > 0;
    this.setView({ progressFraction: -1, errorOverScene });
    if (errorOverScene && !this.firstFrameSent) this.showScene(splatCount);
    this.setView({ errorMessage: errorText(code, message, errorOverScene, this.isLoaded) });
    this.dispatch('error', { code, message });
  }
}
