// Order statistics on flat arrays without sorting everything: the k-th largest value (quickselect) and
// the indices of the k largest values. O(N) expected; used on millions of opacities every 100 iterations.

/** The k-th largest value (k = 1 is the maximum) of `values`. NaN counts as smallest. */
export function kthLargest(values: ArrayLike<number>, k: number): number {
  const n = values.length;
  if (k < 1 || k > n) throw new RangeError(`kthLargest: k = ${k} outside 1..${n}`);
  const a = Float64Array.from(values, (v) => (Number.isNaN(v) ? -Infinity : v));
  return select(a, n - k); // (n-k)-th smallest, 0-based
}

/** Rearranges `a` so a[k] is the k-th smallest (0-based); returns it. Hoare-style quickselect, median of three. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three as pivot keeps sorted inputs linear
    const x = a[lo],
      y = a[mid],
      z = a[hi];
    const pivot = x < y ? (y < z ? y : Math.max(x, z)) : x < z ? x : Math.max(y, z);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/**
 * Indices of the `k` largest `scores`, ascending by index (so kept Gaussians keep their order).
 * Ties at the threshold are broken by lower index first, so the result is deterministic.
 */
export function topKIndices(scores: ArrayLike<number>, k: number): Uint32Array {
  const n = scores.length;
  if (k >= n) return Uint32Array.from({ length: n }, (_, i) => i);
  if (k <= 0) return new Uint32Array(0);
  const threshold = kthLargest(scores, k);
  const out = new Uint32Array(k);
  let above = 0;
  const score = (i: number) => (Number.isNaN(scores[i]) ? -Infinity : scores[i]);
  for (let i = 0; i < n; i++) if (score(i) > threshold) above++;
  let ties = k - above; // how many entries equal to the threshold we may take
  let m = 0;
  for (let i = 0; i < n; i++) {
    const s = score(i);
    if (s > threshold) out[m++] = i;
    else if (s === threshold && ties > 0) {
      out[m++] = i;
      ties--;
    }
  }
  return out;
}
