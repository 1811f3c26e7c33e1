// Reads glTF 2.0 Gaussian splats (KHR_gaussian_splatting; layout and conventions in gltf-splat-layout.ts)
// from a .glb, or a .gltf whose buffers are data: URIs or files beside it. Every POINTS primitive carrying
// the extension is read, in mesh order, and concatenated; accessors may use any component type the
// extension allows (float, or normalised / plain integers), with or without a byte stride. Node
// transforms and sparse or compressed accessors are refused rather than ignored.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  createScene,
  logit,
  OPACITY_LOGIT_LIMIT,
  type GaussianScene,
  type ShDegree,
} from '../../shared/scene/gaussian-scene.ts';
import { halfTurnScene } from './axis-turn.ts';
import {
  ATTRIBUTE,
  COMPONENT,
  coefficientsInBand,
  EXTENSION,
  GLB_CHUNK_BIN,
  GLB_CHUNK_HEADER_BYTES,
  GLB_CHUNK_JSON,
  GLB_HEADER_BYTES,
  GLB_MAGIC,
  GLTF_TURN,
  MODE_POINTS,
  shAttribute,
} from './gltf-splat-layout.ts';
import { concatenateScenes } from './concat-scenes.ts';
import { SceneReadError } from './scene-read-error.ts';

/** Smallest linear scale we take the log of: a zero scale (degenerate splat) becomes this, not -Infinity. */
const MIN_SCALE = 1e-30;

interface Accessor {
  bufferView?: number;
  byteOffset?: number;
  componentType: number;
  normalized?: boolean;
  count: number;
  type: string;
  sparse?: unknown;
}
interface BufferView {
  buffer: number;
  byteOffset?: number;
  byteLength: number;
  byteStride?: number;
}
interface Primitive {
  attributes: Record<string, number>;
  mode?: number;
  extensions?: Record<string, unknown>;
}
interface Gltf {
  asset?: { version?: string };
  extensionsRequired?: string[];
  buffers?: { byteLength: number; uri?: string }[];
  bufferViews?: BufferView[];
  accessors?: Accessor[];
  meshes?: { primitives: Primitive[] }[];
  nodes?: {
    mesh?: number;
    matrix?: number[];
    translation?: number[];
    rotation?: number[];
    scale?: number[];
  }[];
}

const WIDTH: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4 };
const COMPONENT_BYTES: Record<number, number> = {
  [COMPONENT.byte]: 1,
  [COMPONENT.unsignedByte]: 1,
  [COMPONENT.short]: 2,
  [COMPONENT.unsignedShort]: 2,
  [COMPONENT.unsignedInt]: 4,
  [COMPONENT.float]: 4,
};

/** Reads `path`: a .glb (bytes given) or a .gltf JSON document. */
export async function decodeGltf(path: string, file: Uint8Array): Promise<GaussianScene> {
  let gltf: Gltf;
  let glbBin: Uint8Array | undefined;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.length >= 4 && view.getUint32(0, true) === GLB_MAGIC) {
    ({ gltf, bin: glbBin } = splitGlb(path, file, view));
  } else {
    gltf = parseJson(path, new TextDecoder().decode(file));
  }
  if (!gltf.asset?.version?.startsWith('2.'))
    throw new SceneReadError(path, `glTF asset version ${gltf.asset?.version ?? '(none)'} is not 2.x`);
  const unsupported = (gltf.extensionsRequired ?? []).filter((e) => e !== EXTENSION);
  if (unsupported.length > 0)
    throw new SceneReadError(path, `glTF requires extensions this reader lacks: ${unsupported.join(', ')}`);
  const buffers = await loadBuffers(path, gltf, glbBin);
  const splatMeshes = new Set<number>();
  const primitives: Primitive[] = [];
  (gltf.meshes ?? []).forEach((mesh, m) => {
    for (const primitive of mesh.primitives ?? []) {
      if (!primitive.extensions?.[EXTENSION]) continue;
      if ((primitive.mode ?? 4) !== MODE_POINTS)
        throw new SceneReadError(path, `a ${EXTENSION} primitive has mode ${primitive.mode}, not POINTS (0)`);
      splatMeshes.add(m);
      primitives.push(primitive);
    }
  });
  if (primitives.length === 0) throw new SceneReadError(path, `glTF has no ${EXTENSION} primitive`);
  for (const node of gltf.nodes ?? []) {
    if (node.mesh === undefined || !splatMeshes.has(node.mesh)) continue;
    if (node.matrix || node.translation || node.rotation || node.scale)
      throw new SceneReadError(path, 'glTF node transforms on splat meshes are not supported');
  }
  const parts = primitives.map((p) => readPrimitive(path, gltf, buffers, p));
  return halfTurnScene(concatenateScenes(parts), GLTF_TURN);
}

