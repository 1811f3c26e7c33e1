// One chunk of a .gsz file -> Gaussians: its range-coded columns through the column decoders
// (column-decoder.ts), then dequantized (gsz-dequantize.ts) into a scene from a given Gaussian on. A chunk
// decodes in independent parts (one group of columns each), which the parallel decoders share out.
import { createScene, type GaussianScene } from '../scene/gaussian-scene.ts';
import { RGB_BASIS } from './colour-basis.ts';
import {
  decodeColours,
  decodeIndices,
  decodeOpacityCodes,
  decodePositionKeys,
  decodeRotations,
  decodeTriples,
  ResidualCodeReader,
} from './column-decoder.ts';
import {
  dequantLinear,
  dequantPositions,
  dequantRotations,
  dequantShRest,
  opacityTable,
  residualValues,
} from './gsz-dequantize.ts';
import { GszFormatError } from './gsz-error.ts';
import { type GszChunkInfo, type GszCodebookInfo, type GszHeader, indexBits } from './gsz-layout.ts';
import { checkSection } from './gsz-sections.ts';

/**
 * Decodes chunk `index` given exactly its bytes (file.subarray(chunk.offset, chunk.offset + chunk.length)).
 * With SH degree > 0 the codebook (decodeGszCodebook) is needed for the full scene; without one the chunk
 * decodes as a DC-only scene (shDegree 0), which is what a first picture before the codebook shows.
 */
export function decodeGszChunk(
  header: GszHeader,
  index: number,
  bytes: Uint8Array,
  codebook?: Float32Array,
): GaussianScene {
  const chunk = header.chunks[index];
  if (!chunk) throw new GszFormatError('corrupt', `no chunk ${index} (the file has ${header.chunks.length})`);
  const degree = codebook ? header.shDegree : 0;
  const scene = createScene(chunk.count, degree, header.antialiased);
  decodeGszChunkInto(header, index, bytes, codebook, scene, 0);
  return scene;
}

/**
 * Decodes chunk `index` (exactly its bytes) into `out` from Gaussian `at` on: what decodeGsz does per chunk,
 * exported so parallel decoders (each worker writing its chunks into shared columns) give identical output.
 */
export function decodeGszChunkInto(
  header: GszHeader,
  index: number,
  bytes: Uint8Array,
  codebook: Float32Array | undefined,
  out: GaussianScene,
  at: number,
): void {
  for (let part = 0; part < GSZ_CHUNK_PARTS; part++)
    decodeGszChunkPart(header, index, bytes, codebook, out, at, part);
}

/**
 * A chunk's decode in independent parts: each reads its own columns (range-coded separately) and writes its
 * own output columns, so threads can share one large chunk. 0: checksum and positions; 1: log-scales and
 * opacities (coded in the context of the log-scales); 2: rotations; 3: SH DC; 4: SH rest.
 */
export const GSZ_CHUNK_PARTS = 5;

/**
 * Part `part` of decodeGszChunkInto. Only part 0 verifies the chunk's checksum: a caller that runs the
 * parts apart must let part 0 finish before trusting the others (the others still fail safely on
 * damaged bytes, with a GszFormatError, or decode in-range garbage).
 */
