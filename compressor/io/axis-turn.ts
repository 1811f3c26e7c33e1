// Half turns (180° rotations) about one coordinate axis, the conversions between the axis conventions the
// interop formats use: SPZ stores RUB (OpenGL: y up, z back), a half turn about x from the PLY/COLMAP RDF
// frame (y down, z forward); glTF as PlayCanvas splat-transform writes it is the PLY frame turned about z.
// A half turn M = diag(±1) is its own inverse, so one function converts both ways:
//   position p -> M p;  quaternion (w, v) -> (w, M v) (conjugation M R M keeps Σ = R S² Rᵀ with S unchanged);
//   SH coefficient k -> sign_k * c_k, sign_k = the parity of basis polynomial k under M.
import { shRestCount, type GaussianScene } from '../../shared/scene/gaussian-scene.ts';

export type TurnAxis = 'x' | 'y' | 'z';

/**
 * Which coordinates appear with an odd power in each SH basis polynomial of bands 1-3 (3DGS order):
 * y, z, x | xy, yz, 3z²-1, xz, x²-y² | y(3x²-y²), xyz, y(5z²-1), z(5z²-3), x(5z²-1), z(x²-y²), x(x²-3y²).
 */
const ODD_AXES: readonly string[] = [
  'y',
  'z',
  'x',
  'xy',
  'yz',
  '',
  'xz',
  '',
  'y',
  'xyz',
  'y',
  'z',
  'x',
  'z',
  'x',
];

/** Sign of each SH basis function (bands 1-3) under a half turn about `axis` (the two other axes flip). */
export function shHalfTurnSigns(axis: TurnAxis): number[] {
  return ODD_AXES.map((odd) => {
    let flips = 0;
    for (const a of odd) if (a !== axis) flips++;
    return flips % 2 === 0 ? 1 : -1;
  });
}

/** Per-axis sign of a position under a half turn about `axis`. */
export function positionHalfTurnSigns(axis: TurnAxis): [number, number, number] {
  return [axis === 'x' ? 1 : -1, axis === 'y' ? 1 : -1, axis === 'z' ? 1 : -1];
}

/** A copy of `scene` turned half a turn about `axis` (scales and opacities are unchanged). */
export function halfTurnScene(scene: GaussianScene, axis: TurnAxis): GaussianScene {
  const p = positionHalfTurnSigns(axis);
  const sh = shHalfTurnSigns(axis);
  const out: GaussianScene = {
    ...scene,
    positions: new Float32Array(scene.positions.length),
    rotations: new Float32Array(scene.rotations.length),
    shRest: new Float32Array(scene.shRest.length),
  };
  for (let i = 0; i < scene.count; i++) {
    for (let a = 0; a < 3; a++) out.positions[i * 3 + a] = p[a] * scene.positions[i * 3 + a];
    out.rotations[i * 4] = scene.rotations[i * 4];
    for (let a = 0; a < 3; a++) out.rotations[i * 4 + 1 + a] = p[a] * scene.rotations[i * 4 + 1 + a];
  }
  const k = shRestCount(scene.shDegree);
  for (let i = 0; i < scene.count * k; i++) {
    const s = sh[i % k];
    for (let c = 0; c < 3; c++) out.shRest[i * 3 + c] = s * scene.shRest[i * 3 + c];
  }
  return out;
}
