// `npm run bench:format [dataDir]`: .gsz against SPZ v3/v4, SOG and compressed.ply on real scenes — bytes
// per Gaussian at equal render fidelity (each peer file's own scene-pixel PSNR), a rate-distortion ladder,
// per-attribute fidelity after a round trip, decode throughput. The peer files are written by their own tool
// (@playcanvas/splat-transform, a devDependency; scripts/bench-peers.ts caches them). Data: GS_DATA_DIR or
// ../shared/data.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readScene } from '../compressor/io/read-scene.ts';
import { peerFile, splatTransformCli } from './bench-peers.ts';
import { SH_FLIP_RUB_TO_RDF } from '../compressor/io/read-spz.ts';
import { encodeGsz } from '../compressor/pack/gsz-encoder.ts';
import {
  measureTargetPsnrLadders,
  searchTargetPsnr,
  type TargetPsnrLadders,
} from '../compressor/pack/target-psnr.ts';
import { getGpu, type GpuContext } from '../compressor/gpu/device.ts';
import {
  meanPsnr,
  ORBIT_VIEW_DEFAULTS,
  orbitViews,
  renderViews,
  viewErrors,
  type ViewRender,
} from '../compressor/eval/orbit-views.ts';
import type { Camera } from '../shared/math/camera.ts';
import { decodeGsz } from '../shared/format/gsz-decoder.ts';
import { AXIS_TURNS, quatMul } from '../shared/format/octahedral.ts';
import { sceneBounds, sigmoid, type GaussianScene } from '../shared/scene/gaussian-scene.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = resolve(process.argv[2] ?? process.env.GS_DATA_DIR ?? join(root, '..', 'shared', 'data'));
/**
 * sogArgs: extra splat-transform options for SOG; noSog: why SOG is not made. SOG's SH compression is a
 * 65,536-centroid k-means (`-i/--sh-iterations`, default 10; the centroid count is fixed). On playbot (500k
 * Gaussians, SH 2: 24 dims) even `-i 1` needs at least two assignment passes of 500k x 65,536 x 24
 * (~1.6e12 multiply-adds, ~25 min of one core in JS); run here (2 cores shared by four sessions) it had
 * not finished after 20 min, and no hardware GPU is available for splat-transform's WebGPU path.
 */
const SCENES: { name: string; file: string; sogArgs?: string[]; noSog?: string }[] = [
  {
    name: 'playbot',
    file: 'scenes/playbot.ply',
    noSog:
      "splat-transform's 65,536-centroid SH k-means does not finish on this CPU, even with -i 1 (one iteration)",
  },
  { name: 'biker', file: 'scenes/biker.ply' },
  { name: 'guitar', file: 'scenes/guitar.ply' },
];

/**
 * The peer files, each written by the peer's own tool (splat-transform; SPZ through Niantic's code): the
 * output extension and the extra options that select the variant.
 */
const PEERS = {
  spz: { ext: 'spz', args: [], label: 'SPZ v4' },
  spz3: { ext: 'spz', args: ['--spz-version', '3'], label: 'SPZ v3' },
  sog: { ext: 'sog', args: [], label: 'SOG' },
  cply: { ext: 'compressed.ply', args: [], label: 'compressed.ply' },
} as const;
type PeerName = keyof typeof PEERS;

/**
 * One ellipsoid, many representations: (R, s) and (R·P, s permuted) are the same covariance for each of the
 * 24 turns P that map the coordinate axes onto each other (shared/format/octahedral.ts; these include the
 * 180° turns and the axis relabellings). The decoded Gaussian i is compared with the original j under the P
 * that best aligns their axes: |cos| of half the angle between q_j and q_i·P is maximal. Rotation and
 * log-scale errors are both measured under that one matching, for every format alike.
 */
