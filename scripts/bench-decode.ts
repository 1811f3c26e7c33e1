// `npm run bench:decode [dataDir]`: decode throughput (million Gaussians per second) of .gsz on one thread
// (shared/format decodeGsz) and on several (compressor/io decodeGszParallel), beside Niantic SPZ's decode
// (compressor/io/read-spz.ts) in the same process, bytes already in memory, best of GSZ_BENCH_RUNS (5).
// Then what the file's chunking allows: each work item's CPU time (a part of a chunk, the unit the parallel
// decoders share out); the largest bounds the parallel decode whatever the thread count.
// Scenes: playbot and biker from GS_DATA_DIR or ../shared/data (skipped, with the reason, when absent).
// The .gsz is packed with the default profile and the SPZ made by @playcanvas/splat-transform (as in
// bench:format), each in a child process (so the encoder's code paths do not warm this process's decoder)
// and cached under node_modules/.bench-peers/cache. The machine's load is printed: on shared cores it
// moves every figure.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeGszParallel, defaultDecodeThreads } from '../compressor/io/gsz-parallel-decode.ts';
import { decodeSpz } from '../compressor/io/read-spz.ts';
import { decodeGsz, decodeGszChunkPart, GSZ_CHUNK_PARTS, openGsz } from '../shared/format/gsz-decoder.ts';
import { createScene } from '../shared/scene/gaussian-scene.ts';
import { cachedPath, peerFile, splatTransformCli } from './bench-peers.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = resolve(process.argv[2] ?? process.env.GS_DATA_DIR ?? join(root, '..', 'shared', 'data'));
const RUNS = Math.max(1, Number(process.env.GSZ_BENCH_RUNS ?? 5));
const SCENES = ['playbot', 'biker'];

