// `npm run bench:large [-- --count N] [--data DIR] [--kmeans cpu,gpu] [--size WxH] [--timeout S]`: a
// synthetic SH3 scene of N Gaussians (default 6,000,000; tiles of playbot with jitter,
// scripts/large-scene.ts, or random ones when the data folder is absent) written as a PLY, then `pack`
// with the first k-means path, `render` and `info`, then `pack` with the other paths, each as its own
// gs-compress process: wall time, peak resident memory (/usr/bin/time), outcome; and `render` under a
// phone-class 128 MiB binding (GS_GPU_MAX_BINDING), which must refuse or draw. --timeout stops a step
// after S seconds (reported as timed out; default: none).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readScene } from '../compressor/io/read-scene.ts';
import { writePly } from '../compressor/io/write-ply.ts';
import { BINDING_CAP_ENV } from '../compressor/gpu/limits.ts';
import { largeScene } from './large-scene.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '6000000' },
    data: { type: 'string' },
    kmeans: { type: 'string', default: 'cpu,gpu' },
    size: { type: 'string', default: '320x240' },
    keep: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '0' },
  },
});
const count = Number(values.count);
if (!Number.isInteger(count) || count < 1)
  throw new Error(`--count expects a positive integer, got ${values.count}`);
const [width, height] = (values.size ?? '').split('x').map(Number);
if (!(width > 0 && height > 0)) throw new Error(`--size expects WxH, got ${values.size}`);
const stepTimeout = Number(values.timeout);
if (!(stepTimeout >= 0)) throw new Error(`--timeout expects seconds, got ${values.timeout}`);
const dataDir = resolve(values.data ?? process.env.GS_DATA_DIR ?? join(root, '..', 'shared', 'data'));
const source = join(dataDir, 'scenes', 'playbot.ply');

interface Row {
  step: string;
  seconds: number;
  peakMiB: number | undefined;
  outcome: string;
}
const rows: Row[] = [];
const PHONE_BINDING = '128M';
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs gs-compress in its own process; peak RSS from /usr/bin/time when present. */
function cli(step: string, args: string[], env: Record<string, string> = {}): Row {
  const command = [process.execPath, join(root, 'compressor', 'bin', 'gs-compress.js'), ...args];
  const options = {
    encoding: 'utf8' as const,
    maxBuffer: 64 << 20,
    env: { ...process.env, ...env },
  };
  // timeout(1) signals its whole process group: gs-compress, its GPU child and /usr/bin/time alike.
  const limit = stepTimeout > 0 ? ['timeout', String(stepTimeout)] : [];
  const t0 = performance.now();
  const argv = [...limit, ...(timeBin ? [timeBin, '-f', 'PEAK_KB %M'] : []), ...command];
  const run = spawnSync(argv[0], argv.slice(1), options);
  const seconds = (performance.now() - t0) / 1000;
  const peak = /PEAK_KB (\d+)/.exec(run.stderr ?? '');
  const errors = (run.stderr ?? '')
    .split('\n')
    .filter((l) => l.trim() && !/^(PEAK_KB|Command exited)|XDG_RUNTIME_DIR/.test(l));
  const outcome =
    run.status === 0
      ? 'ok'
      : run.status === 124 && stepTimeout > 0
        ? `timed out after ${stepTimeout} s (--timeout)`
        : `exit ${run.status ?? run.signal}: ${errors.at(-1)?.slice(0, 320) ?? ''}`;
  const row = { step, seconds, peakMiB: peak ? Number(peak[1]) / 1024 : undefined, outcome };
  rows.push(row);
  console.log(`${step}: ${seconds.toFixed(1)} s, ${row.peakMiB?.toFixed(0) ?? '?'} MiB peak, ${outcome}`);
  return row;
}

const work = mkdtempSync(join(tmpdir(), 'gs-bench-large-'));
try {
  const t0 = performance.now();
  const base = existsSync(source) ? await readScene(source) : undefined;
  const scene = largeScene(base, count, 3, 1);
  const ply = join(work, 'large.ply');
  await writePly(ply, scene);
  rows.push({
    step: `generate (${base ? 'playbot tiles' : 'random'}) + write PLY`,
    seconds: (performance.now() - t0) / 1000,
    peakMiB: process.resourceUsage().maxRSS / 1024,
    outcome: `${count.toLocaleString('en-US')} SH3, ${(statSync(ply).size / 2 ** 20).toFixed(0)} MiB`,
  });
  const kmeansPaths = (values.kmeans ?? '').split(',').filter(Boolean);
  const pack = (path: string): string | undefined => {
    const out = join(work, `large-${path}.gsz`);
    const row = cli(`pack --kmeans ${path}`, ['pack', ply, '-o', out, '--kmeans', path]);
    if (row.outcome !== 'ok') return undefined;
    row.outcome = `ok, ${(statSync(out).size / count).toFixed(2)} B/G`;
    return out;
  };
  // The first path's file is rendered and inspected; the other paths (the GPU one is slow on a software
  // adapter) come last, so a --timeout on them leaves the other rows measured.
  const packed = kmeansPaths.length > 0 ? pack(kmeansPaths[0]) : undefined;
  cli(`render PLY ${width}x${height}`, [
    'render',
    ply,
    '-o',
    join(work, 'view.png'),
    '--width',
    `${width}`,
    '--height',
    `${height}`,
  ]);
  // Phone-class limits (WebGPU's defaults): a scene over them must be refused in one line, not drawn blank.
  cli(
    `render PLY, binding capped at ${PHONE_BINDING}`,
    ['render', ply, '-o', join(work, 'capped.png'), '--width', `${width}`, '--height', `${height}`],
    { [BINDING_CAP_ENV]: PHONE_BINDING },
  );
  if (packed) {
    cli(`render .gsz ${width}x${height}`, [
      'render',
      packed,
      '-o',
      join(work, 'view-gsz.png'),
      '--width',
      `${width}`,
      '--height',
      `${height}`,
    ]);
    cli('info', ['info', packed]);
  }
  for (const path of kmeansPaths.slice(1)) pack(path);
} finally {
  if (!values.keep) rmSync(work, { recursive: true, force: true });
  else console.log(`files kept in ${work}`);
}

console.log(`\nbench:large — ${count.toLocaleString('en-US')} Gaussians, SH degree 3`);
console.log('| step | wall s | peak RSS MiB | outcome |');
console.log('| --- | ---: | ---: | --- |');
for (const r of rows)
  console.log(`| ${r.step} | ${r.seconds.toFixed(1)} | ${r.peakMiB?.toFixed(0) ?? 'n/a'} | ${r.outcome} |`);