function ellipsoidMatch(
  dq: Float32Array,
  i: number,
  oq: Float32Array,
  j: number,
): { dot: number; perm: readonly number[] } {
  const [w, x, y, z] = [dq[i], dq[i + 1], dq[i + 2], dq[i + 3]];
  const [ow, ox, oy, oz] = [oq[j], oq[j + 1], oq[j + 2], oq[j + 3]];
  const norm = Math.hypot(w, x, y, z) * Math.hypot(ow, ox, oy, oz) || 1;
  const t = [0, 0, 0, 0];
  let best = 0;
  let bestDot = -1;
  for (let k = 0; k < AXIS_TURNS.length; k++) {
    quatMul(w, x, y, z, AXIS_TURNS[k].q, t);
    const d = Math.abs(t[0] * ow + t[1] * ox + t[2] * oy + t[3] * oz);
    if (d > bestDot) {
      bestDot = d;
      best = k;
    }
  }
  return { dot: bestDot / norm, perm: AXIS_TURNS[best].perm };
}

// ---- fidelity: match every decoded Gaussian to the nearest original one (formats reorder), then compare ----

/**
 * For each decoded Gaussian, the original it came from: the nearest original position, except that among
 * originals within `tie` of that distance (duplicated positions are common in trained scenes) the one
 * whose opacity, DC colour and rotation match best wins. Formats reorder Gaussians, so indices cannot be used.
 */
function matchNearest(orig: GaussianScene, dec: GaussianScene, cell: number, tie: number): Int32Array {
  const key = (x: number, y: number, z: number) =>
    `${Math.floor(x / cell)},${Math.floor(y / cell)},${Math.floor(z / cell)}`;
  const grid = new Map<string, number[]>();
  for (let i = 0; i < orig.count; i++) {
    const k = key(orig.positions[i * 3], orig.positions[i * 3 + 1], orig.positions[i * 3 + 2]);
    const list = grid.get(k);
    if (list) list.push(i);
    else grid.set(k, [i]);
  }
  const out = new Int32Array(dec.count).fill(-1);
  const cand: number[] = [];
  const dist: number[] = [];
  for (let i = 0; i < dec.count; i++) {
    const [x, y, z] = [dec.positions[i * 3], dec.positions[i * 3 + 1], dec.positions[i * 3 + 2]];
    const [cx, cy, cz] = [Math.floor(x / cell), Math.floor(y / cell), Math.floor(z / cell)];
    cand.length = 0;
    dist.length = 0;
    let nearest = Infinity;
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++)
        for (let dz = -1; dz <= 1; dz++) {
          for (const j of grid.get(`${cx + dx},${cy + dy},${cz + dz}`) ?? []) {
            const d = Math.sqrt(
              (orig.positions[j * 3] - x) ** 2 +
                (orig.positions[j * 3 + 1] - y) ** 2 +
                (orig.positions[j * 3 + 2] - z) ** 2,
            );
            cand.push(j);
            dist.push(d);
            if (d < nearest) nearest = d;
          }
        }
    let best = -1;
    let bestCost = Infinity;
    for (let c = 0; c < cand.length; c++) {
      if (dist[c] > nearest + tie) continue;
      const j = cand[c];
      const { dot, perm } = ellipsoidMatch(dec.rotations, i * 4, orig.rotations, j * 4);
      const cost =
        dist[c] / tie +
        Math.abs(sigmoid(dec.opacityLogits[i]) - sigmoid(orig.opacityLogits[j])) * 10 +
        Math.abs(dec.shDC[i * 3] - orig.shDC[j * 3]) +
        Math.abs(dec.shDC[i * 3 + 1] - orig.shDC[j * 3 + 1]) +
        Math.abs(dec.shDC[i * 3 + 2] - orig.shDC[j * 3 + 2]) +
        (1 - dot) * 100 +
        Math.abs(dec.logScales[i * 3 + perm[0]] - orig.logScales[j * 3]);
      if (cost < bestCost) {
        bestCost = cost;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Undo compressor/io's RUB -> RDF conversion (x, -y, -z and the SH parities) for SPZ writers that stored RDF. */
function undoRubFlip(scene: GaussianScene): GaussianScene {
  const out = {
    ...scene,
    positions: scene.positions.slice(),
    rotations: scene.rotations.slice(),
    shRest: scene.shRest.slice(),
  };
  for (let i = 0; i < scene.count; i++) {
    out.positions[i * 3 + 1] *= -1;
    out.positions[i * 3 + 2] *= -1;
    out.rotations[i * 4 + 2] *= -1;
    out.rotations[i * 4 + 3] *= -1;
  }
  const k = scene.shRest.length / Math.max(1, scene.count) / 3;
  for (let i = 0; i < scene.count; i++)
    for (let j = 0; j < k; j++)
      for (let c = 0; c < 3; c++) out.shRest[(i * k + j) * 3 + c] *= SH_FLIP_RUB_TO_RDF[j];
  return out;
}

interface Stat {
  rms: number;
  p99: number;
}
function stat(values: Float64Array): Stat {
  if (values.length === 0) return { rms: NaN, p99: NaN };
  let s = 0;
  for (const v of values) s += v * v;
  const sorted = Float64Array.from(values).sort();
  return {
    rms: Math.sqrt(s / values.length),
    p99: sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))],
  };
}

