// Spark (World Labs' three.js Gaussian splatting renderer, WebGL2), the baseline of bench:view. Installed
// for the benchmark only, on first use, into the git-ignored `.bench-cache/spark/` (never a dependency of
// the product), and served from there as ES modules through an import map.
import { installBenchPackages } from './bench-view-install.ts';

export const SPARK_VERSION = '2.2.0';
export const THREE_VERSION = '0.187.0';
/** Where the bench installs Spark, relative to the repository root (also its URL path). */
export const SPARK_DIR = '.bench-cache/spark';

/** Installs Spark and three into `<root>/.bench-cache/spark` unless they are there. */
export function ensureSpark(root: string): void {
  installBenchPackages(root, SPARK_DIR, [`@sparkjsdev/spark@${SPARK_VERSION}`, `three@${THREE_VERSION}`]);
}

export interface SparkPageOptions {
  width: number;
  height: number;
  /** URL of the scene file Spark loads (its own formats: .ply, .spz, ...). */
  sceneUrl: string;
  position: number[];
  target: number[];
  up: number[];
  /** Vertical field of view, degrees. */
  fov: number;
}

/**
 * A page that renders `sceneUrl` with Spark from the given camera and records `window.marks`:
 * `initialized` (file parsed), `firstFrame` (first rendered frame with a non-background pixel, read back,
 * so its GPU work is done), `error`. `window.renderFrame(position)` renders one frame from another eye
 * position and waits for it (a 1-pixel readPixels), for the steady frame-time loop.
 */
export function sparkPage(o: SparkPageOptions): string {
  const modules = `/${SPARK_DIR}/node_modules`;
  const imports = {
    three: `${modules}/three/build/three.module.js`,
    'three/addons/': `${modules}/three/examples/jsm/`,
    '@sparkjsdev/spark': `${modules}/@sparkjsdev/spark/dist/spark.module.js`,
  };
  const distance = Math.hypot(...o.position.map((p, i) => p - o.target[i]!));
  return `<!doctype html><meta charset="utf-8"><style>body{margin:0;background:#000}</style>
<script type="importmap">${JSON.stringify({ imports })}</script>
<script type="module">
  window.marks = {};
  window.addEventListener('error', (e) => (marks.error = String(e.message)));
  window.addEventListener('unhandledrejection', (e) => (marks.error = String(e.reason?.message ?? e.reason)));
  const THREE = await import('three');
  const { SparkRenderer, SplatMesh } = await import('@sparkjsdev/spark');
  const renderer = new THREE.WebGLRenderer({ antialias: false });
  renderer.setPixelRatio(1);
  renderer.setSize(${o.width}, ${o.height});
  renderer.setClearColor(0x000000, 1);
  document.body.append(renderer.domElement);
  const scene = new THREE.Scene();
  scene.add(new SparkRenderer({ renderer }));
  const camera = new THREE.PerspectiveCamera(${o.fov}, ${o.width / o.height}, ${distance * 0.001}, ${distance * 1000});
  camera.up.set(${o.up.join(', ')});
  const target = new THREE.Vector3(${o.target.join(', ')});
  const place = (p) => { camera.position.set(p[0], p[1], p[2]); camera.lookAt(target); camera.updateMatrixWorld(); };
  place(${JSON.stringify(o.position)});
  const gl = renderer.getContext();
  const pixel = new Uint8Array(4);
  const raf = () => new Promise((r) => requestAnimationFrame(r));
  window.renderFrame = async (p) => {
    place(p);
    await raf();
    renderer.render(scene, camera);
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel); // waits for the frame's GPU work
  };
  const mesh = new SplatMesh({ url: ${JSON.stringify(o.sceneUrl)} });
  scene.add(mesh);
  await mesh.initialized;
  marks.initialized = performance.now();
  const all = new Uint8Array(${o.width * o.height * 4});
  // Spark sorts in a Worker: the first frames may be empty until the first sort is back.
  for (;;) {
    await raf();
    renderer.render(scene, camera);
    gl.readPixels(0, 0, ${o.width}, ${o.height}, gl.RGBA, gl.UNSIGNED_BYTE, all);
    let lit = false;
    for (let i = 0; i < all.length; i += 4) if (all[i] | all[i + 1] | all[i + 2]) { lit = true; break; }
    if (lit) break;
  }
  marks.firstFrame = performance.now();
</script>`;
}
