// k-means driver for the SH-rest codebook: Lloyd iterations on a subsample (centroid quality saturates
// long before all 500k points are needed), then one assignment of every point. The assignment step runs
// on the GPU when a device is given (kmeans-gpu.ts), else on the CPU through the principal-axes search of
// nearest-centroid.ts (kmeans-cpu.ts's plain loop is the reference both are tested against).
import { initCentroids, updateCentroids } from './kmeans-cpu.ts';
import { KmeansAssignGpu } from './kmeans-gpu.ts';
import { assignIndexed, buildCentroidIndex } from './nearest-centroid.ts';

export interface KmeansOptions {
  /** Number of centroids (capped at the number of points). */
  k: number;
  /** Lloyd iterations on the subsample. */
  iterations: number;
  /** Points used for the iterations (a deterministic pseudo-random subset); all points are assigned at the end. */
  sampleSize: number;
  /** Runs the assignment on this device; undefined = CPU. */
  device?: GPUDevice;
  /** Called after each block of points assigned (a few per second at most on a CPU), for progress bars. */
  onProgress?: (progress: KmeansProgress) => void;
}

/** Where k-means is: work is counted in point assignments, the unit that dominates its time. */
export interface KmeansProgress {
  /** Point assignments done, of `total` (iterations x sample + all points). */
  done: number;
  total: number;
  /** Lloyd iteration under way (0-based); equal to `iterations` during the final assignment of all points. */
  iteration: number;
  iterations: number;
}

export interface KmeansResult {
  centroids: Float32Array; // [k, dims]
  labels: Uint32Array; // [n]
  k: number;
}

/** Assigns every point; `onBlock(points)` after each block of points is done. */
type Assign = (
  centroids: Float32Array,
  onBlock: (points: number) => void,
) => Promise<{ labels: Uint32Array; distances: Float32Array }>;

/** Points per block of the CPU assignment between progress reports (~0.1-1 s each here). */
const CPU_BLOCK = 16384;

function assigner(
  points: Float32Array,
  dims: number,
  device: GPUDevice | undefined,
): { assign: Assign; destroy(): void } {
  if (device) {
    const gpu = new KmeansAssignGpu(device, points, dims);
    return { assign: (c, onBlock) => gpu.assign(c, onBlock), destroy: () => gpu.destroy() };
  }
  const n = points.length / dims;
  return {
    assign: async (c, onBlock) => {
      const labels = new Uint32Array(n);
      const distances = new Float32Array(n);
      const index = buildCentroidIndex(c, dims);
      for (let from = 0; from < n; from += CPU_BLOCK) {
        const to = Math.min(n, from + CPU_BLOCK);
        assignIndexed(index, c, points, labels, distances, from, to);
        onBlock(to - from);
      }
      return { labels, distances };
    },
    destroy() {},
  };
}

/** Deterministic pseudo-random subset of `m` of `n` indices (a fixed-seed Fisher-Yates prefix), sorted. */
export function sampleIndices(n: number, m: number): Uint32Array {
  if (m >= n) return Uint32Array.from({ length: n }, (_, i) => i);
  const perm = Uint32Array.from({ length: n }, (_, i) => i);
  let seed = 0x9e3779b9;
  for (let i = 0; i < m; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const j = i + (seed % (n - i));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm.subarray(0, m).sort();
}

export async function kmeans(
  points: Float32Array,
  dims: number,
  options: KmeansOptions,
): Promise<KmeansResult> {
  const n = points.length / dims;
  const k = Math.max(1, Math.min(options.k, n));
  if (n === 0) return { centroids: new Float32Array(dims), labels: new Uint32Array(0), k: 1 };
  const sample = sampleIndices(n, Math.max(k, Math.min(n, options.sampleSize)));
  const samplePoints = new Float32Array(sample.length * dims);
  sample.forEach((src, i) => {
    samplePoints.set(points.subarray(src * dims, src * dims + dims), i * dims);
  });
  // Initial centroids: points spread evenly over the (file-ordered) sample.
  const centroids = initCentroids(samplePoints, dims, k);

  const iterations = options.iterations;
  const progress: KmeansProgress = {
    done: 0,
    total: iterations * sample.length + n,
    iteration: 0,
    iterations,
  };
  const onBlock = (points: number) => {
    progress.done += points;
    options.onProgress?.({ ...progress });
  };
  const onSample = assigner(samplePoints, dims, options.device);
  try {
    for (let it = 0; it < iterations; it++) {
      progress.iteration = it;
      const { labels, distances } = await onSample.assign(centroids, onBlock);
      updateCentroids(samplePoints, dims, labels, centroids);
      reseedEmpty(samplePoints, dims, labels, distances, centroids);
    }
  } finally {
    onSample.destroy();
  }
  progress.iteration = iterations;
  const onAll = assigner(points, dims, options.device);
  try {
    const { labels } = await onAll.assign(centroids, onBlock);
    return { centroids, labels, k };
  } finally {
    onAll.destroy();
  }
}

/** Moves each empty cluster's centroid onto one of the worst-fitted points, so no codebook entry is wasted. */
function reseedEmpty(
  points: Float32Array,
  dims: number,
  labels: Uint32Array,
  distances: Float32Array,
  centroids: Float32Array,
): void {
  const k = centroids.length / dims;
  const used = new Uint8Array(k);
  for (let i = 0; i < labels.length; i++) used[labels[i]] = 1;
  const empty: number[] = [];
  for (let c = 0; c < k; c++) if (!used[c]) empty.push(c);
  if (empty.length === 0) return;
  const worst = Array.from({ length: labels.length }, (_, i) => i).sort(
    (a, b) => distances[b] - distances[a] || a - b,
  );
  empty.forEach((c, e) => {
    const i = worst[e % worst.length];
    centroids.set(points.subarray(i * dims, i * dims + dims), c * dims);
  });
}
