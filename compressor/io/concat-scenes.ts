// Joins scenes read from several parts of one file (glTF primitives, SOG LOD units) into one, at the highest
// SH degree among them (bands a part lacks are zero, which renders as that part did).
import {
  createScene,
  shRestCount,
  type GaussianScene,
  type ShDegree,
} from '../../shared/scene/gaussian-scene.ts';

export function concatenateScenes(parts: GaussianScene[]): GaussianScene {
  if (parts.length === 1) return parts[0];
  const degree = Math.max(0, ...parts.map((p) => p.shDegree)) as ShDegree;
  const out = createScene(
    parts.reduce((s, p) => s + p.count, 0),
    degree,
    parts.some((p) => p.antialiased),
  );
  const k = shRestCount(degree);
  let at = 0;
  for (const p of parts) {
    out.positions.set(p.positions, at * 3);
    out.logScales.set(p.logScales, at * 3);
    out.rotations.set(p.rotations, at * 4);
    out.opacityLogits.set(p.opacityLogits, at);
    out.shDC.set(p.shDC, at * 3);
    const pk = shRestCount(p.shDegree);
    for (let i = 0; i < p.count; i++)
      out.shRest.set(p.shRest.subarray(i * pk * 3, (i + 1) * pk * 3), (at + i) * k * 3);
    at += p.count;
  }
  return out;
}
