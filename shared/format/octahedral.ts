// The 24 rotations of the cube (the octahedral group), as unit quaternions with the axis relabelling each
// one makes: an ellipsoid (R, s) equals (R·P, s permuted) for every P here, since R·P's column k is ±R's
// column perm[k] (a turn that maps the coordinate axes onto each other). Used by the encoder to pick one
// representative of the 24 (gsz-encoder.ts) and by the bench to compare ellipsoids of any format alike.

export interface AxisTurn {
  /** w, x, y, z. */
  q: readonly [number, number, number, number];
  /** Column k of R·P is ±column perm[k] of R: so the scale of axis k becomes s[perm[k]]. */
  perm: readonly [number, number, number];
}

function build(): AxisTurn[] {
  const h = Math.SQRT1_2;
  const list: [number, number, number, number][] = [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
  for (let a = 1; a <= 3; a++) {
    for (const sg of [1, -1]) {
      const q: [number, number, number, number] = [h, 0, 0, 0];
      q[a] = sg * h; // 90° turns about an axis
      list.push(q);
    }
  }
  for (const [a, b] of [
    [1, 2],
    [1, 3],
    [2, 3],
  ]) {
    for (const sg of [1, -1]) {
      const q: [number, number, number, number] = [0, 0, 0, 0];
      q[a] = h;
      q[b] = sg * h; // 180° turns about a face diagonal
      list.push(q);
    }
  }
  for (const sx of [1, -1])
    for (const sy of [1, -1]) for (const sz of [1, -1]) list.push([0.5, 0.5 * sx, 0.5 * sy, 0.5 * sz]); // 120° turns
  return list.map((q) => {
    const [w, x, y, z] = q;
    // Column k of the rotation matrix of q.
    const col = [
      [1 - 2 * (y * y + z * z), 2 * (x * y + w * z), 2 * (x * z - w * y)],
      [2 * (x * y - w * z), 1 - 2 * (x * x + z * z), 2 * (y * z + w * x)],
      [2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y)],
    ];
    const perm = col.map((c) => c.findIndex((v) => Math.abs(v) > 0.5)) as [number, number, number];
    return { q, perm };
  });
}

export const AXIS_TURNS: readonly AxisTurn[] = build();

/** out = a·b (Hamilton product; w, x, y, z). */
export function quatMul(
  aw: number,
  ax: number,
  ay: number,
  az: number,
  b: readonly number[],
  out: Float64Array | number[],
): void {
  const [bw, bx, by, bz] = b;
  out[0] = aw * bw - ax * bx - ay * by - az * bz;
  out[1] = aw * bx + ax * bw + ay * bz - az * by;
  out[2] = aw * by - ax * bz + ay * bw + az * bx;
  out[3] = aw * bz + ax * by - ay * bx + az * bw;
}