interface Fidelity {
  position: Stat;
  rotation: Stat;
  opacity: Stat;
  logScale: Stat;
  dc: Stat;
  shRest: Stat;
  unmatched: number;
}
function fidelity(orig: GaussianScene, dec: GaussianScene): Fidelity {
  const b = sceneBounds(orig.positions);
  const diag = Math.hypot(b.max[0] - b.min[0], b.max[1] - b.min[1], b.max[2] - b.min[2]);
  const match = matchNearest(orig, dec, diag / 2000, diag * 1e-4);
  const pos: number[] = [],
    rot: number[] = [],
    op: number[] = [],
    dc: number[] = [],
    rest: number[] = [],
    ls: number[] = [];
  const restDims = Math.min(
    orig.shRest.length / Math.max(1, orig.count),
    dec.shRest.length / Math.max(1, dec.count),
  );
  const oRest = orig.shRest.length / Math.max(1, orig.count);
  const dRest = dec.shRest.length / Math.max(1, dec.count);
  let unmatched = 0;
  for (let i = 0; i < dec.count; i++) {
    const j = match[i];
    if (j < 0) {
      unmatched++;
      continue;
    }
    pos.push(
      Math.hypot(
        dec.positions[i * 3] - orig.positions[j * 3],
        dec.positions[i * 3 + 1] - orig.positions[j * 3 + 1],
        dec.positions[i * 3 + 2] - orig.positions[j * 3 + 2],
      ) / diag,
    );
    const { dot, perm } = ellipsoidMatch(dec.rotations, i * 4, orig.rotations, j * 4);
    rot.push((2 * Math.acos(Math.min(1, dot)) * 180) / Math.PI);
    op.push(Math.abs(sigmoid(dec.opacityLogits[i]) - sigmoid(orig.opacityLogits[j])));
    for (let c = 0; c < 3; c++) {
      dc.push(Math.abs(dec.shDC[i * 3 + c] - orig.shDC[j * 3 + c]));
      ls.push(Math.abs(dec.logScales[i * 3 + perm[c]] - orig.logScales[j * 3 + c]));
    }
    for (let k = 0; k < restDims; k++)
      rest.push(Math.abs(dec.shRest[i * dRest + k] - orig.shRest[j * oRest + k]));
  }
  const f = (a: number[]) => stat(Float64Array.from(a));
  return {
    position: f(pos),
    rotation: f(rot),
    opacity: f(op),
    logScale: f(ls),
    dc: f(dc),
    shRest: f(rest),
    unmatched,
  };
}

// ---- render-space fidelity: the decoded scene vs the input, rendered by compressor/render from orbit views ----

const VIEWS = Number(process.env.GSZ_BENCH_VIEWS ?? 4);
const VIEW_SIZE = [
  Number(process.env.GSZ_BENCH_WIDTH ?? ORBIT_VIEW_DEFAULTS.width),
  Number(process.env.GSZ_BENCH_HEIGHT ?? ORBIT_VIEW_DEFAULTS.height),
];

