// COLMAP sparse models: cameras, images and points3D read from their text (.txt) or binary (.bin) files
// (colmap/src/colmap/scene/reconstruction_io.cc). Quaternions (qw qx qy qz) and translations are
// WORLD-TO-CAMERA with OpenCV axes; colmap.ts turns them into a dataset.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PointCloud } from './dataset.ts';
import { DatasetError } from './dataset-error.ts';

/** COLMAP model ids (binary files) and parameter counts, from colmap/src/colmap/sensor/models.h. */
export const COLMAP_MODELS: readonly { name: string; params: number }[] = [
  { name: 'SIMPLE_PINHOLE', params: 3 },
  { name: 'PINHOLE', params: 4 },
  { name: 'SIMPLE_RADIAL', params: 4 },
  { name: 'RADIAL', params: 5 },
  { name: 'OPENCV', params: 8 },
  { name: 'OPENCV_FISHEYE', params: 8 },
  { name: 'FULL_OPENCV', params: 12 },
  { name: 'FOV', params: 5 },
  { name: 'SIMPLE_RADIAL_FISHEYE', params: 4 },
  { name: 'RADIAL_FISHEYE', params: 5 },
  { name: 'THIN_PRISM_FISHEYE', params: 12 },
];

export interface ColmapCamera {
  id: number;
  model: string;
  width: number;
  height: number;
  params: number[];
}

export interface ColmapImage {
  id: number;
  /** world-to-camera rotation quaternion w, x, y, z */
  q: [number, number, number, number];
  t: [number, number, number];
  cameraId: number;
  name: string;
}

export interface ColmapModel {
  cameras: Map<number, ColmapCamera>;
  images: ColmapImage[];
  points?: PointCloud;
}

/** The sparse-model folder of a COLMAP project (root, root/sparse, or the folder itself), or undefined. */
export function findColmapSparse(path: string): string | undefined {
  for (const dir of [join(path, 'sparse', '0'), join(path, 'sparse'), path]) {
    if (['cameras.txt', 'cameras.bin'].some((f) => existsSync(join(dir, f)))) return dir;
  }
  return undefined;
}

// ---------- text ----------

function textLines(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new DatasetError(path, 'cannot be read');
  }
  return text.split(/\r?\n/).filter((l) => !l.startsWith('#'));
}

function numbers(path: string, line: string, lineNo: number, min: number): number[] {
  const parts = line.trim().split(/\s+/);
  if (parts.length < min)
    throw new DatasetError(path, `line ${lineNo}: expected at least ${min} fields, got ${parts.length}`);
  return parts.map((p) => Number(p));
}

export function readCamerasText(path: string): Map<number, ColmapCamera> {
  const cameras = new Map<number, ColmapCamera>();
  textLines(path).forEach((line, i) => {
    if (!line.trim()) return;
    const parts = line.trim().split(/\s+/);
    if (parts.length < 5) throw new DatasetError(path, `malformed camera line "${line}"`);
    const [id, model, w, h, ...params] = parts;
    const values = [id, w, h, ...params].map(Number);
    if (values.some((v) => !Number.isFinite(v)))
      throw new DatasetError(path, `malformed camera line ${i + 1}: "${line}"`);
    cameras.set(Number(id), {
      id: Number(id),
      model,
      width: Number(w),
      height: Number(h),
      params: params.map(Number),
    });
  });
  return cameras;
}

export function readImagesText(path: string): ColmapImage[] {
  const lines = textLines(path);
  const images: ColmapImage[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue; // header lines are never empty; an empty POINTS2D line is skipped below
    const parts = line.split(/\s+/);
    if (parts.length < 10) throw new DatasetError(path, `malformed image line "${line}"`);
    const v = numbers(path, parts.slice(0, 9).join(' '), i + 1, 9);
    if (v.some((x) => !Number.isFinite(x))) throw new DatasetError(path, `malformed image line "${line}"`);
    images.push({
      id: v[0],
      q: [v[1], v[2], v[3], v[4]],
      t: [v[5], v[6], v[7]],
      cameraId: v[8],
      name: parts.slice(9).join(' '),
    });
    i++; // the POINTS2D line that follows (possibly empty)
  }
  return images;
}

