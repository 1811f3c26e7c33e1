// Decode throughput of .gsz (shared/format) and of other formats (compressor/io readers) in one fresh
// process, best of N: what bench:format reports. A fresh process matters: there the decoder runs without
// the encoder having shared its code paths first (the scheme functions serve both), as in the viewer's Worker.
// Usage: node --import ./scripts/register.mjs compressor/pack/measure-decode.ts [--runs N] FILE...
// Prints one JSON line per file: { file, count, seconds } (seconds: the best run).
import { readFileSync } from 'node:fs';
import { readScene } from '../io/read-scene.ts';
import { decodeGsz } from '../../shared/format/gsz-decoder.ts';

const args = process.argv.slice(2);
let runs = 3;
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Math.max(1, Number(args[++i]));
  else files.push(args[i]);
}
for (const file of files) {
  let best = Infinity;
  let count = 0;
  for (let r = 0; r < runs; r++) {
    if (file.endsWith('.gsz')) {
      const bytes = new Uint8Array(readFileSync(file));
      const t = performance.now();
      count = decodeGsz(bytes).count;
      best = Math.min(best, (performance.now() - t) / 1000);
    } else {
      const t = performance.now();
      count = (await readScene(file)).count;
      best = Math.min(best, (performance.now() - t) / 1000);
    }
  }
  console.log(JSON.stringify({ file, count, seconds: best }));
}