function parseJson(path: string, text: string): Gltf {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Gltf;
  } catch (error) {
    throw new SceneReadError(path, `glTF JSON is invalid (${(error as Error).message})`);
  }
}

function splitGlb(path: string, file: Uint8Array, view: DataView): { gltf: Gltf; bin?: Uint8Array } {
  if (file.length < GLB_HEADER_BYTES + GLB_CHUNK_HEADER_BYTES)
    throw new SceneReadError(path, `GLB too short (${file.length} bytes)`);
  const version = view.getUint32(4, true);
  if (version !== 2) throw new SceneReadError(path, `GLB version ${version} is not supported (2 is)`);
  const length = view.getUint32(8, true);
  if (length > file.length)
    throw new SceneReadError(path, `GLB declares ${length} bytes, the file has ${file.length} (truncated)`);
  let at = GLB_HEADER_BYTES;
  let json: Uint8Array | undefined;
  let bin: Uint8Array | undefined;
  while (at + GLB_CHUNK_HEADER_BYTES <= length) {
    const chunkLength = view.getUint32(at, true);
    const type = view.getUint32(at + 4, true);
    const start = at + GLB_CHUNK_HEADER_BYTES;
    if (start + chunkLength > length)
      throw new SceneReadError(path, `GLB chunk at byte ${at} runs past the end of the file`);
    if (type === GLB_CHUNK_JSON && !json) json = file.subarray(start, start + chunkLength);
    else if (type === GLB_CHUNK_BIN && !bin) bin = file.subarray(start, start + chunkLength);
    at = start + chunkLength;
  }
  if (!json) throw new SceneReadError(path, 'GLB has no JSON chunk');
  return { gltf: parseJson(path, new TextDecoder().decode(json)), bin };
}

async function loadBuffers(path: string, gltf: Gltf, glbBin: Uint8Array | undefined): Promise<Uint8Array[]> {
  return Promise.all(
    (gltf.buffers ?? []).map(async (buffer, b) => {
      let data: Uint8Array | undefined;
      if (buffer.uri === undefined) data = b === 0 ? glbBin : undefined;
      else if (buffer.uri.startsWith('data:')) {
        const comma = buffer.uri.indexOf(',');
        if (comma < 0 || !buffer.uri.slice(0, comma).endsWith(';base64'))
          throw new SceneReadError(path, `glTF buffer ${b} has a data URI that is not base64`);
        data = Buffer.from(buffer.uri.slice(comma + 1), 'base64');
      } else {
        const file = join(dirname(path), decodeURIComponent(buffer.uri));
        try {
          data = await readFile(file);
        } catch {
          throw new SceneReadError(path, `glTF buffer ${b} (${buffer.uri}) cannot be read beside the file`);
        }
      }
      if (!data) throw new SceneReadError(path, `glTF buffer ${b} has no data`);
      if (data.length < buffer.byteLength)
        throw new SceneReadError(
          path,
          `glTF buffer ${b} holds ${data.length} bytes, ${buffer.byteLength} declared`,
        );
      return data;
    }),
  );
}

/** One accessor as floats (normalised integers mapped to [0, 1] / [-1, 1]), `width` components a row. */
function readAccessor(
  path: string,
  gltf: Gltf,
  buffers: Uint8Array[],
  index: number,
  what: string,
  type: string,
  count: number,
): Float32Array {
  const accessor = gltf.accessors?.[index];
  if (!accessor) throw new SceneReadError(path, `${what} names accessor ${index}, which does not exist`);
  if (accessor.type !== type) throw new SceneReadError(path, `${what} is ${accessor.type}, not ${type}`);
  if (accessor.count !== count)
    throw new SceneReadError(path, `${what} has ${accessor.count} elements, POSITION has ${count}`);
  if (accessor.sparse) throw new SceneReadError(path, `${what} is a sparse accessor (not supported)`);
  const size = COMPONENT_BYTES[accessor.componentType];
  if (!size) throw new SceneReadError(path, `${what} has unknown component type ${accessor.componentType}`);
  const width = WIDTH[type];
  const out = new Float32Array(count * width);
  if (accessor.bufferView === undefined) return out; // glTF: an accessor without a view is all zeros
  const bufferView = gltf.bufferViews?.[accessor.bufferView];
  const buffer = bufferView ? buffers[bufferView.buffer] : undefined;
  if (!bufferView || !buffer) throw new SceneReadError(path, `${what} has a missing buffer view or buffer`);
  const stride = bufferView.byteStride ?? size * width;
  const start = (bufferView.byteOffset ?? 0) + (accessor.byteOffset ?? 0);
  const end = start + (count > 0 ? (count - 1) * stride + size * width : 0);
  if (end > (bufferView.byteOffset ?? 0) + bufferView.byteLength || end > buffer.length)
    throw new SceneReadError(path, `${what} runs past the end of its buffer view`);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const read = componentReader(view, accessor.componentType, accessor.normalized === true);
  for (let i = 0; i < count; i++)
    for (let c = 0; c < width; c++) out[i * width + c] = read(start + i * stride + c * size);
  return out;
}