/** Mean PSNR over the views: of the whole image, and of the scene's pixels only (what --target-psnr meets). */
async function renderPsnr(
  gpu: GpuContext,
  scene: GaussianScene,
  views: Camera[],
  reference: ViewRender[],
): Promise<{ image: number; scene: number }> {
  const renders = await renderViews(gpu, scene, views);
  return {
    image: meanPsnr(viewErrors(renders, reference)),
    scene: meanPsnr(viewErrors(renders, reference, true)),
  };
}

const fmt = (v: number) =>
  Number.isNaN(v) ? '-' : v === 0 ? '0' : v < 0.01 ? v.toExponential(2) : v.toPrecision(3);

async function main(): Promise<void> {
  if (!existsSync(dataDir)) {
    console.log(`bench:format skipped: no data folder at ${dataDir} (pass a path or set GS_DATA_DIR)`);
    return;
  }
  const cli = splatTransformCli();
  const kmeansMode = process.env.GSZ_KMEANS ?? 'auto';
  let device: GPUDevice | undefined;
  let gpuNote = 'CPU k-means';
  let renderGpu: GpuContext | undefined;
  if (kmeansMode !== 'cpu' || VIEWS > 0) {
    try {
      const gpu = await getGpu();
      renderGpu = VIEWS > 0 ? gpu : undefined;
      if (kmeansMode === 'cpu') gpuNote = 'CPU k-means (GSZ_KMEANS=cpu)';
      else if (!gpu.software || kmeansMode === 'gpu') {
        device = gpu.device;
        gpuNote = `GPU k-means (${gpu.adapterInfo.description || gpu.adapterInfo.vendor})`;
      } else gpuNote = 'CPU k-means (only a software adapter; GSZ_KMEANS=gpu forces it)';
    } catch (e) {
      gpuNote = `CPU k-means (no GPU: ${e instanceof Error ? e.message.split('.')[0] : String(e)})`;
    }
  }
  console.log(`.gsz encoder: ${gpuNote}`);
  const rows: string[][] = [];
  const equal: string[][] = [];
  const only = process.env.GSZ_BENCH_SCENES?.split(',');
  for (const s of SCENES.filter((x) => !only || only.includes(x.name))) {
    const input = join(dataDir, s.file);
    if (!existsSync(input)) {
      console.log(`${s.name}: skipped (${input} not found)`);
      continue;
    }
    const orig = await readScene(input);
    const results: {
      format: string;
      bytes: number;
      decodeS: number;
      scene: GaussianScene;
      encodeS?: number;
    }[] = [];
    let t = performance.now();
    const gsz = await encodeGsz(orig, { device, ...(JSON.parse(process.env.GSZ_OPTIONS ?? '{}') as object) });
    const encodeS = (performance.now() - t) / 1000;
    const dec = decodeGsz(gsz);
    const gszPath = join(tmpdir(), `bench-format-${process.pid}-${s.name}.gsz`);
    writeFileSync(gszPath, gsz);
    const paths: Record<string, string> = { '.gsz': gszPath };
    results.push({ format: '.gsz', bytes: gsz.length, decodeS: NaN, scene: dec, encodeS });
    // Render-space search (`pack --target-psnr`, `--profile compact|high`): the ladders are measured once per
    // scene on the bench's own views, then each target costs a verification render or a few.
    const viewSpec = { views: VIEWS, width: VIEW_SIZE[0], height: VIEW_SIZE[1] };
    let ladders: TargetPsnrLadders | undefined;
    if (renderGpu) {
      t = performance.now();
      ladders = await measureTargetPsnrLadders(orig, {
        gpu: renderGpu,
        views: viewSpec,
        base: { device },
        // The bench measures the format's best at each peer's fidelity: `pack --drop-invisible`.
        drop: true,
        onProgress: (m) => console.log(`${s.name} ladders: ${m}`),
      });
      console.log(
        `${s.name}: ladders in ${((performance.now() - t) / 1000).toFixed(1)} s (${ladders.counts.encodes} encodes, ${ladders.counts.renders} renders)`,
      );
    }
    // Rate-distortion rows: GSZ_BENCH_TARGETS (default 35,40,45,50 dB), comma-separated, or 0 to skip.
    const targets = (process.env.GSZ_BENCH_TARGETS ?? '35,40,45,50')
      .split(',')
      .map(Number)
      .filter((x) => x > 0);
    for (const targetDb of ladders ? targets : []) {
      t = performance.now();
      const found = await searchOrExplain(ladders!, targetDb, `${s.name} @${targetDb} dB`);
      if (!found) continue;
      const format = `.gsz @${targetDb} dB`;
      paths[format] = join(tmpdir(), `bench-format-${process.pid}-${s.name}-${targetDb}.gsz`);
      writeFileSync(paths[format], found.bytes);
      results.push({
        format,
        bytes: found.bytes.length,
        decodeS: NaN,
        scene: decodeGsz(found.bytes),
        encodeS: (performance.now() - t) / 1000,
      });
    }
    if (cli) {
      // GSZ_BENCH_PEERS=spz limits the peers (e.g. while iterating on a scene whose SOG takes too long).
      const peers = (process.env.GSZ_BENCH_PEERS ?? Object.keys(PEERS).join(',')).split(',');
      if (s.noSog && peers.includes('sog'))
        console.log(`${s.name}: SOG skipped (${s.noSog}; GSZ_BENCH_FORCE_SOG=1 tries anyway)`);
      const skip = s.noSog && !process.env.GSZ_BENCH_FORCE_SOG ? ['sog'] : [];
      for (const peer of (Object.keys(PEERS) as PeerName[]).filter(
        (e) => peers.includes(e) && !skip.includes(e),
      )) {
        const { ext, label } = PEERS[peer];
        const args = [...PEERS[peer].args, ...(peer === 'sog' ? (s.sogArgs ?? []) : [])];
        const made = peerFile(cli, input, s.name, ext, args);
        if (!made) continue;
        const { path, encodeSeconds } = made;
        const scene = await readScene(path);
        const format = label;
        paths[format] = path;
        results.push({
          format,
          bytes: readFileSync(path).length,
          decodeS: NaN,
          scene,
          encodeS: encodeSeconds,
        });
      }
    }
    // Decode throughput: every format in one fresh process (compressor/pack/measure-decode.ts), best of 3.
    const measured = execFileSync(
      process.execPath,
      [
        '--import',
        join(root, 'scripts', 'register.mjs'),
        join(root, 'compressor', 'pack', 'measure-decode.ts'),
        ...Object.values(paths),
      ],
      { encoding: 'utf8' },
    );
    for (const line of measured.trim().split('\n')) {
      const m = JSON.parse(line) as { file: string; seconds: number };
      const format = Object.keys(paths).find((k) => paths[k] === m.file);
      const r = results.find((x) => x.format === format);
      if (r) r.decodeS = m.seconds;
    }
    for (const [format, path] of Object.entries(paths))
      if (format.startsWith('.gsz')) rmSync(path, { force: true });
    const views = renderGpu
      ? orbitViews(orig, { views: VIEWS, width: VIEW_SIZE[0], height: VIEW_SIZE[1] })
      : [];
    const reference = renderGpu ? await renderViews(renderGpu, orig, views) : [];
    for (const r of results) {
      let f = fidelity(orig, r.scene);
      // splat-transform may store the PLY's axes in SPZ unconverted; then compressor/io's RUB -> RDF flip must be undone.
      if (r.format.startsWith('SPZ') && f.unmatched > r.scene.count / 2) {
        r.scene = undoRubFlip(r.scene);
        f = fidelity(orig, r.scene);
      }
      const db = renderGpu ? await renderPsnr(renderGpu, r.scene, views, reference) : undefined;
      // Equal render fidelity: the smallest .gsz whose scene-pixel PSNR meets this peer file's own.
      if (db && ladders && !r.format.startsWith('.gsz')) {
        const found = await searchOrExplain(ladders, db.scene, `${s.name} at ${r.format}'s PSNR`);
        equal.push([
          s.name,
          r.format,
          (r.bytes / orig.count).toFixed(2),
          db.scene.toFixed(2),
          found ? (found.bytes.length / orig.count).toFixed(2) : '-',
          found ? found.psnrDb.toFixed(2) : 'out of reach',
          found ? `${((100 * found.dropped) / orig.count).toFixed(1)}%` : '-',
          found ? `**${(found.bytes.length / r.bytes).toFixed(2)}x**` : '-',
        ]);
      }
      if (f.unmatched > 0)
        console.log(
          `${s.name} ${r.format}: ${f.unmatched} decoded Gaussians had no original within matching range`,
        );
      rows.push([
        s.name,
        r.format,
        (r.bytes / orig.count).toFixed(2),
        `${fmt(f.position.rms)} / ${fmt(f.position.p99)}`,
        `${fmt(f.rotation.rms)} / ${fmt(f.rotation.p99)}`,
        `${fmt(f.opacity.rms)} / ${fmt(f.opacity.p99)}`,
        `${fmt(f.logScale.rms)} / ${fmt(f.logScale.p99)}`,
        `${fmt(f.dc.rms)} / ${fmt(f.dc.p99)}`,
        orig.shDegree > 0 ? `${fmt(f.shRest.rms)} / ${fmt(f.shRest.p99)}` : '-',
        db ? `${db.image.toFixed(1)} (${db.scene.toFixed(1)})` : '-',
        (orig.count / r.decodeS / 1e6).toFixed(2),
        r.encodeS === undefined ? '(cached)' : r.encodeS.toFixed(1),
      ]);
    }
  }
  const head = [
    'scene',
    'format',
    'B/G',
    'position/diag RMS / p99',
    'rotation° RMS / p99',
    'opacity RMS / p99',
    'log-scale RMS / p99',
    'DC coef RMS / p99',
    'SH-rest coef RMS / p99',
    'render PSNR dB (scene px)',
    'decode MG/s',
    'encode s',
  ];
  printTable(head, rows);
  console.log(
    'Errors are against the input PLY after matching each decoded Gaussian to its nearest original. Rotation and log-scale',
  );
  console.log(
    'errors are taken under the axis matching that best aligns the two ellipsoids (of the 24 turns mapping axes onto axes, which',
  );
  console.log(
    'leave an ellipsoid unchanged when its scales are permuted with them), the same for every format.',
  );
  console.log(
    `Render PSNR: the decoded scene vs the input, both rendered by compressor/render from ${VIEWS} orbit views at ${VIEW_SIZE.join('x')}`,
  );
  console.log(
    "(black background); in brackets over the scene's pixels only (either render's alpha >= 0.05).",
  );
  console.log(
    'Decode: best of 3, single thread, all formats in one fresh process (compressor/pack/measure-decode.ts):',
  );
  console.log(
    '.gsz with shared/format (range decoder, file in memory); SPZ and SOG with the project readers (compressor/io, file read included).',
  );
  console.log(
    '".gsz @D dB" is `pack --target-psnr D` on these same views: steps searched per scene for the fewest bytes whose',
  );
  console.log(
    "scene-pixel render PSNR stays >= D (encode s: that target's verification, after the shared ladders).",
  );
  if (equal.length > 0) {
    console.log('');
    console.log(
      "At equal render fidelity: each peer file's own scene-pixel render PSNR against the input, then the",
    );
    console.log(
      'smallest .gsz whose renders meet it (`pack --target-psnr` at that PSNR, same views), and the byte ratio.',
    );
    console.log(
      "'dropped': the share of least visible Gaussians the search left out (blending weight over 24 other orbit views).",
    );
    printTable(
      [
        'scene',
        'peer file',
        'peer B/G',
        'peer PSNR dB (scene px)',
        '.gsz B/G',
        '.gsz PSNR dB',
        '.gsz dropped',
        '.gsz / peer',
      ],
      equal,
    );
  }
}

function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(head));
  console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const r of rows) console.log(line(r));
}

/** A target's search, or undefined (with the reason printed) when the steps cannot reach it. */
async function searchOrExplain(ladders: TargetPsnrLadders, targetDb: number, label: string) {
  try {
    return await searchTargetPsnr(ladders, targetDb);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    console.log(`${label}: ${e.message}`);
    return undefined;
  }
}

await main();
