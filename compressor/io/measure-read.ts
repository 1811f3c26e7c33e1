// Measures readScene on one file: wall time and peak resident memory of this process.
// Usage: node --import ./scripts/register.mjs compressor/io/measure-read.ts FILE [--baseline]
// --baseline skips the read, to show what Node + the TS loader cost on their own.
import { readScene } from './read-scene.ts';

const [path, flag] = process.argv.slice(2);
if (!path) {
  console.error('usage: measure-read.ts FILE [--baseline]');
  process.exit(2);
}
const started = performance.now();
let summary = 'baseline (no read)';
if (flag !== '--baseline') {
  const scene = await readScene(path);
  const bytes = [
    scene.positions,
    scene.logScales,
    scene.rotations,
    scene.opacityLogits,
    scene.shDC,
    scene.shRest,
  ].reduce((sum, column) => sum + column.byteLength, 0);
  summary = `${scene.count} Gaussians, SH ${scene.shDegree}, scene arrays ${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
const ms = performance.now() - started;
// maxRSS is in KiB on Linux.
console.log(
  `${path}: ${summary}; ${ms.toFixed(0)} ms; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
);
