// Exact nearest-centroid search for k-means assignment, several times faster than trying every centroid
// with the plain loop. Points and centroids are rotated into the centroids' principal axes (an orthogonal
// rotation keeps distances), so a distance summed along axes of falling variance can be abandoned after a
// few terms once it exceeds the best so far. The centroids are grouped (a small k-means over the centroids);
// each point first scans the group whose centre is nearest, which gives a tight best distance at once, then
// the other groups, skipping every group that the triangle inequality puts out of reach
// (|p - centre| - radius > best). The CPU assignment here and kmeans-assign.wgsl use the same layout.

/** Rotation, groups and rotated centroids for one codebook (built once per Lloyd iteration). */
export interface CentroidIndex {
  dims: number;
  k: number;
  /** [dims, dims] row-major: row r is the r-th principal axis (descending variance over the centroids). */
  basis: Float64Array;
  /** Number of groups. */
  groups: number;
  /** [groups + 1] first sorted position of each group (the last entry is k). */
  groupStart: Uint32Array;
  /** [groups, dims] group centres in the principal basis. */
  groupCentre: Float64Array;
  /** [groups] largest distance of a member to its group centre. */
  groupRadius: Float64Array;
  /** [k] original centroid index of each sorted position (sorted by group). */
  order: Uint32Array;
  /** [k, dims] centroids in the principal basis, in sorted order. */
  rotated: Float64Array;
}

/**
 * Eigenvectors of a symmetric `n x n` matrix (row-major) by cyclic Jacobi rotations: rows of the result,
 * sorted by descending eigenvalue.
 */
export function symmetricEigenvectors(
  matrix: Float64Array,
  n: number,
): { values: number[]; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n); // columns: eigenvectors
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i] ** 2;
      for (let j = i + 1; j < n; j++) off += a[i * n + j] ** 2;
    }
    if (off === 0 || off <= 1e-30 * diag) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i] || i - j);
  const vectors = new Float64Array(n * n);
  order.forEach((col, row) => {
    for (let k = 0; k < n; k++) vectors[row * n + k] = v[k * n + col];
  });
  return { values: order.map((j) => a[j * n + j]), vectors };
}

/** The search structure for `centroids` ([k, dims] row-major). */
export function buildCentroidIndex(centroids: Float32Array, dims: number): CentroidIndex {
  const k = centroids.length / dims;
  const mean = new Float64Array(dims);
  for (let c = 0; c < k; c++) for (let j = 0; j < dims; j++) mean[j] += centroids[c * dims + j] / k;
  const cov = new Float64Array(dims * dims);
  const d = new Float64Array(dims);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < dims; j++) d[j] = centroids[c * dims + j] - mean[j];
    for (let i = 0; i < dims; i++) for (let j = i; j < dims; j++) cov[i * dims + j] += d[i] * d[j];
  }
  for (let i = 0; i < dims; i++) for (let j = 0; j < i; j++) cov[i * dims + j] = cov[j * dims + i];
  const basis = symmetricEigenvectors(cov, dims).vectors;
  const unsorted = new Float64Array(k * dims);
  for (let c = 0; c < k; c++) rotate(basis, dims, centroids, c * dims, unsorted, c * dims);
  const groups = Math.max(1, Math.round(Math.sqrt(k)));
  const member = groupCentroids(unsorted, dims, k, groups);
  const order = Uint32Array.from({ length: k }, (_, i) => i).sort((a, b) => member[a] - member[b] || a - b);
  const rotated = new Float64Array(k * dims);
  const groupStart = new Uint32Array(groups + 1);
  const groupCentre = new Float64Array(groups * dims);
  order.forEach((c, at) => {
    rotated.set(unsorted.subarray(c * dims, c * dims + dims), at * dims);
    groupStart[member[c] + 1] = at + 1;
  });
  for (let g = 1; g <= groups; g++) groupStart[g] = Math.max(groupStart[g], groupStart[g - 1]);
  const groupRadius = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    const n = groupStart[g + 1] - groupStart[g];
    for (let at = groupStart[g]; at < groupStart[g + 1]; at++)
      for (let j = 0; j < dims; j++) groupCentre[g * dims + j] += rotated[at * dims + j] / n;
    for (let at = groupStart[g]; at < groupStart[g + 1]; at++) {
      let r = 0;
      for (let j = 0; j < dims; j++) r += (rotated[at * dims + j] - groupCentre[g * dims + j]) ** 2;
      groupRadius[g] = Math.max(groupRadius[g], Math.sqrt(r));
    }
  }
  return { dims, k, basis, groups, groupStart, groupCentre, groupRadius, order, rotated };
}