export function decodeGszChunkPart(
  header: GszHeader,
  index: number,
  bytes: Uint8Array,
  codebook: Float32Array | undefined,
  out: GaussianScene,
  at: number,
  part: number,
): void {
  const chunk = header.chunks[index];
  const what = `chunk ${index}`;
  if (part === 0) checkSection(bytes, chunk.length, chunk.crc, what);
  else if (bytes.length !== chunk.length)
    throw new GszFormatError('truncated', `${what}: got ${bytes.length} bytes, expected ${chunk.length}`);
  const n = chunk.count;
  const q = header.quant;
  const column = (k: number): Uint8Array => {
    let offset = 0;
    for (let c = 0; c < k; c++) offset += chunk.columnLengths[c];
    return bytes.subarray(offset, offset + chunk.columnLengths[k]);
  };
  switch (part) {
    case 0: {
      const keys = new Float64Array(n);
      decodePositionKeys(column(0), keys, n, `${what} position`);
      dequantPositions(keys, n, q.position.origin, q.position.step, out.positions, at * 3);
      break;
    }
    case 1: {
      const logScale = new Uint16Array(n * 3);
      const opacity = new Uint16Array(n);
      decodeTriples(column(1), logScale, n, q.logScale.bits, `${what} logScale`, 'log-scale');
      decodeOpacityCodes(column(3), opacity, logScale, n, q.opacity.bits, q.logScale.bits, `${what} opacity`);
      dequantLinear(logScale, 3 * n, q.logScale.min, q.logScale.step, out.logScales, at * 3);
      const ot = opacityTable(q.opacity.bits);
      const op = out.opacityLogits;
      for (let i = 0; i < n; i++) op[at + i] = ot[opacity[i]];
      break;
    }
    case 2: {
      const rotation = new Uint16Array(n * 3);
      decodeRotations(column(2), rotation, n, q.rotation.bits, q.rotation.levels, `${what} rotation`);
      dequantRotations(rotation, n, q.rotation.levels, out.rotations, at * 4);
      break;
    }
    case 3: {
      const shDC = new Uint16Array(n * 3);
      decodeColours(column(4), shDC, n, q.shDC.bits, `${what} shDC`);
      dequantLinear(shDC, 3 * n, q.shDC.min, q.shDC.step, out.shDC, at * 3);
      break;
    }
    case 4:
      if (out.shDegree > 0 && codebook !== undefined && header.codebook !== null)
        decodeShRest(header, chunk, what, column, codebook, header.codebook, out.shRest, at);
      break;
    default:
      throw new RangeError(`no chunk part ${part} (parts 0..${GSZ_CHUNK_PARTS - 1})`);
  }
}

/** Gaussians per block of SH-rest residual codes (24 dims: 48 KiB of codes). */
const SH_BLOCK = 1024;
const EMPTY = new Float64Array(0);

/** SH rest: each Gaussian's codebook centroid plus its residual (v4: in the header's colour basis). */
function decodeShRest(
  header: GszHeader,
  chunk: GszChunkInfo,
  what: string,
  column: (k: number) => Uint8Array,
  codebook: Float32Array,
  info: GszCodebookInfo,
  rest: Float32Array,
  at: number,
): void {
  const { centroids, dims } = info;
  if (codebook.length !== centroids * dims) {
    throw new GszFormatError(
      'corrupt',
      `codebook has ${codebook.length} floats, header says ${centroids * dims}`,
    );
  }
  const n = chunk.count;
  const q = header.quant;
  const index = new Uint16Array(n);
  decodeIndices(column(5), index, n, indexBits(centroids), `${what} shIndex`);
  for (let i = 0; i < n; i++) {
    if (index[i] >= centroids)
      throw new GszFormatError('corrupt', `${what}: SH index ${index[i]} >= ${centroids} centroids`);
  }
  const basis = q.shResidual?.basis ?? RGB_BASIS;
  if (!q.shResidual) {
    dequantShRest(index, null, n, dims, codebook, EMPTY, basis, rest, at);
    return;
  }
  // Residual codes a block at a time, dequantized while they are in cache.
  const residual = residualValues(q.shResidual.step);
  const reader = new ResidualCodeReader(column(6), dims, `${what} shResidual`);
  const z = new Uint16Array(Math.min(n, SH_BLOCK) * dims);
  for (let i = 0; i < n; i += SH_BLOCK) {
    const m = Math.min(SH_BLOCK, n - i);
    reader.read(z, m);
    dequantShRest(index.subarray(i, i + m), z, m, dims, codebook, residual, basis, rest, at + i);
  }
  reader.finish();
}
