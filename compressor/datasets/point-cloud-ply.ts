// Reads an initial point cloud from a binary PLY (`points3d.ply` beside a NeRF/Blender transforms file, as
// 3DGS's NeRF-synthetic loader does): vertex x y z and, when present, red green blue (uchar 0-255 or float
// 0-1). Other properties (normals) are ignored.
import { readFileSync } from 'node:fs';
import { parsePlyHeader, scalarReader } from '../io/ply-header.ts';
import { SceneReadError } from '../io/scene-read-error.ts';
import type { PointCloud } from './dataset.ts';
import { DatasetError } from './dataset-error.ts';

export function readPointCloudPly(path: string): PointCloud {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new DatasetError(path, 'cannot be read');
  }
  const end = bytes.indexOf('end_header\n');
  if (bytes.subarray(0, 4).toString('latin1') !== 'ply\n' || end < 0)
    throw new DatasetError(path, 'is not a PLY file (no "ply" signature or "end_header")');
  let header: ReturnType<typeof parsePlyHeader>;
  try {
    header = parsePlyHeader(path, bytes.subarray(0, end + 'end_header\n'.length).toString('latin1'));
  } catch (error) {
    if (error instanceof SceneReadError) throw new DatasetError(path, error.message);
    throw error;
  }
  if (header.format === 'ascii') throw new DatasetError(path, 'ASCII PLY point clouds are not supported');
  const vertex = header.elements.find((e) => e.name === 'vertex');
  if (!vertex || vertex.count === 0) throw new DatasetError(path, 'has no vertices');
  if (bytes.length < vertex.byteOffset + vertex.count * vertex.stride)
    throw new DatasetError(
      path,
      `is truncated: ${vertex.count} vertices need more than ${bytes.length} bytes`,
    );
  const little = header.format === 'binary_little_endian';
  const property = (name: string) => vertex.properties.find((p) => p.name === name);
  const xyz = ['x', 'y', 'z'].map(property);
  if (xyz.some((p) => !p)) throw new DatasetError(path, 'vertices have no x, y, z');
  const rgb = ['red', 'green', 'blue'].map(property);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const positions = new Float32Array(vertex.count * 3);
  const colors = new Float32Array(vertex.count * 3).fill(0.5);
  for (let a = 0; a < 3; a++) {
    const p = xyz[a]!;
    const read = scalarReader(p.type, little);
    for (let i = 0; i < vertex.count; i++)
      positions[i * 3 + a] = read(view, vertex.byteOffset + i * vertex.stride + p.offset);
    const c = rgb[a];
    if (!c) continue;
    const readColour = scalarReader(c.type, little);
    const scale = c.type === 'uint8' ? 1 / 255 : c.type === 'uint16' ? 1 / 65535 : 1;
    for (let i = 0; i < vertex.count; i++)
      colors[i * 3 + a] = readColour(view, vertex.byteOffset + i * vertex.stride + c.offset) * scale;
  }
  if (positions.some((v) => !Number.isFinite(v))) throw new DatasetError(path, 'has non-finite positions');
  return { count: vertex.count, positions, colors };
}