/**
 * Group of each of the `k` points (a few Lloyd iterations from centres spread along the first axis). Any
 * grouping keeps the search exact; a tight one lets it skip more.
 */
function groupCentroids(points: Float64Array, dims: number, k: number, groups: number): Uint32Array {
  const byFirst = Uint32Array.from({ length: k }, (_, i) => i).sort(
    (a, b) => points[a * dims] - points[b * dims] || a - b,
  );
  const centres = new Float64Array(groups * dims);
  for (let g = 0; g < groups; g++) {
    const c = byFirst[Math.min(k - 1, Math.floor(((g + 0.5) * k) / groups))];
    centres.set(points.subarray(c * dims, c * dims + dims), g * dims);
  }
  const member = new Uint32Array(k);
  for (let it = 0; it < 6; it++) {
    for (let c = 0; c < k; c++) {
      let best = 0;
      let bestD = Infinity;
      for (let g = 0; g < groups; g++) {
        let d = 0;
        for (let j = 0; j < dims && d < bestD; j++) d += (points[c * dims + j] - centres[g * dims + j]) ** 2;
        if (d < bestD) {
          bestD = d;
          best = g;
        }
      }
      member[c] = best;
    }
    const sums = new Float64Array(groups * dims);
    const counts = new Uint32Array(groups);
    for (let c = 0; c < k; c++) {
      counts[member[c]]++;
      for (let j = 0; j < dims; j++) sums[member[c] * dims + j] += points[c * dims + j];
    }
    for (let g = 0; g < groups; g++)
      if (counts[g]) for (let j = 0; j < dims; j++) centres[g * dims + j] = sums[g * dims + j] / counts[g];
  }
  return member;
}

/** out[outAt + r] = basis row r . v[at .. at + dims]. */
function rotate(
  basis: Float64Array,
  dims: number,
  v: ArrayLike<number>,
  at: number,
  out: Float64Array,
  outAt: number,
): void {
  for (let r = 0; r < dims; r++) {
    let s = 0;
    for (let j = 0; j < dims; j++) s += basis[r * dims + j] * v[at + j];
    out[outAt + r] = s;
  }
}

/**
 * Nearest centroid of points `from .. to` ([n, dims] row-major), exactly as trying every centroid would
 * find it (squared Euclidean, ties -> lowest index, up to float rounding of near-ties); `distances` gets
 * the squared distance to it, computed in the original coordinates.
 */
export function assignIndexed(
  index: CentroidIndex,
  centroids: Float32Array,
  points: Float32Array,
  labels: Uint32Array,
  distances?: Float32Array,
  from = 0,
  to = points.length / index.dims,
): void {
  const { dims, groups, groupStart, groupCentre, groupRadius, order, rotated } = index;
  const q = new Float64Array(dims);
  const toGroup = new Float64Array(groups);
  for (let i = from; i < to; i++) {
    rotate(index.basis, dims, points, i * dims, q, 0);
    let nearest = 0;
    for (let g = 0; g < groups; g++) {
      let d = 0;
      for (let j = 0; j < dims; j++) {
        const t = q[j] - groupCentre[g * dims + j];
        d += t * t;
      }
      toGroup[g] = Math.sqrt(d);
      if (toGroup[g] < toGroup[nearest]) nearest = g;
    }
    let best = -1;
    let bestD = Infinity;
    for (let step = 0; step <= groups; step++) {
      // Step 0 scans the nearest group, then every other group in order.
      const g = step === 0 ? nearest : step - 1;
      if (step > 0 && g === nearest) continue;
      // Every member is at least |q - centre| - radius away: skip the group when that cannot beat bestD.
      const reach = toGroup[g] - groupRadius[g];
      if (reach > 0 && reach * reach > bestD) continue;
      for (let at = groupStart[g]; at < groupStart[g + 1]; at++) {
        const base = at * dims;
        let d = 0;
        for (let j = 0; j < dims && d <= bestD; j++) {
          const t = q[j] - rotated[base + j];
          d += t * t;
        }
        const c = order[at];
        if (d < bestD || (d === bestD && c < best)) {
          bestD = d;
          best = c;
        }
      }
    }
    labels[i] = best;
    if (distances) {
      let d = 0;
      for (let j = 0; j < dims; j++) {
        const t = points[i * dims + j] - centroids[best * dims + j];
        d += t * t;
      }
      distances[i] = d;
    }
  }
}
