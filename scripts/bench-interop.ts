// `npm run bench:interop [dataDir] [--size WxH] [--views N] [--scenes a,b]`: the interop writers on real scenes.
// Each scene is written as SPZ v4 and v3, glTF (.glb) and .splat (SH capped to 0, the format's limit), read back
// by the format's own reader where one runs in Node (Niantic's SPZ library, splat-transform for .splat; ours
// for glTF, which neither ships a Node reader for), rendered from orbit views and compared with the input's
// renders on scene pixels. Prints bytes, B/Gaussian, write time and PSNR. Data: GS_DATA_DIR or
// ../shared/data; skips (exit 0, with the reason) when absent. Nothing is written inside the project.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { meanPsnr, orbitViews, renderViews, viewErrors } from '../compressor/eval/orbit-views.ts';
import { getGpu } from '../compressor/gpu/device.ts';
import { peerDecodeSpz, peerReadScene } from '../compressor/io/peer-formats.ts';
import { decodeGltf } from '../compressor/io/read-gltf.ts';
import { readScene } from '../compressor/io/read-scene.ts';
import { encodeGlb } from '../compressor/io/write-gltf.ts';
import { encodeSplat } from '../compressor/io/write-splat.ts';
import { encodeSpz } from '../compressor/io/write-spz.ts';
import { capShDegree, type GaussianScene } from '../shared/scene/gaussian-scene.ts';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const [width, height] = (option('size') ?? '320x240').split('x').map(Number);
const views = Number(option('views') ?? 2);
const names = (option('scenes') ?? 'guitar,biker,playbot').split(',');
const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = resolve(args[0] ?? process.env.GS_DATA_DIR ?? join(root, '..', 'shared', 'data'));
const scenesDir = join(dataDir, 'scenes');
if (!existsSync(scenesDir)) {
  console.log(
    `bench:interop: skipped, no scenes folder at ${scenesDir} (pass a data dir or set GS_DATA_DIR)`,
  );
  process.exit(0);
}

interface Case {
  name: string;
  /** The scene the format is asked to hold. */
  input: (scene: GaussianScene) => GaussianScene;
  encode: (scene: GaussianScene) => Promise<Uint8Array>;
  reader: string;
  decode: (bytes: Uint8Array) => Promise<GaussianScene>;
}
const cases: Case[] = [
  {
    name: 'SPZ v4',
    input: (s) => s,
    encode: (s) => encodeSpz('x.spz', s, 4),
    reader: 'Niantic (@adobe/spz)',
    decode: peerDecodeSpz,
  },
  {
    name: 'SPZ v3',
    input: (s) => s,
    encode: (s) => encodeSpz('x.spz', s, 3),
    reader: 'Niantic (@adobe/spz)',
    decode: peerDecodeSpz,
  },
  {
    name: 'glTF .glb',
    input: (s) => s,
    encode: async (s) => encodeGlb('x.glb', s),
    reader: 'ours',
    decode: (b) => decodeGltf('x.glb', b),
  },
  {
    name: '.splat (SH 0)',
    input: (s) => capShDegree(s, 0),
    encode: async (s) => encodeSplat('x.splat', s),
    reader: 'splat-transform',
    decode: (b) => peerReadScene(new Map([['x.splat', b]]), 'x.splat', 'splat'),
  },
];

const gpu = await getGpu();
console.log(
  `bench:interop — ${views} orbit views at ${width}x${height}, scene-pixel PSNR against the input PLY`,
);
console.log(`GPU: ${gpu.adapterInfo.description || gpu.adapterInfo.vendor}`);
for (const name of names) {
  const path = join(scenesDir, `${name}.ply`);
  if (!existsSync(path)) {
    console.log(`${name}: skipped (${path} absent)`);
    continue;
  }
  const scene = await readScene(path);
  const cameras = orbitViews(scene, { views, width, height });
  const reference = await renderViews(gpu, scene, cameras);
  console.log(`\n${name}: ${scene.count} Gaussians, SH degree ${scene.shDegree}`);
  console.log('  format          bytes        B/G    write s  reader                  PSNR dB');
  for (const c of cases) {
    const started = performance.now();
    const bytes = await c.encode(c.input(scene));
    const seconds = (performance.now() - started) / 1000;
    const decoded = await c.decode(bytes);
    const psnr = meanPsnr(viewErrors(await renderViews(gpu, decoded, cameras), reference, true));
    console.log(
      `  ${c.name.padEnd(14)} ${String(bytes.length).padStart(10)} ${(bytes.length / scene.count).toFixed(2).padStart(9)} ` +
        `${seconds.toFixed(2).padStart(9)}  ${c.reader.padEnd(22)} ${psnr.toFixed(2).padStart(8)}`,
    );
  }
}
