// Writes a GaussianScene as an INRIA-layout binary little-endian PLY (the property order the reference
// 3DGS code writes: x y z nx ny nz f_dc_0..2 f_rest_* opacity scale_0..2 rot_0..3, all float32, normals 0).
// Rows are streamed through a fixed buffer into a temporary file that is renamed into place (atomic-write.ts:
// symlinks followed, devices refused, mode kept), so a failure never leaves a partial file at `path` and
// memory stays at the scene plus a few MiB.
import { shRestCount, type GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { type OutputTarget, writeAtomic } from './atomic-write.ts';

const CHUNK_BYTES = 4 << 20;

/** The INRIA property names in file order for an SH degree. */
export function inriaPropertyNames(restPerChannel: number): string[] {
  return [
    'x',
    'y',
    'z',
    'nx',
    'ny',
    'nz',
    'f_dc_0',
    'f_dc_1',
    'f_dc_2',
    ...Array.from({ length: restPerChannel * 3 }, (_, i) => `f_rest_${i}`),
    'opacity',
    'scale_0',
    'scale_1',
    'scale_2',
    'rot_0',
    'rot_1',
    'rot_2',
    'rot_3',
  ];
}

export function plyHeaderText(scene: GaussianScene): string {
  const names = inriaPropertyNames(shRestCount(scene.shDegree));
  return [
    'ply',
    'format binary_little_endian 1.0',
    `element vertex ${scene.count}`,
    ...names.map((n) => `property float ${n}`),
    'end_header',
    '',
  ].join('\n');
}

export function writePly(path: string | OutputTarget, scene: GaussianScene): Promise<void> {
  return writeAtomic(path, async (handle) => {
    await handle.write(Buffer.from(plyHeaderText(scene), 'latin1'));
    const k = shRestCount(scene.shDegree);
    const floatsPerRow = 17 + 3 * k;
    const rowsPerChunk = Math.max(1, Math.floor(CHUNK_BYTES / (floatsPerRow * 4)));
    const rowBuffer = new Float32Array(rowsPerChunk * floatsPerRow);
    const bytes = new Uint8Array(rowBuffer.buffer);
    const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    const { positions, shDC, shRest, opacityLogits, logScales, rotations } = scene;
    for (let first = 0; first < scene.count; first += rowsPerChunk) {
      const rows = Math.min(rowsPerChunk, scene.count - first);
      let o = 0;
      for (let i = first; i < first + rows; i++) {
        rowBuffer[o++] = positions[i * 3];
        rowBuffer[o++] = positions[i * 3 + 1];
        rowBuffer[o++] = positions[i * 3 + 2];
        rowBuffer[o++] = 0;
        rowBuffer[o++] = 0;
        rowBuffer[o++] = 0;
        rowBuffer[o++] = shDC[i * 3];
        rowBuffer[o++] = shDC[i * 3 + 1];
        rowBuffer[o++] = shDC[i * 3 + 2];
        // Scene SH is coefficient-major RGB-interleaved; the PLY is channel-major f_rest_[c*K + k].
        const base = i * k * 3;
        for (let c = 0; c < 3; c++) for (let j = 0; j < k; j++) rowBuffer[o++] = shRest[base + j * 3 + c];
        rowBuffer[o++] = opacityLogits[i];
        rowBuffer[o++] = logScales[i * 3];
        rowBuffer[o++] = logScales[i * 3 + 1];
        rowBuffer[o++] = logScales[i * 3 + 2];
        rowBuffer[o++] = rotations[i * 4];
        rowBuffer[o++] = rotations[i * 4 + 1];
        rowBuffer[o++] = rotations[i * 4 + 2];
        rowBuffer[o++] = rotations[i * 4 + 3];
      }
      const chunk = bytes.subarray(0, o * 4);
      if (!littleEndianHost) swapBytes32(chunk);
      await handle.write(chunk);
    }
  });
}

/** PLY is declared little-endian; on a big-endian host the float bytes are reversed in place. */
function swapBytes32(bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 4) {
    const a = bytes[i],
      b = bytes[i + 1];
    bytes[i] = bytes[i + 3];
    bytes[i + 1] = bytes[i + 2];
    bytes[i + 2] = b;
    bytes[i + 3] = a;
  }
}