function gszOf(input: string, name: string): string {
  const path = cachedPath(input, name, 'gsz');
  if (!existsSync(path)) {
    console.log(`${name}: packing ${input} (default profile) ...`);
    execFileSync(
      process.execPath,
      [join(root, 'compressor', 'bin', 'gs-compress.js'), 'pack', input, '-o', path],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  }
  return path;
}

function spzOf(input: string, name: string): string | undefined {
  const cli = splatTransformCli();
  return cli ? peerFile(cli, input, name, 'spz')?.path : undefined;
}

interface Timing {
  /** Best (shortest) wall-clock seconds. */
  seconds: number;
  /** This process's CPU seconds (user + system) in that run: on a busy machine, closer to the work done. */
  cpuSeconds: number;
}

/** The shortest of RUNS runs of `run`. */
async function best(run: () => unknown): Promise<Timing> {
  let result: Timing = { seconds: Infinity, cpuSeconds: Infinity };
  for (let r = 0; r < RUNS; r++) {
    const cpu = process.cpuUsage();
    const t = performance.now();
    await run();
    const seconds = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    if (seconds < result.seconds) result = { seconds, cpuSeconds: (used.user + used.system) / 1e6 };
  }
  return result;
}

/**
 * CPU milliseconds of every work item (a part of a chunk, what the parallel decoder shares out), best of RUNS:
 * the largest bounds the parallel decode whatever the thread count.
 */
function itemCosts(bytes: Uint8Array): number[] {
  const { header, codebook } = openGsz(bytes);
  const out = createScene(header.count, header.shDegree, header.antialiased);
  // The last part is the SH rest: no work (and no item) without a codebook.
  const parts = header.codebook ? GSZ_CHUNK_PARTS : GSZ_CHUNK_PARTS - 1;
  const costs = new Array<number>(header.chunks.length * parts).fill(Infinity);
  for (let r = 0; r < RUNS; r++)
    header.chunks.forEach((c, i) => {
      const chunk = bytes.subarray(c.offset, c.offset + c.length);
      for (let part = 0; part < parts; part++) {
        const cpu = process.cpuUsage();
        decodeGszChunkPart(header, i, chunk, codebook, out, c.firstSplat, part);
        const used = process.cpuUsage(cpu);
        const k = i * parts + part;
        costs[k] = Math.min(costs[k], (used.user + used.system) / 1000);
      }
    });
  return costs;
}

/** Longest thread of a longest-first schedule of `costs` on `threads` threads (no overheads). */
function scheduleBound(costs: number[], threads: number): number {
  const load = new Array<number>(threads).fill(0);
  for (const c of [...costs].sort((a, b) => b - a)) {
    let k = 0;
    for (let t = 1; t < threads; t++) if (load[t] < load[k]) k = t;
    load[k] += c;
  }
  return Math.max(...load);
}

const threads = defaultDecodeThreads();
const load = (): string =>
  loadavg()
    .map((v) => v.toFixed(1))
    .join(' / ');
console.log(
  `bench:decode: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} logical cores; ` +
    `parallel decode on ${threads} threads; best of ${RUNS}; load average (1/5/15 min) ${load()}`,
);
const rows: string[][] = [];
const limits: string[] = [];
for (const name of SCENES) {
  const input = join(dataDir, 'scenes', `${name}.ply`);
  if (!existsSync(input)) {
    console.log(`${name}: skipped (${input} not found; pass the data folder or set GS_DATA_DIR)`);
    continue;
  }
  const gszBytes = new Uint8Array(readFileSync(gszOf(input, name)));
  const spzPath = spzOf(input, name);
  const count = decodeGsz(gszBytes).count;
  const serial = await best(() => decodeGsz(gszBytes));
  // The first parallel call also bundles the worker (once per process): reported apart.
  const t = performance.now();
  await decodeGszParallel(gszBytes);
  const firstCall = (performance.now() - t) / 1000;
  const parallel = await best(() => decodeGszParallel(gszBytes));
  let spz: Timing | undefined;
  if (spzPath) {
    const spzBytes = new Uint8Array(readFileSync(spzPath));
    spz = await best(() => decodeSpz(spzPath, spzBytes));
  } else console.log(`${name}: SPZ skipped (splat-transform unavailable)`);
  const mgs = (seconds: number): string => (count / seconds / 1e6).toFixed(2);
  const costs = itemCosts(gszBytes);
  const work = costs.reduce((a, b) => a + b, 0);
  const largest = Math.max(...costs);
  const spzMs = spz ? spz.cpuSeconds * 1000 : undefined;
  const vsSpz = (ms: number): string => (spzMs ? ` = x${(spzMs / ms).toFixed(2)} SPZ` : '');
  limits.push(
    `${name}: ${costs.length} work items, ` +
      `${work.toFixed(0)} ms CPU in all; the largest ${largest.toFixed(0)} ms (${((100 * largest) / work).toFixed(0)}%)` +
      `${vsSpz(largest)}: no thread count decodes faster. Ideal schedule: ` +
      [2, 4, 8]
        .map((n) => `${n} threads ${scheduleBound(costs, n).toFixed(0)} ms${vsSpz(scheduleBound(costs, n))}`)
        .join(', '),
  );
  const ratio = (seconds: number, peer?: number): string => (peer ? (peer / seconds).toFixed(2) : '-');
  rows.push([
    name,
    String(count),
    `${mgs(serial.seconds)} (${mgs(serial.cpuSeconds)}/CPU-s)`,
    `${mgs(parallel.seconds)} (first call ${mgs(firstCall)})`,
    spz ? `${mgs(spz.seconds)} (${mgs(spz.cpuSeconds)}/CPU-s)` : '-',
    ratio(serial.seconds, spz?.seconds),
    ratio(serial.cpuSeconds, spz?.cpuSeconds),
    ratio(parallel.seconds, spz?.seconds),
  ]);
}
const header = [
  'scene',
  'Gaussians',
  '.gsz 1 thread',
  `.gsz ${threads} threads`,
  'SPZ',
  'x SPZ (1)',
  'x SPZ (1, CPU-s)',
  `x SPZ (${threads})`,
];
const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
const line = (cells: string[]): string => cells.map((c, k) => c.padEnd(widths[k])).join('  ');
console.log('\nDecode throughput, million Gaussians per second (bytes in memory):');
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log('\nWhat the chunking allows (CPU ms on one thread, against SPZ CPU ms):');
for (const l of limits) console.log(l);
console.log(`load average after: ${load()}`);
