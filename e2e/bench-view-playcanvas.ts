// PlayCanvas (engine, WebGPU device, its default unified gsplat renderer: GPU-sorted rasterisation on
// WebGPU), the second baseline of bench:view. Installed for the benchmark only, on first use, into the
// git-ignored `.bench-cache/playcanvas/` (never a dependency of the product), and served from there as an
// ES module.
import { installBenchPackages } from './bench-view-install.ts';

export const PLAYCANVAS_VERSION = '2.23.3';
/** Where the bench installs PlayCanvas, relative to the repository root (also its URL path). */
export const PLAYCANVAS_DIR = '.bench-cache/playcanvas';

/** Installs the PlayCanvas engine into `<root>/.bench-cache/playcanvas` unless it is there. */
export function ensurePlayCanvas(root: string): void {
  installBenchPackages(root, PLAYCANVAS_DIR, [`playcanvas@${PLAYCANVAS_VERSION}`]);
}

export interface PlayCanvasPageOptions {
  width: number;
  height: number;
  /** URL of the scene file PlayCanvas loads (its gsplat asset: .ply, .sog, ...). */
  sceneUrl: string;
  position: number[];
  target: number[];
  up: number[];
  /** Vertical field of view, degrees. */
  fov: number;
}

/**
 * A page that renders `sceneUrl` with PlayCanvas on a WebGPU device from the given camera and records
 * `window.marks`: `initialized` (asset loaded: the whole file fetched and parsed), `firstFrame` (end of the
 * first frame with a non-black pixel, copied back from the canvas texture, so its GPU work is done),
 * `error`. `window.renderFrame(position)` moves the camera, waits for the app's next frame and its GPU
 * work, for the steady frame-time loop; `window.pauseRendering()` stops the app's render loop.
 */
export function playCanvasPage(o: PlayCanvasPageOptions): string {
  const engine = `/${PLAYCANVAS_DIR}/node_modules/playcanvas/build/playcanvas.mjs`;
  const distance = Math.hypot(...o.position.map((p, i) => p - o.target[i]!));
  return `<!doctype html><meta charset="utf-8"><style>body{margin:0;background:#000}canvas{width:${o.width}px;height:${o.height}px;display:block}</style>
<script>
  // The canvas texture must be copyable to check for a lit first frame; keep the page's GPUDevice.
  const configure = GPUCanvasContext.prototype.configure;
  GPUCanvasContext.prototype.configure = function (c) {
    return configure.call(this, { ...c, usage: (c.usage ?? GPUTextureUsage.RENDER_ATTACHMENT) | GPUTextureUsage.COPY_SRC });
  };
  const requestDevice = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = async function (...a) { const d = await requestDevice.apply(this, a); window.gsDevice = d; return d; };
</script>
<script type="module">
  window.marks = {};
  window.addEventListener('error', (e) => (marks.error = String(e.message)));
  window.addEventListener('unhandledrejection', (e) => (marks.error = String(e.reason?.message ?? e.reason)));
  const pc = await import(${JSON.stringify(engine)});
  const canvas = document.createElement('canvas');
  canvas.width = ${o.width};
  canvas.height = ${o.height};
  document.body.append(canvas);
  const device = await pc.createGraphicsDevice(canvas, { deviceTypes: [pc.DEVICETYPE_WEBGPU], antialias: false });
  if (!device.isWebGPU) throw new Error('PlayCanvas did not get a WebGPU device');
  device.maxPixelRatio = 1;
  const options = new pc.AppOptions();
  options.graphicsDevice = device;
  options.componentSystems = [pc.CameraComponentSystem, pc.GSplatComponentSystem];
  options.resourceHandlers = [pc.GSplatHandler];
  const app = new pc.AppBase(canvas);
  app.init(options);
  app.setCanvasFillMode(pc.FILLMODE_NONE);
  app.setCanvasResolution(pc.RESOLUTION_FIXED, ${o.width}, ${o.height});
  app.start();
  const camera = new pc.Entity('camera');
  camera.addComponent('camera', {
    clearColor: new pc.Color(0, 0, 0, 1),
    fov: ${o.fov},
    nearClip: ${distance * 0.001},
    farClip: ${distance * 1000},
  });
  app.root.addChild(camera);
  const target = new pc.Vec3(${o.target.join(', ')});
  const up = new pc.Vec3(${o.up.join(', ')});
  const place = (p) => { camera.setPosition(p[0], p[1], p[2]); camera.lookAt(target, up); };
  place(${JSON.stringify(o.position)});
  const gpu = window.gsDevice;
  const context = canvas.getContext('webgpu');
  const frameEnd = () => new Promise((r) => app.once('frameend', r));
  // Screenshots: keep the last frame on the canvas instead of rendering every animation frame.
  window.pauseRendering = () => { app.autoRender = false; };
  window.renderFrame = async (p) => {
    place(p);
    await frameEnd();
    await gpu.queue.onSubmittedWorkDone();
  };
  const asset = new pc.Asset('scene', 'gsplat', { url: ${JSON.stringify(o.sceneUrl)} });
  const loaded = new Promise((resolve, reject) => {
    asset.once('load', resolve);
    asset.once('error', (e) => reject(new Error(String(e))));
  });
  app.assets.add(asset);
  app.assets.load(asset);
  await loaded;
  marks.initialized = performance.now();
  const splats = new pc.Entity('splats');
  splats.addComponent('gsplat', { asset });
  app.root.addChild(splats);
  // Sorting runs on the GPU over the next frames: wait for the first frame with a lit pixel.
  const rowBytes = Math.ceil(${o.width * 4} / 256) * 256;
  const readback = gpu.createBuffer({ size: rowBytes * ${o.height}, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  for (;;) {
    await frameEnd();
    const texture = context.getCurrentTexture();
    const encoder = gpu.createCommandEncoder();
    encoder.copyTextureToBuffer({ texture }, { buffer: readback, bytesPerRow: rowBytes }, [${o.width}, ${o.height}]);
    gpu.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const bytes = new Uint8Array(readback.getMappedRange());
    let lit = false;
    for (let y = 0; y < ${o.height} && !lit; y++)
      for (let x = 0; x < ${o.width * 4}; x += 4) {
        const i = y * rowBytes + x;
        if (bytes[i] | bytes[i + 1] | bytes[i + 2]) { lit = true; break; }
      }
    readback.unmap();
    if (lit) break;
  }
  marks.firstFrame = performance.now();
  marks.load = marks.firstFrame;
</script>`;
}
