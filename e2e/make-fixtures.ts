// Writes the e2e test fixtures into e2e/fixtures/ (git-ignored), from synthetic scenes only: the demo
// geometry's ready-made Gaussians (compressor/demo-scene) packed with the real encoder (compressor/pack).
// Skips work when the files exist and neither this script nor the sources they come from changed (stamp).
//   node --import ./scripts/register.mjs e2e/make-fixtures.ts [--force]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateDemoGaussians } from '../compressor/demo-scene/gaussians.ts';
import { encodeGsz } from '../compressor/pack/gsz-encoder.ts';
import { shRestCount } from '../shared/scene/gaussian-scene.ts';

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
  writeFileSync(stampFile, stamp);
  return dir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now();
  await makeFixtures(process.argv.includes('--force'));
  console.log(`e2e fixtures in ${dir} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
