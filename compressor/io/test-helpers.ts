// Test-only helpers: random scenes, a hand-rolled PLY builder (any property order, type and byte order),
// temp folders, and where the real data lives. Imported by *.test.ts only.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createScene, type GaussianScene, type ShDegree } from '../../shared/scene/gaussian-scene.ts';
import type { PlyScalarType } from './ply-header.ts';

/** Deterministic PRNG so failures reproduce. */
import { mulberry32 as random } from '../../shared/math/random.ts';
export { random };

/** A scene of `count` random Gaussians; every value already a float32 and opacity inside the clamp range. */
export function randomScene(count: number, degree: ShDegree, seed = 1): GaussianScene {
  const rand = random(seed);
  const scene = createScene(count, degree);
  const fill = (column: Float32Array, lo: number, hi: number) => {
    for (let i = 0; i < column.length; i++) column[i] = lo + (hi - lo) * rand();
  };
  fill(scene.positions, -10, 10);
  fill(scene.logScales, -8, 1);
  fill(scene.rotations, -1, 1);
  fill(scene.opacityLogits, -15, 15);
  fill(scene.shDC, -2, 2);
  fill(scene.shRest, -1, 1);
  return scene;
}

export interface PlyColumn {
  name: string;
  type: PlyScalarType;
  values: ArrayLike<number>;
}

const SIZES: Record<PlyScalarType, number> = {
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  float64: 8,
};
const PLY_NAMES: Record<PlyScalarType, string> = {
  int8: 'char',
  uint8: 'uchar',
  int16: 'short',
  uint16: 'ushort',
  int32: 'int',
  uint32: 'uint',
  float32: 'float',
  float64: 'double',
};

/** Builds a binary PLY with one `vertex` element holding `columns` in the order given. */
export function buildPly(
  columns: PlyColumn[],
  options: { bigEndian?: boolean; headerExtra?: string[] } = {},
): Uint8Array {
  const count = columns[0]?.values.length ?? 0;
  const header = [
    'ply',
    `format ${options.bigEndian ? 'binary_big_endian' : 'binary_little_endian'} 1.0`,
    'comment built by test-helpers',
    ...(options.headerExtra ?? []),
    `element vertex ${count}`,
    ...columns.map((c) => `property ${PLY_NAMES[c.type]} ${c.name}`),
    'end_header',
    '',
  ].join('\n');
  const stride = columns.reduce((s, c) => s + SIZES[c.type], 0);
  const headerBytes = new TextEncoder().encode(header);
  const out = new Uint8Array(headerBytes.length + count * stride);
  out.set(headerBytes);
  const view = new DataView(out.buffer);
  const le = !options.bigEndian;
  for (let i = 0; i < count; i++) {
    let o = headerBytes.length + i * stride;
    for (const c of columns) {
      const v = c.values[i];
      switch (c.type) {
        case 'int8':
          view.setInt8(o, v);
          break;
        case 'uint8':
          view.setUint8(o, v);
          break;
        case 'int16':
          view.setInt16(o, v, le);
          break;
        case 'uint16':
          view.setUint16(o, v, le);
          break;
        case 'int32':
          view.setInt32(o, v, le);
          break;
        case 'uint32':
          view.setUint32(o, v, le);
          break;
        case 'float32':
          view.setFloat32(o, v, le);
          break;
        case 'float64':
          view.setFloat64(o, v, le);
          break;
      }
      o += SIZES[c.type];
    }
  }
  return out;
}

/** The INRIA columns of a scene (f_rest channel-major), all float32, in INRIA order. */
export function sceneColumns(scene: GaussianScene, type: PlyScalarType = 'float32'): PlyColumn[] {
  const n = scene.count;
  const k = scene.shRest.length / Math.max(1, n) / 3;
  const pick = (column: Float32Array, width: number, index: number) =>
    Array.from({ length: n }, (_, i) => column[i * width + index]);
  return [
    ...['x', 'y', 'z'].map((name, a) => ({ name, type, values: pick(scene.positions, 3, a) })),
    ...[0, 1, 2].map((c) => ({ name: `f_dc_${c}`, type, values: pick(scene.shDC, 3, c) })),
    ...Array.from({ length: 3 * k }, (_, j) => ({
      name: `f_rest_${j}`,
      type,
      values: pick(scene.shRest, 3 * k, (j % k) * 3 + Math.floor(j / k)),
    })),
    { name: 'opacity', type, values: pick(scene.opacityLogits, 1, 0) },
    ...[0, 1, 2].map((a) => ({ name: `scale_${a}`, type, values: pick(scene.logScales, 3, a) })),
    ...[0, 1, 2, 3].map((c) => ({ name: `rot_${c}`, type, values: pick(scene.rotations, 4, c) })),
  ];
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'gs-io-test-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** <repo>/../shared/data, or GS_DATA_DIR; undefined when absent (tests then skip). */
export function dataDir(): string | undefined {
  const dir = process.env.GS_DATA_DIR ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));
  return existsSync(join(dir, 'scenes')) ? dir : undefined;
}
