// Rows of a scene held in parts (gpu-scene.ts: consecutive Gaussians per part, each part its own packed
// buffers): whole-scene packed data split into parts and joined back (snapshots), and the GPU gather
// that re-packs per-part buffers (optimizer moments) after an edit moved rows between parts.
import { createStorage } from '../gpu-buffers.ts';
import { KEEP_ROW, NEW_ROW } from '../new-row.ts';
import { encodeGatherPacked, type PackedLayout } from '../packed-adam.ts';

/** One part's packed buffer: rows [first, first + layout.count) of the scene. */
export interface PackedPart {
  first: number;
  layout: PackedLayout;
  buffer: GPUBuffer;
}

/** Copies every section's rows [first, first + part.count) of whole-scene `data` into `part`'s layout. */
export function splitPacked(
  whole: PackedLayout,
  data: Float32Array,
  part: PackedLayout,
  first: number,
): Float32Array {
  const out = new Float32Array(part.length);
  for (const section of part.sections) {
    const from = whole.sections.find((s) => s.name === section.name)!;
    const start = from.offset + first * section.columns;
    out.set(data.subarray(start, start + part.count * section.columns), section.offset);
  }
  return out;
}

/** The inverse of splitPacked: whole-scene packed data of `whole` from every part's data. */
export function joinPacked(
  whole: PackedLayout,
  parts: readonly { first: number; layout: PackedLayout; data: Float32Array }[],
): Float32Array {
  const out = new Float32Array(whole.length);
  for (const part of parts) {
    for (const section of part.layout.sections) {
      const to = whole.sections.find((s) => s.name === section.name)!;
      const rows = part.data.subarray(section.offset, section.offset + part.layout.count * section.columns);
      out.set(rows, to.offset + part.first * section.columns);
    }
  }
  return out;
}

/**
 * Encodes the gather of `dst`'s rows from the parts `sources` (the scene before an edit): dst row r takes
 * old scene row sourceIndex[dst.first + r] from whichever part holds it; NEW_ROW rows keep dst's zeros.
 * `dst.buffer` must be freshly zeroed. Index buffers are pushed to `temporaries` (destroy after submit).
 */
export function encodeGatherFromParts(
  device: GPUDevice,
  encoder: GPUCommandEncoder,
  sources: readonly PackedPart[],
  dst: PackedPart,
  sourceIndex: Uint32Array,
  temporaries: GPUBuffer[],
  label: string,
): void {
  const rows = dst.layout.count;
  for (const src of sources) {
    const end = src.first + src.layout.count;
    const index = new Uint32Array(rows);
    let hits = 0;
    for (let r = 0; r < rows; r++) {
      const s = sourceIndex[dst.first + r];
      const inside = s !== NEW_ROW && s >= src.first && s < end;
      index[r] = inside ? s - src.first : KEEP_ROW;
      if (inside) hits++;
    }
    if (hits === 0) continue;
    const indexBuffer = createStorage(device, index, `${label}.index`);
    temporaries.push(indexBuffer);
    encodeGatherPacked(
      device,
      encoder,
      src.buffer,
      src.layout,
      dst.layout,
      indexBuffer,
      temporaries,
      label,
      dst.buffer,
    );
  }
}