/** Reads one component at a byte offset; normalised integers map to [0, 1] (unsigned) or [-1, 1] (signed). */
function componentReader(view: DataView, type: number, normalized: boolean): (at: number) => number {
  switch (type) {
    case COMPONENT.byte:
      return (at) => (normalized ? Math.max(view.getInt8(at) / 127, -1) : view.getInt8(at));
    case COMPONENT.unsignedByte:
      return (at) => (normalized ? view.getUint8(at) / 255 : view.getUint8(at));
    case COMPONENT.short:
      return (at) => (normalized ? Math.max(view.getInt16(at, true) / 32767, -1) : view.getInt16(at, true));
    case COMPONENT.unsignedShort:
      return (at) => (normalized ? view.getUint16(at, true) / 65535 : view.getUint16(at, true));
    case COMPONENT.unsignedInt:
      return (at) => view.getUint32(at, true);
    default:
      return (at) => view.getFloat32(at, true);
  }
}

function readPrimitive(path: string, gltf: Gltf, buffers: Uint8Array[], primitive: Primitive): GaussianScene {
  const attributes = primitive.attributes ?? {};
  const need = (name: string): number => {
    const index = attributes[name];
    if (index === undefined)
      throw new SceneReadError(path, `${EXTENSION} primitive lacks the ${name} attribute`);
    return index;
  };
  const count = gltf.accessors?.[need(ATTRIBUTE.position)]?.count ?? 0;
  const get = (name: string, type: string) =>
    readAccessor(path, gltf, buffers, need(name), name, type, count);
  let degree = 0;
  while (degree < 3 && attributes[shAttribute(degree + 1, 0)] !== undefined) degree++;
  const scene = createScene(count, degree as ShDegree);
  scene.positions.set(get(ATTRIBUTE.position, 'VEC3'));
  const rotation = get(ATTRIBUTE.rotation, 'VEC4');
  const scale = get(ATTRIBUTE.scale, 'VEC3');
  const opacity = get(ATTRIBUTE.opacity, 'SCALAR');
  scene.shDC.set(get(shAttribute(0, 0), 'VEC3'));
  for (let i = 0; i < count; i++) {
    scene.rotations[i * 4] = rotation[i * 4 + 3];
    scene.rotations[i * 4 + 1] = rotation[i * 4];
    scene.rotations[i * 4 + 2] = rotation[i * 4 + 1];
    scene.rotations[i * 4 + 3] = rotation[i * 4 + 2];
    const a = opacity[i];
    if (!(a >= 0 && a <= 1)) throw new SceneReadError(path, `splat ${i} has opacity ${a}, outside [0, 1]`);
    scene.opacityLogits[i] = Math.min(OPACITY_LOGIT_LIMIT, Math.max(-OPACITY_LOGIT_LIMIT, logit(a)));
    for (let c = 0; c < 3; c++) {
      const s = scale[i * 3 + c];
      if (!(s >= 0) || !Number.isFinite(s))
        throw new SceneReadError(path, `splat ${i} has scale ${s} (must be finite and >= 0)`);
      scene.logScales[i * 3 + c] = Math.log(Math.max(MIN_SCALE, s));
    }
  }
  const k = (degree + 1) ** 2 - 1;
  let j = 0;
  for (let d = 1; d <= degree; d++) {
    for (let n = 0; n < coefficientsInBand(d); n++, j++) {
      const column = get(shAttribute(d, n), 'VEC3');
      for (let i = 0; i < count; i++) scene.shRest.set(column.subarray(i * 3, i * 3 + 3), (i * k + j) * 3);
    }
  }
  return scene;
}
