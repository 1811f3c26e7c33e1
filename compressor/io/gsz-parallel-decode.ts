// `decodeGszParallel(bytes, {threads})`: a whole .gsz decoded on several threads, output identical to
// shared/format's decodeGsz (the same per-part function, each part writing its own columns and range).
// Chunks decode independently, and so do the parts of one chunk (decodeGszChunkPart: positions,
// log-scale + opacity, rotation, DC, SH rest; each its own range-coded columns), which splits a file whose
// last chunk is most of it (biker: 65%). This thread and `threads - 1` worker_threads claim parts from a
// shared counter, costliest first, and write into SharedArrayBuffer-backed columns, so nothing is copied
// back. This thread starts decoding at once: workers join when they are up (~50 ms each, plus ~0.1 s once
// per process to bundle the worker from sources, see workerEntry), so a small file costs little more than the serial
// decoder; they are kept (unreferenced while idle) for the next call. On any failure the serial decoder
// runs again, to throw exactly its error.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  decodeGsz,
  GSZ_CHUNK_PARTS,
  GszFormatError,
  openGsz,
  type GszErrorCode,
  type GszHeader,
} from '../../shared/format/gsz-decoder.ts';
import { shRestCount, type GaussianScene, type ShDegree } from '../../shared/scene/gaussian-scene.ts';
import { CONTROL, type DecodeJob, type DecodeWorkerMessage, decodeItem } from './gsz-decode-protocol.ts';

/** Threads that pay off: decoding is CPU-bound, and beyond 4 the bandwidth of shared columns dominates. */
export const MAX_DECODE_THREADS = 4;

export function defaultDecodeThreads(): number {
  return Math.max(1, Math.min(MAX_DECODE_THREADS, availableParallelism()));
}

export interface ParallelDecodeOptions {
  /** Threads in all, this one included (default: defaultDecodeThreads()); 1 decodes here only. */
  threads?: number;
  /**
   * false: only worker threads decode (`threads` of them) and this thread's event loop stays free; also how
   * tests make sure the workers' output is what they check. Default true.
   */
  callerDecodes?: boolean;
}

/** A built worker file, or the worker's bundled source (run with `eval`). */
type WorkerEntry = URL | string;
let entry: Promise<WorkerEntry | undefined> | undefined;
/**
 * Where the worker comes from, found once per process. compressor/dist (scripts/build-compress.mjs) ships it
 * built, beside this module's chunk or one folder up. From the TypeScript sources it is bundled to plain JS
 * with esbuild (a worker loading the TypeScript through tsx itself took ~0.3 s to start here, longer than
 * decoding biker). undefined where neither works: then everything decodes on this thread.
 */
function workerEntry(): Promise<WorkerEntry | undefined> {
  entry ??= (async () => {
    for (const path of ['./gsz-decode-worker.js', '../gsz-decode-worker.js']) {
      const url = new URL(path, import.meta.url);
      if (existsSync(url)) return url;
    }
    try {
      // A computed specifier, so the compressor/dist build (which ships the worker built) leaves esbuild out.
      const esbuild = 'esbuild';
      const { build } = (await import(esbuild)) as typeof import('esbuild');
      const result = await build({
        entryPoints: [fileURLToPath(new URL('./gsz-decode-worker.ts', import.meta.url))],
        bundle: true,
        write: false,
        format: 'cjs',
        platform: 'node',
        target: 'node20',
        logLevel: 'silent',
      });
      return result.outputFiles[0].text;
    } catch {
      return undefined;
    }
  })();
  return entry;
}

