// Writes the e2e test fixtures into e2e/fixtures/ (git-ignored), from synthetic scenes only: the demo
// geometry's ready-made Gaussians (compressor/demo-scene) packed with the real encoder (compressor/pack).
// Skips work when the files exist and this script has not changed (stamp).
//   node --import ./scripts/register.mjs e2e/make-fixtures.ts [--force]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateDemoGaussians } from '../compressor/demo-scene/gaussians.ts';
import { encodeGsz } from '../compressor/pack/gsz-encoder.ts';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const stampFile = `${dir}stamp.txt`;
const stamp = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).digest('hex');

export async function makeFixtures(force = false): Promise<string> {
  if (!force && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return dir;
  mkdirSync(dir, { recursive: true });
  // Degree 0, several chunks (1000, 2000, 3000) so streaming delivers more than one chunk.
  const small = await encodeGsz(generateDemoGaussians({ count: 6000, seed: 1 }), {
    firstChunk: 1000, chunkGrowth: 2, maxChunk: 4000, up: [0, 0, 1], zstdLevel: 3,
  });
  writeFileSync(`${dir}small.gsz`, small);
  // Degree 1 with a small SH codebook: exercises the codebook section and SH evaluation.
  const sh1 = await encodeGsz(generateDemoGaussians({ count: 3000, seed: 2, shDegree: 1 }), {
    firstChunk: 1000, maxChunk: 2000, up: [0, 0, 1], codebookSize: 64, kmeansIterations: 3, zstdLevel: 3,
  });
  writeFileSync(`${dir}sh1.gsz`, sh1);
  // Not a .gsz at all (wrong signature).
  writeFileSync(`${dir}not-a-scene.gsz`, new TextEncoder().encode('<html>this is not a scene</html>\n'));
  // A valid header and first chunk, then a damaged byte in the last chunk (checksum mismatch).
  const damaged = small.slice();
  damaged[damaged.length - 10] ^= 0xff;
  writeFileSync(`${dir}corrupt-tail.gsz`, damaged);
  writeFileSync(stampFile, stamp);
  return dir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now();
  await makeFixtures(process.argv.includes('--force'));
  console.log(`e2e fixtures in ${dir} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
