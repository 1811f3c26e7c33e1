// The page that bench:view and profile-view load: one <gs-scene> at a fixed CSS size (pixel ratio 1, no
// controls, black background) with the page's GPUDevice kept on window.gsDevice so a bench can await each
// frame's GPU work, and timing marks (first frame, load, bytes at first frame, error) on window.marks.

export type Vec3 = [number, number, number];

/** A camera pose as the element's attributes take it (camera-position, camera-target, camera-up, fov). */
export interface Pose {
  position: Vec3;
  target: Vec3;
  up: Vec3;
  fov: number;
}

export interface BenchPageOptions {
  /** CSS pixels (= device pixels: pixel-ratio 1). */
  width: number;
  height: number;
  /** The scene URL the element streams. */
  src: string;
  /** Set the camera attributes before loading; default: the element's own framing. */
  pose?: Pose;
  /** POST /bench/mark when the first frame is out (bench:view's server timestamps it). */
  postFirstFrameMark?: boolean;
}

export function benchPage(o: BenchPageOptions): string {
  const { pose } = o;
  const cam = pose
    ? `el.setAttribute('camera-position', '${pose.position.join(' ')}'); el.setAttribute('camera-target', '${pose.target.join(' ')}');
  el.setAttribute('camera-up', '${pose.up.join(' ')}'); el.setAttribute('fov', '${pose.fov}');`
    : '';
  return `<!doctype html><meta charset="utf-8"><style>body{margin:0;background:#000}gs-scene{width:${o.width}px;height:${o.height}px}</style>
<script>
  // Keep the page's GPUDevice so the bench can wait for each frame's GPU work.
  const requestDevice = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = async function (...a) { const d = await requestDevice.apply(this, a); window.gsDevice = d; return d; };
</script>
<script type="module" src="/component/dist/gs-scene.bundle.js"></script>
<script type="module">
  window.marks = {};
  const el = document.createElement('gs-scene');
  el.setAttribute('background', 'black');
  el.setAttribute('pixel-ratio', '1');
  el.setAttribute('controls', 'none');
  ${cam}
  el.addEventListener('progress', (e) => (marks.bytes = e.detail.bytesLoaded));
  el.addEventListener('first-frame', (e) => {
    marks.firstFrame = performance.now();
    marks.firstFrameBytes = marks.bytes;
    marks.firstFrameSplats = e.detail.splatsDrawn;
    ${o.postFirstFrameMark ? "fetch('/bench/mark', { method: 'POST' });" : ''}
  });
  el.addEventListener('load', () => (marks.load = performance.now()));
  el.addEventListener('error', (e) => (marks.error = e.detail));
  el.src = '${o.src}';
  document.body.append(el);
  window.viewer = el;
</script>`;
}
