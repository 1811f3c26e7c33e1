// Writes a scene as binary glTF 2.0 (.glb) with the KHR_gaussian_splatting extension (layout and
// conventions in gltf-splat-layout.ts): one node, one mesh, one POINTS primitive, float attributes
// (the full precision the extension allows) plus a COLOR_0 fallback for viewers without splat support.
// The whole file is built in memory, so its 32-bit GLB length bounds the count; checked before writing.
import { SH_C0, shRestCount, sigmoid, type GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { type OutputTarget, writeFileAtomic } from './atomic-write.ts';
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
  GLB_VERSION,
  GLTF_TURN,
  MODE_POINTS,
  shAttribute,
} from './gltf-splat-layout.ts';
import { checkWritable } from './write-checks.ts';
import { SceneWriteError } from './write-error.ts';

const ARRAY_BUFFER = 34962;
const align4 = (n: number): number => (n + 3) & ~3;

interface Segment {
  name: string;
  data: Float32Array | Uint8Array;
  type: 'SCALAR' | 'VEC3' | 'VEC4';
  componentType: number;
  normalized?: boolean;
  min?: number[];
  max?: number[];
}

/** Bytes a GLB of `count` Gaussians at SH `degree` takes (JSON excluded). */
function binaryBytes(count: number, degree: number): number {
  return count * (12 + 4 + 16 + 12 + 4 + 12 * (1 + shRestCount(degree as 0 | 1 | 2 | 3)));
}

export function encodeGlb(path: string, input: GaussianScene, generator = 'gs-compress'): Uint8Array {
  // 2^31 - 1 bytes: one JS buffer holds the file, within both GLB's u32 length and Node's Buffer size.
  const perGaussian = binaryBytes(1, input.shDegree);
  checkWritable(path, input, {
    name: 'glTF KHR_gaussian_splatting',
    maxShDegree: 3,
    maxCount: Math.floor((0x7fffffff - (1 << 16)) / perGaussian),
  });
  const scene = halfTurnScene(input, GLTF_TURN);
  const n = scene.count;
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n * 3; i++) {
    min[i % 3] = Math.min(min[i % 3], scene.positions[i]);
    max[i % 3] = Math.max(max[i % 3], scene.positions[i]);
  }
  const colour = new Uint8Array(n * 4);
  const rotation = new Float32Array(n * 4);
  const scale = new Float32Array(n * 3);
  const opacity = new Float32Array(n);
  const byte = (x: number) => Math.min(255, Math.max(0, Math.round(x * 255)));
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) colour[i * 4 + c] = byte(0.5 + SH_C0 * scene.shDC[i * 3 + c]);
    opacity[i] = sigmoid(scene.opacityLogits[i]);
    colour[i * 4 + 3] = byte(opacity[i]);
    const q = scene.rotations.subarray(i * 4, i * 4 + 4);
    const length = Math.hypot(q[0], q[1], q[2], q[3]);
    rotation[i * 4] = q[1] / length;
    rotation[i * 4 + 1] = q[2] / length;
    rotation[i * 4 + 2] = q[3] / length;
    rotation[i * 4 + 3] = q[0] / length;
    for (let a = 0; a < 3; a++) {
      scale[i * 3 + a] = Math.exp(scene.logScales[i * 3 + a]);
      if (!Number.isFinite(scale[i * 3 + a]))
        throw new SceneWriteError(
          path,
          `Gaussian ${i}'s scale exp(${scene.logScales[i * 3 + a]}) overflows float32`,
        );
    }
  }
  const segments: Segment[] = [
    {
      name: ATTRIBUTE.position,
      data: scene.positions,
      type: 'VEC3',
      componentType: COMPONENT.float,
      min,
      max,
    },
    {
      name: ATTRIBUTE.color,
      data: colour,
      type: 'VEC4',
      componentType: COMPONENT.unsignedByte,
      normalized: true,
    },
    { name: ATTRIBUTE.rotation, data: rotation, type: 'VEC4', componentType: COMPONENT.float },
    { name: ATTRIBUTE.scale, data: scale, type: 'VEC3', componentType: COMPONENT.float },
    { name: ATTRIBUTE.opacity, data: opacity, type: 'SCALAR', componentType: COMPONENT.float },
    { name: shAttribute(0, 0), data: scene.shDC, type: 'VEC3', componentType: COMPONENT.float },
  ];
  const k = shRestCount(scene.shDegree);
  let j = 0;
  for (let degree = 1; degree <= scene.shDegree; degree++) {
    for (let c = 0; c < coefficientsInBand(degree); c++, j++) {
      const column = new Float32Array(n * 3);
      for (let i = 0; i < n; i++)
        column.set(scene.shRest.subarray((i * k + j) * 3, (i * k + j) * 3 + 3), i * 3);
      segments.push({
        name: shAttribute(degree, c),
        data: column,
        type: 'VEC3',
        componentType: COMPONENT.float,
      });
    }
  }
  const offsets: number[] = [];
  let binLength = 0;
  for (const s of segments) {
    offsets.push(binLength);
    binLength += align4(s.data.byteLength);
  }
  const gltf = {
    asset: { version: '2.0', generator },
    extensionsUsed: [EXTENSION],
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0 }],
    meshes: [
      {
        primitives: [
          {
            mode: MODE_POINTS,
            attributes: Object.fromEntries(segments.map((s, i) => [s.name, i])),
            extensions: {
              [EXTENSION]: {
                kernel: 'ellipse',
                colorSpace: 'srgb_rec709_display',
                projection: 'perspective',
                sortingMethod: 'cameraDistance',
              },
            },
          },
        ],
      },
    ],
    buffers: [{ byteLength: binLength }],
    bufferViews: segments.map((s, i) => ({
      buffer: 0,
      byteOffset: offsets[i],
      byteLength: s.data.byteLength,
      target: ARRAY_BUFFER,
    })),
    accessors: segments.map((s, i) => ({
      bufferView: i,
      componentType: s.componentType,
      count: n,
      type: s.type,
      ...(s.normalized ? { normalized: true } : {}),
      ...(s.min ? { min: s.min, max: s.max } : {}),
    })),
  };
  const json = new TextEncoder().encode(JSON.stringify(gltf));
  const jsonLength = align4(json.length);
  const total = GLB_HEADER_BYTES + GLB_CHUNK_HEADER_BYTES * 2 + jsonLength + binLength;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, GLB_MAGIC, true);
  view.setUint32(4, GLB_VERSION, true);
  view.setUint32(8, total, true);
  let at = GLB_HEADER_BYTES;
  view.setUint32(at, jsonLength, true);
  view.setUint32(at + 4, GLB_CHUNK_JSON, true);
  at += GLB_CHUNK_HEADER_BYTES;
  out.set(json, at);
  out.fill(0x20, at + json.length, at + jsonLength); // the JSON chunk is padded with spaces
  at += jsonLength;
  view.setUint32(at, binLength, true);
  view.setUint32(at + 4, GLB_CHUNK_BIN, true);
  at += GLB_CHUNK_HEADER_BYTES;
  segments.forEach((s, i) => {
    const bytes = new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength);
    out.set(bytes, at + offsets[i]);
  });
  return out;
}

export async function writeGlb(target: string | OutputTarget, scene: GaussianScene): Promise<void> {
  const path = typeof target === 'string' ? target : target.shown;
  await writeFileAtomic(target, encodeGlb(path, scene));
}
