// Binary little-endian PLY writers for the demo outputs: the initial point cloud (x y z nx ny nz red
// green blue, as COLMAP/3DGS `points3D.ply`) and Gaussian scenes in the INRIA 3DGS property layout.
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { shRestCount } from '../../shared/scene/gaussian-scene.ts';
import type { SurfaceSamples } from './surface-samples.ts';

function header(count: number, properties: string[]): Uint8Array {
  const lines = [
    'ply',
    'format binary_little_endian 1.0',
    `element vertex ${count}`,
    ...properties,
    'end_header',
    '',
  ];
  return new TextEncoder().encode(lines.join('\n'));
}

function concat(head: Uint8Array, body: ArrayBuffer): Uint8Array {
  const out = new Uint8Array(head.length + body.byteLength);
  out.set(head, 0);
  out.set(new Uint8Array(body), head.length);
  return out;
}

/** Point cloud PLY: float x y z, float nx ny nz, uchar red green blue (colours rounded from [0, 1]). */
export function pointCloudPly(samples: SurfaceSamples): Uint8Array {
  const props = ['x', 'y', 'z', 'nx', 'ny', 'nz']
    .map((n) => `property float ${n}`)
    .concat(['red', 'green', 'blue'].map((n) => `property uchar ${n}`));
  const stride = 6 * 4 + 3;
  const body = new ArrayBuffer(samples.count * stride);
  const view = new DataView(body);
  for (let i = 0; i < samples.count; i++) {
    const o = i * stride;
    for (let a = 0; a < 3; a++) {
      view.setFloat32(o + a * 4, samples.positions[i * 3 + a], true);
      view.setFloat32(o + 12 + a * 4, samples.normals[i * 3 + a], true);
      view.setUint8(o + 24 + a, Math.round(Math.min(1, Math.max(0, samples.colours[i * 3 + a])) * 255));
    }
  }
  return concat(header(samples.count, props), body);
}

/** Gaussian scene PLY with the INRIA property names and order (f_rest channel-major, as INRIA stores it). */
export function gaussianPly(scene: GaussianScene): Uint8Array {
  const k = shRestCount(scene.shDegree);
  const names = ['x', 'y', 'z', 'nx', 'ny', 'nz', 'f_dc_0', 'f_dc_1', 'f_dc_2'];
  for (let i = 0; i < 3 * k; i++) names.push(`f_rest_${i}`);
  names.push('opacity', 'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3');
  const floats = names.length;
  const body = new ArrayBuffer(scene.count * floats * 4);
  const view = new DataView(body);
  for (let i = 0; i < scene.count; i++) {
    const row: number[] = [];
    for (let a = 0; a < 3; a++) row.push(scene.positions[i * 3 + a]);
    row.push(0, 0, 0);
    for (let a = 0; a < 3; a++) row.push(scene.shDC[i * 3 + a]);
    // GaussianScene is coefficient-major RGB-interleaved [k][c]; INRIA is channel-major f_rest_[c*K + k].
    for (let c = 0; c < 3; c++) for (let j = 0; j < k; j++) row.push(scene.shRest[(i * k + j) * 3 + c]);
    row.push(scene.opacityLogits[i]);
    for (let a = 0; a < 3; a++) row.push(scene.logScales[i * 3 + a]);
    for (let a = 0; a < 4; a++) row.push(scene.rotations[i * 4 + a]);
    for (let f = 0; f < floats; f++) view.setFloat32((i * floats + f) * 4, row[f], true);
  }
  return concat(
    header(
      scene.count,
      names.map((n) => `property float ${n}`),
    ),
    body,
  );
}