export function readPointsText(path: string): PointCloud {
  const positions: number[] = [];
  const colors: number[] = [];
  textLines(path).forEach((line, i) => {
    if (!line.trim()) return;
    const v = numbers(path, line, i + 1, 7);
    positions.push(v[1], v[2], v[3]);
    colors.push(v[4] / 255, v[5] / 255, v[6] / 255);
  });
  return {
    count: positions.length / 3,
    positions: Float32Array.from(positions),
    colors: Float32Array.from(colors),
  };
}

// ---------- binary (little-endian, colmap/src/colmap/scene/reconstruction_io.cc) ----------

class Reader {
  private offset = 0;
  private readonly view: DataView;
  constructor(
    readonly path: string,
    private readonly bytes: Uint8Array,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(n: number): void {
    if (this.offset + n > this.bytes.length)
      throw new DatasetError(this.path, `truncated binary model at byte ${this.offset}`);
  }
  u64(): number {
    this.need(8);
    const v = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER))
      throw new DatasetError(this.path, `implausible count ${v} at byte ${this.offset - 8}`);
    return Number(v);
  }
  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.offset, true);
    this.offset += 4;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return v;
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.offset++];
  }
  skip(n: number): void {
    this.need(n);
    this.offset += n;
  }
  cstring(): string {
    const end = this.bytes.indexOf(0, this.offset);
    if (end < 0) throw new DatasetError(this.path, 'truncated image name');
    const s = new TextDecoder().decode(this.bytes.subarray(this.offset, end));
    this.offset = end + 1;
    return s;
  }
}

function reader(path: string): Reader {
  try {
    return new Reader(path, readFileSync(path));
  } catch {
    throw new DatasetError(path, 'cannot be read');
  }
}

export function readCamerasBinary(path: string): Map<number, ColmapCamera> {
  const r = reader(path);
  const cameras = new Map<number, ColmapCamera>();
  const n = r.u64();
  for (let i = 0; i < n; i++) {
    const id = r.i32();
    const modelId = r.i32();
    const width = r.u64();
    const height = r.u64();
    const model = COLMAP_MODELS[modelId];
    if (!model) throw new DatasetError(path, `camera ${id} has unknown model id ${modelId}`);
    const params = Array.from({ length: model.params }, () => r.f64());
    cameras.set(id, { id, model: model.name, width, height, params });
  }
  return cameras;
}

export function readImagesBinary(path: string): ColmapImage[] {
  const r = reader(path);
  const n = r.u64();
  const images: ColmapImage[] = [];
  for (let i = 0; i < n; i++) {
    const id = r.i32();
    const q: [number, number, number, number] = [r.f64(), r.f64(), r.f64(), r.f64()];
    const t: [number, number, number] = [r.f64(), r.f64(), r.f64()];
    const cameraId = r.i32();
    const name = r.cstring();
    const points = r.u64();
    r.skip(points * 24); // x, y (f64) and point3D id (i64) per observation
    images.push({ id, q, t, cameraId, name });
  }
  return images;
}

export function readPointsBinary(path: string): PointCloud {
  const r = reader(path);
  const n = r.u64();
  const positions = new Float32Array(n * 3);
  const colors = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    r.u64(); // point id
    for (let a = 0; a < 3; a++) positions[i * 3 + a] = r.f64();
    for (let a = 0; a < 3; a++) colors[i * 3 + a] = r.u8() / 255;
    r.f64(); // reprojection error
    r.skip(r.u64() * 8); // track: (image id i32, point2D index i32) pairs
  }
  return { count: n, positions, colors };
}

/** Reads a sparse model folder in whichever form it has (binary preferred, as COLMAP). */
export function readColmapModel(dir: string): ColmapModel {
  const has = (f: string) => existsSync(join(dir, f));
  const binary = has('cameras.bin') && has('images.bin');
  if (!binary && !(has('cameras.txt') && has('images.txt')))
    throw new DatasetError(dir, 'needs cameras and images (.bin or .txt)');
  const cameras = binary
    ? readCamerasBinary(join(dir, 'cameras.bin'))
    : readCamerasText(join(dir, 'cameras.txt'));
  const images = binary ? readImagesBinary(join(dir, 'images.bin')) : readImagesText(join(dir, 'images.txt'));
  const points = has('points3D.bin')
    ? readPointsBinary(join(dir, 'points3D.bin'))
    : has('points3D.txt')
      ? readPointsText(join(dir, 'points3D.txt'))
      : undefined;
  return { cameras, images, points };
}
