// The files of scripts/test-package.ts's consumer project: a .ts and a .tsx that use the element's types
// (with @ts-expect-error negative cases), their tsconfig, and two pages that render a scene and record the
// element's events in `window.events`.

export const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    types: [],
    jsx: 'react-jsx',
    strict: true,
    noEmit: true,
    skipLibCheck: false,
  },
  include: ['src/*.ts', 'src/*.tsx'],
};

export const CONSUMER_TS = `import 'gs-scene';
import type { GsScene, GsSceneErrorCode, GsSceneProgressEvent } from 'gs-scene';

const viewer = document.createElement('gs-scene');
const typed: GsScene = viewer;
viewer.src = 'scene.gsz';
viewer.fov = 45;
viewer.controls = 'none';
viewer.setAttribute('auto-rotate', '');
const count: number = typed.splatCount;
viewer.addEventListener('progress', (event: GsSceneProgressEvent) => console.log(event.detail.bytesLoaded, count));
viewer.addEventListener('first-frame', (event) => console.log(event.detail.splatsDrawn));
viewer.addEventListener('load', (event) => console.log(event.detail.splatCount));
viewer.addEventListener('error', (event) => {
  const code: GsSceneErrorCode = event.detail.code;
  if (code === 'webgpu-unavailable') console.log(event.detail.message);
});
viewer.addEventListener('click', (event) => console.log(event.clientX));
const found = document.querySelector('gs-scene');
found?.setCamera({ position: [0, 1, 3], fov: 40 });
// @ts-expect-error fov is a number
viewer.fov = '45';
// @ts-expect-error controls is 'orbit' | 'none'
viewer.controls = 'sideways';
viewer.addEventListener('error', (event) => {
  // @ts-expect-error not an error code
  const wrong: typeof event.detail.code = 'not-a-code';
  console.log(wrong);
});
`;

export const CONSUMER_TSX = `import type {} from 'gs-scene/react';

const Viewer = () => (
  <gs-scene
    src="scene.gsz"
    auto-rotate
    fov={40}
    style={{ width: 320, height: 240 }}
    onload={(event) => console.log(event.detail.splatCount)}
    onerror={(event) => console.log(event.detail.code)}
  />
);
// @ts-expect-error controls is 'orbit' | 'none'
const Wrong = () => <gs-scene controls="sideways" />;
`;

export const PAGE_JS = `import 'gs-scene';
const events = (window.events = []);
const viewer = document.createElement('gs-scene');
for (const type of ['first-frame', 'load', 'error'])
  viewer.addEventListener(type, (event) => events.push({ type, detail: event.detail }));
viewer.src = 'scene.gsz';
viewer.style.cssText = 'width: 320px; height: 240px';
document.body.append(viewer);
`;

export const BUNDLED_HTML = `<!doctype html><html><body><script type="module" src="page.js"></script></body></html>
`;

export const CDN_HTML = `<!doctype html><html><body>
<gs-scene src="scene.gsz" style="width: 320px; height: 240px"></gs-scene>
<script>
  window.events = [];
  for (const type of ['first-frame', 'load', 'error'])
    document.querySelector('gs-scene').addEventListener(type, (event) => window.events.push({ type, detail: event.detail }));
</script>
<script type="module" src="CDN_PATH"></script>
</body></html>
`;

export const COMPRESS_CONSUMER_TS = `import { decodeGsz, pack, readScene, type GaussianScene, type PackOptions } from 'gs-compress';

const options: PackOptions = { profile: 'compact', shDegree: 1 };
const scene: GaussianScene = await readScene('scene.ply');
const bytes: Uint8Array = await pack(scene, options);
console.log(decodeGsz(bytes).count);
// @ts-expect-error not a profile
await pack(scene, { profile: 'tiny' });
`;