function sharedFloats(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

function sharedScene(count: number, shDegree: ShDegree, antialiased: boolean): GaussianScene {
  return {
    count,
    shDegree,
    positions: sharedFloats(count * 3),
    logScales: sharedFloats(count * 3),
    rotations: sharedFloats(count * 4),
    opacityLogits: sharedFloats(count),
    shDC: sharedFloats(count * 3),
    shRest: sharedFloats(count * shRestCount(shDegree) * 3),
    antialiased,
  };
}

function rebuildError(code: string | undefined, message: string): Error {
  if (code === undefined) return new Error(message);
  // Keep the worker's message as it was (GszFormatError's constructor would prefix it a second time).
  const error = new GszFormatError(code as GszErrorCode, '');
  error.message = message;
  return error;
}

const yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface PooledWorker {
  worker: Worker;
  /** Decode calls it serves now (referenced while > 0). */
  jobs: number;
}
/**
 * Workers kept for the process: a fresh one costs ~50 ms to start and runs the decoder cold (unoptimised)
 * for its first items, which a second decode in the same process (bench:decode, a server) need not pay.
 */
const pool: (PooledWorker | undefined)[] = [];
interface JobHandlers {
  message(m: DecodeWorkerMessage): void;
  /** A worker died: the items it had claimed will never be reported. */
  lost(error: Error): void;
}
const jobs = new Map<number, JobHandlers>();
let nextJob = 0;

function pooledWorker(code: WorkerEntry, k: number): PooledWorker {
  const existing = pool[k];
  if (existing) return existing;
  const worker =
    typeof code === 'string'
      ? new Worker(code, { eval: true, execArgv: [] })
      : new Worker(code, { execArgv: [] });
  const pooled: PooledWorker = { worker, jobs: 0 };
  pool[k] = pooled;
  worker.on('message', (m: DecodeWorkerMessage) => jobs.get(m.job)?.message(m));
  const lost = (message: string): void => {
    if (pool[k] === pooled) pool[k] = undefined;
    // Every call in flight may have been relying on it.
    for (const handlers of jobs.values()) handlers.lost(new Error(message));
  };
  worker.on('error', (e) => lost(`decode worker failed: ${e.message}`));
  worker.on('exit', (exitCode) => lost(`decode worker exited with code ${exitCode}`));
  return pooled;
}

/**
 * Relative decode cost per Gaussian of each part (measured on biker and playbot: positions, log-scale with
 * opacity, rotations and DC are alike; SH rest grows with the floats per Gaussian).
 */
function partCost(header: GszHeader, part: number): number {
  return part === 4 ? (header.codebook ? 0.03 * header.codebook.dims : 0) : part === 3 ? 0.7 : 1;
}

/** Every (chunk, part) item that does work, costliest first. */
function workOrder(header: GszHeader): Int32Array {
  const items: { item: number; cost: number }[] = [];
  header.chunks.forEach((c, index) => {
    for (let part = 0; part < GSZ_CHUNK_PARTS; part++) {
      const cost = c.count * partCost(header, part);
      if (cost > 0) items.push({ item: index * GSZ_CHUNK_PARTS + part, cost });
    }
  });
  items.sort((a, b) => b.cost - a.cost || a.item - b.item);
  return Int32Array.from(items, (x) => x.item);
}

/**
 * Decodes a whole .gsz on up to `threads` threads. Bad input throws the same GszFormatError as decodeGsz
 * (the header and codebook are checked here before any worker starts). The returned scene's columns are
 * SharedArrayBuffer-backed.
 */
export async function decodeGszParallel(
  bytes: Uint8Array,
  options: ParallelDecodeOptions = {},
): Promise<GaussianScene> {
  const { header, codebook } = openGsz(bytes);
  const order = workOrder(header);
  const threads = Math.max(1, Math.floor(options.threads ?? defaultDecodeThreads()));
  const callerDecodes = options.callerDecodes ?? true;
  const workerCount = callerDecodes
    ? Math.min(threads - 1, order.length - 1)
    : Math.min(threads, order.length);
  const input = new Uint8Array(new SharedArrayBuffer(bytes.length));
  input.set(bytes);
  const out = sharedScene(header.count, header.shDegree, header.antialiased);
  const control = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  const job: DecodeJob = { id: nextJob++, bytes: input, header, codebook, out, order, control };

  let decoded = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    Atomics.store(control, CONTROL.abort, 1);
    wake?.();
  };
  const serving: PooledWorker[] = [];
  jobs.set(job.id, {
    message(m) {
      if (m.type === 'decoded') {
        decoded++;
        if (decoded === order.length) wake?.();
      } else if (m.type === 'error') fail(rebuildError(m.code, m.message));
    },
    lost: fail,
  });
  const start = (code: WorkerEntry): void => {
    for (let i = 0; i < workerCount; i++) {
      if (failure || Atomics.load(control, CONTROL.next) >= order.length) return;
      const pooled = pooledWorker(code, i);
      pooled.jobs++;
      pooled.worker.ref();
      serving.push(pooled);
      pooled.worker.postMessage(job);
    }
  };
  let workersUp = false;
  if (workerCount > 0) {
    const code = workerEntry();
    if (!callerDecodes) workersUp = (await code) !== undefined;
    void code.then((js) => {
      if (js) start(js);
    });
  }
  try {
    // Without workers (none asked for, or none could be built) this thread decodes after all.
    for (;;) {
      if (workersUp || failure) break;
      const k = Atomics.add(control, CONTROL.next, 1);
      if (k >= order.length) break;
      decodeItem(job, order[k]);
      decoded++;
      // Let worker start-ups and their messages through between items.
      if (workerCount > 0) await yieldToEvents();
    }
    if (!failure && decoded < order.length) await new Promise<void>((resolve) => (wake = resolve));
  } catch (e) {
    fail(e instanceof Error ? e : new Error(String(e)));
  } finally {
    jobs.delete(job.id);
    // Idle pooled workers must not keep the process alive.
    for (const pooled of serving) if (--pooled.jobs === 0) pooled.worker.unref();
  }
  if (failure) {
    // Parts run out of order (and only part 0 checks a chunk's checksum): the serial decoder names the
    // problem it would have met first.
    decodeGsz(bytes);
    throw failure;
  }
  return out;
}
