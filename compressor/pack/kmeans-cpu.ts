// k-means on the CPU: the reference the GPU path is tested against, and the fallback when there is no GPU.
// Points and centroids are [n, dims] float32 row-major. Lloyd iterations; empty clusters keep their centroid.

/** Index of the nearest centroid of each point (squared Euclidean; ties -> lowest index) and its distance. */
export function assignCpu(
  points: Float32Array,
  dims: number,
  centroids: Float32Array,
  labels: Uint32Array,
  distances?: Float32Array,
): void {
  const n = points.length / dims;
  const k = centroids.length / dims;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = Infinity;
    const p = i * dims;
    for (let c = 0; c < k; c++) {
      let d = 0;
      const q = c * dims;
      for (let j = 0; j < dims && d < bestD; j++) {
        const t = points[p + j] - centroids[q + j];
        d += t * t;
      }
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    labels[i] = best;
    if (distances) distances[i] = bestD;
  }
}

/** Replaces each centroid by the mean of its points (empty clusters unchanged). Returns the number of empty clusters. */
export function updateCentroids(
  points: Float32Array,
  dims: number,
  labels: Uint32Array,
  centroids: Float32Array,
): number {
  const k = centroids.length / dims;
  const sums = new Float64Array(k * dims);
  const counts = new Uint32Array(k);
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    counts[c]++;
    for (let j = 0; j < dims; j++) sums[c * dims + j] += points[i * dims + j];
  }
  let empty = 0;
  for (let c = 0; c < k; c++) {
    if (counts[c] === 0) {
      empty++;
      continue;
    }
    for (let j = 0; j < dims; j++) centroids[c * dims + j] = sums[c * dims + j] / counts[c];
  }
  return empty;
}

/** Deterministic initial centroids: `k` points spread evenly over the input (callers shuffle beforehand if needed). */
export function initCentroids(points: Float32Array, dims: number, k: number): Float32Array {
  const n = points.length / dims;
  const out = new Float32Array(k * dims);
  for (let c = 0; c < k; c++) {
    const i = Math.min(n - 1, Math.floor(((c + 0.5) * n) / k));
    out.set(points.subarray(i * dims, i * dims + dims), c * dims);
  }
  return out;
}

/** Sum of squared distances of points to their assigned centroids. */
export function inertia(
  points: Float32Array,
  dims: number,
  centroids: Float32Array,
  labels: Uint32Array,
): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    for (let j = 0; j < dims; j++) {
      const t = points[i * dims + j] - centroids[c * dims + j];
      s += t * t;
    }
  }
  return s;
}
