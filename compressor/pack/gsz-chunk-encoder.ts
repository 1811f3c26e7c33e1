// One .gsz chunk: its Gaussians' quantized codes in Morton order, each column range-coded on its own
// (schemes in shared/format/gsz-codec.ts, the ones the decoder runs too).
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import {
  codeColours,
  codeOpacity,
  codePositions,
  codeResiduals,
  codeRotations,
  codeSingles,
  codeTriples,
  morton48,
  newChunkCodes,
  RESIDUAL_MAX,
} from '../../shared/format/gsz-codec.ts';
import {
  columnRawBytes,
  GSZ_LIMITS,
  indexBits,
  maxInflated,
  type GszQuantization,
} from '../../shared/format/gsz-layout.ts';
import { toBasis, type ColourBasis } from '../../shared/format/colour-basis.ts';
import { encodeOpacity } from '../../shared/format/quantize.ts';
import { RangeEncoder } from '../../shared/format/range-coder.ts';
import { closestAxisTurn } from './axis-turn.ts';
import { gridCode, rotationCode } from './gsz-grids.ts';

/**
 * Pads a range-coded stream with zero bytes so its nominal raw size stays within the decoder's expansion
 * limit (only degenerate data, e.g. all-identical Gaussians, compresses that well). The decoder never reads
 * past the coded bytes, so the padding is inert.
 */
export function padTo(stored: Uint8Array, rawBytes: number): Uint8Array {
  if (maxInflated(stored.length) >= rawBytes) return stored;
  const need = Math.ceil((rawBytes - GSZ_LIMITS.expansionSlack) / GSZ_LIMITS.expansion);
  const out = new Uint8Array(need);
  out.set(stored);
  return out;
}

/** The SH-rest codebook as the chunks code it. */
export interface ChunkCodebook {
  labels: Uint32Array;
  k: number;
  halves: Uint16Array;
  /** Centroids as the decoder reads them. */
  decoded: Float32Array;
  dims: number;
  residualStep: number | undefined;
  residualRounding: number;
  basis: ColourBasis;
}

export function encodeChunk(
  scene: GaussianScene,
  ids: Uint32Array,
  quant: GszQuantization,
  codebook: ChunkCodebook | undefined,
  chunkIndex: number,
): { bytes: Uint8Array; count: number; level: number; bounds: number[]; columnLengths: number[] } {
  const n = ids.length;
  // Quantized positions and their 48-bit Morton keys; the chunk is stored in ascending key order.
  const { origin, step, bits } = quant.position;
  const qp = new Uint16Array(n * 3);
  const lo = [65535, 65535, 65535];
  const hi = [0, 0, 0];
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      const top = 2 ** bits[a] - 1;
      let q = Math.round((scene.positions[ids[i] * 3 + a] - origin[a]) / step[a]);
      q = q < 0 ? 0 : Math.min(q, top);
      qp[i * 3 + a] = q;
      if (q < lo[a]) lo[a] = q;
      if (q > hi[a]) hi[a] = q;
    }
    keys[i] = morton48(qp[i * 3], qp[i * 3 + 1], qp[i * 3 + 2]);
  }
  const local = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);

  const codes = newChunkCodes(n);
  const q4 = new Float64Array(4);
  const s3 = new Float64Array(3);
  const { logScale, shDC } = quant;
  const rb = quant.rotation.bits;
  const rl = quant.rotation.levels;
  for (let i = 0; i < n; i++) {
    const l = local[i];
    const g = ids[l];
    codes.keys[i] = keys[l];
    const r = scene.rotations;
    const ls = scene.logScales;
    closestAxisTurn(
      ls[g * 3],
      ls[g * 3 + 1],
      ls[g * 3 + 2],
      r[g * 4],
      r[g * 4 + 1],
      r[g * 4 + 2],
      r[g * 4 + 3],
      s3,
      q4,
    );
    for (let a = 0; a < 3; a++) {
      codes.logScale[i * 3 + a] = gridCode(s3[a], logScale);
      codes.shDC[i * 3 + a] = gridCode(scene.shDC[g * 3 + a], shDC);
    }
    for (let a = 0; a < 3; a++) codes.rotation[i * 3 + a] = rotationCode(q4[a + 1], rl);
    codes.opacity[i] = encodeOpacity(scene.opacityLogits[g], quant.opacity.bits);
    if (codebook) codes.shIndex[i] = codebook.labels[g];
  }
  if (codebook?.residualStep) {
    const { dims, decoded, residualStep, residualRounding, basis } = codebook;
    codes.shResidual = new Uint16Array(n * dims);
    const y = new Float64Array(dims);
    for (let i = 0; i < n; i++) {
      const g = ids[local[i]];
      const c = codes.shIndex[i] * dims;
      const at = g * dims;
      for (let d = 0; d < dims; d += 3) {
        toBasis(
          basis,
          scene.shRest[at + d] - decoded[c + d],
          scene.shRest[at + d + 1] - decoded[c + d + 1],
          scene.shRest[at + d + 2] - decoded[c + d + 2],
          y,
          d,
        );
      }
      for (let d = 0; d < dims; d++) {
        const x = y[d] / residualStep;
        const r = x >= 0 ? Math.floor(x + residualRounding) : -Math.floor(-x + residualRounding);
        const z = r >= 0 ? 2 * r : -2 * r - 1;
        // Beyond the largest code: the largest of the same sign (zigzag parity); never reached by real SH.
        codes.shResidual[i * dims + d] = !Number.isFinite(z)
          ? 0
          : z <= RESIDUAL_MAX
            ? z
            : RESIDUAL_MAX - ((z - RESIDUAL_MAX) & 1);
      }
    }
  }
  const raw = columnRawBytesFor(quant, codebook, n);
  const frames: Uint8Array[] = [];
  const column = (k: number, scheme: (c: RangeEncoder) => void): void => {
    const enc = new RangeEncoder();
    scheme(enc);
    frames.push(padTo(enc.finish(), raw[k]));
  };
  column(0, (c) => codePositions(c, codes, 'position'));
  column(1, (c) => codeTriples(c, codes.logScale, n, logScale.bits, 'logScale', 'log-scale'));
  column(2, (c) => codeRotations(c, codes.rotation, n, rb, rl));
  column(3, (c) => codeOpacity(c, codes, quant.opacity.bits, logScale.bits));
  column(4, (c) => codeColours(c, codes.shDC, n, shDC.bits, 'shDC'));
  if (codebook) column(5, (c) => codeSingles(c, codes.shIndex, n, indexBits(codebook.k), false));
  if (codebook?.residualStep) column(6, (c) => codeResiduals(c, codes.shResidual, n, codebook.dims));
  const total = frames.reduce((s, f) => s + f.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const f of frames) {
    bytes.set(f, at);
    at += f.length;
  }
  // Bounds of the decoded (dequantized) positions: exactly what a reader of this chunk will see.
  const bounds = [0, 1, 2]
    .map((a) => origin[a] + lo[a] * step[a])
    .concat([0, 1, 2].map((a) => origin[a] + hi[a] * step[a]));
  if (n === 0) bounds.fill(0);
  return { bytes, count: n, level: chunkIndex, bounds, columnLengths: frames.map((f) => f.length) };
}

function columnRawBytesFor(quant: GszQuantization, codebook: ChunkCodebook | undefined, n: number): number[] {
  return columnRawBytes(
    {
      quant,
      shDegree: codebook ? 1 : 0,
      codebook: codebook
        ? { offset: 0, length: 0, crc: 0, centroids: codebook.k, dims: codebook.dims }
        : null,
    },
    n,
  );
}
