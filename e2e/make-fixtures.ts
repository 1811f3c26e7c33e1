// Writes the e2e test fixtures into e2e/fixtures/ (git-ignored), from synthetic scenes only: the demo
// geometry's ready-made Gaussians (compressor/demo-scene) packed with the real encoder (compressor/pack).
// Skips work when the files exist and neither this script nor the sources they come from changed (stamp).
//   node --import ./scripts/register.mjs e2e/make-fixtures.ts [--force]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateDemoGaussians } from '../compressor/demo-scene/gaussians.ts';
import { encodeGsz } from '../compressor/pack/gsz-encoder.ts';
import { createScene, SH_C0, shRestCount, type GaussianScene } from '../shared/scene/gaussian-scene.ts';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const stampFile = `${dir}stamp.txt`;
const root = fileURLToPath(new URL('../', import.meta.url));

/** Hash of this script and every source the fixtures depend on (encoder, format, demo geometry): a change regenerates them. */
function sourceStamp(): string {
  const hash = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url)));
  for (const folder of [
    'compressor/pack',
    'compressor/demo-scene',
    'shared/format',
    'shared/scene',
    'shared/math',
  ]) {
    for (const name of readdirSync(`${root}${folder}`, { recursive: true }).map(String).sort()) {
      if (/\.(ts|wgsl)$/.test(name) && !name.endsWith('.test.ts'))
        hash.update(name).update(readFileSync(`${root}${folder}/${name}`));
    }
  }
  return hash.digest('hex');
}
const stamp = sourceStamp();

export async function makeFixtures(force = false): Promise<string> {
  if (!force && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return dir;
  mkdirSync(dir, { recursive: true });
  // Degree 0, several chunks (1000, 2000, 3000) so streaming delivers more than one chunk.
  const small = await encodeGsz(generateDemoGaussians({ count: 6000, seed: 1 }), {
    firstChunk: 1000,
    chunkGrowth: 2,
    maxChunk: 4000,
    up: [0, 0, 1],
  });
  writeFileSync(`${dir}small.gsz`, small);
  // Degree 1 with a small SH codebook: exercises the codebook section and SH evaluation.
  const sh1 = await encodeGsz(generateDemoGaussians({ count: 3000, seed: 2, shDegree: 1 }), {
    firstChunk: 1000,
    maxChunk: 2000,
    up: [0, 0, 1],
    codebookSize: 64,
    kmeansIterations: 3,
  });
  writeFileSync(`${dir}sh1.gsz`, sh1);
  // Degree 3 with strong, coherent view-dependent colour (the demo's SH terms are faint noise): band 1
  // tints red from one side and blue from the other, so an image with SH evaluated differs visibly from
  // one capped at degree 0; bands 2-3 keep the demo's noise, x4.
  const sh3Scene = generateDemoGaussians({ count: 3000, seed: 4, shDegree: 3 });
  const restCount = shRestCount(3);
  for (let i = 0; i < sh3Scene.count; i++) {
    const base = i * restCount * 3; // [N, K, 3]: coefficient-major, RGB interleaved
    for (let j = 0; j < restCount * 3; j++) sh3Scene.shRest[base + j] *= 4;
    sh3Scene.shRest[base + 0] += 0.6; // Y(1,-1), red
    sh3Scene.shRest[base + 2] -= 0.6; // Y(1,-1), blue
    sh3Scene.shRest[base + 2 * 3 + 1] += 0.4; // Y(1,1), green
  }
  writeFileSync(
    `${dir}sh3.gsz`,
    await encodeGsz(sh3Scene, { firstChunk: 3000, up: [0, 0, 1], codebookSize: 256, kmeansIterations: 4 }),
  );
  // Antialiased (Mip-Splatting flag in the header): the viewer's opacity compensation for small splats.
  const aaScene = generateDemoGaussians({ count: 3000, seed: 3 });
  aaScene.antialiased = true;
  writeFileSync(`${dir}aa.gsz`, await encodeGsz(aaScene, { firstChunk: 3000, up: [0, 0, 1] }));
  // Not a .gsz at all (wrong signature).
  writeFileSync(`${dir}not-a-scene.gsz`, new TextEncoder().encode('<html>this is not a scene</html>\n'));
  // A valid header and first chunk, then a damaged byte in the last chunk (checksum mismatch).
  const damaged = small.slice();
  damaged[damaged.length - 10] ^= 0xff;
  writeFileSync(`${dir}corrupt-tail.gsz`, damaged);
  // The first 60% of a valid file (a download cut short): the header promises chunks that never come.
  writeFileSync(`${dir}truncated.gsz`, small.subarray(0, Math.round(small.length * 0.6)));
  // Framing: a statue-like tall figure and a biker-like wide one (COLMAP axes, up -Y), each with a few
  // far floaters the robust extent must ignore. The statue's top quarter (its "head") is blue, so a
  // screenshot shows which way is up; the biker's +X end is red.
  writeFileSync(
    `${dir}tall.gsz`,
    await encodeGsz(
      boxFigure([1, 4, 1], [0.95, 0.6, 0.2], (p) => (p[1] < -3 ? [0.15, 0.3, 1] : undefined)),
      {
        firstChunk: 4000,
      },
    ),
  );
  // The same statue, recorded as made for a warm white background (header `background`).
  writeFileSync(
    `${dir}tall-on-white.gsz`,
    await encodeGsz(
      boxFigure([1, 4, 1], [0.95, 0.6, 0.2], () => undefined),
      {
        firstChunk: 4000,
        background: [1, 0.9, 0.8],
      },
    ),
  );
  writeFileSync(
    `${dir}wide.gsz`,
    await encodeGsz(
      boxFigure([8, 1.5, 3], [0.2, 0.85, 0.3], (p) => (p[0] > 3 ? [1, 0.1, 0.1] : undefined)),
      {
        firstChunk: 4000,
      },
    ),
  );
  writeFileSync(stampFile, stamp);
  return dir;
}

/**
 * 3000 opaque Gaussians filling a box of `size` (x, y, z) that sits on y = 0 and extends to -y (up is -Y),
 * coloured `colour` or `paint(position)`, plus 16 floaters 40 box-widths away on either side.
 */
function boxFigure(
  size: [number, number, number],
  colour: [number, number, number],
  paint: (p: number[]) => [number, number, number] | undefined,
): GaussianScene {
  const count = 3016;
  const scene = createScene(count, 0);
  let state = 12345;
  const rand = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const radius = Math.min(...size) / 12;
  for (let i = 0; i < count; i++) {
    const floater = i >= 3000;
    const p = floater
      ? [(i % 2 ? 1 : -1) * 40 * size[0], -size[1] / 2, 0]
      : [(rand() - 0.5) * size[0], -rand() * size[1], (rand() - 0.5) * size[2]];
    const c = paint(p) ?? colour;
    scene.positions.set(p, i * 3);
    scene.logScales.set([Math.log(radius), Math.log(radius), Math.log(radius)], i * 3);
    scene.rotations.set([1, 0, 0, 0], i * 4);
    scene.opacityLogits[i] = 5;
    scene.shDC.set(
      c.map((v) => (v - 0.5) / SH_C0),
      i * 3,
    );
  }
  return scene;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now();
  await makeFixtures(process.argv.includes('--force'));
  console.log(`e2e fixtures in ${dir} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
