// Checks that a .gsz header the format decoder accepted can also be drawn: the element frames the
// scene from the header's bounds and orients it by its up axis, so a zero up axis, or bounds that miss
// the Gaussians (or dwarf them), would give an empty picture with no error. Failures are
// GszFormatError 'corrupt' (inconsistent fields), like the decoder's own consistency checks. Also caps
// each section's stored length by what its Gaussians can need: the streaming reader buffers a whole
// section before decoding it, so a header announcing a 2 GiB chunk (fed by a gzip bomb, say) would
// otherwise fill the Worker's memory ('limit').
import { GszFormatError, type GszHeader } from '../../../shared/format/gsz-decoder.ts';
import { columnRawBytes } from '../../../shared/format/gsz-layout.ts';

/** Shortest accepted up vector (writers store a unit vector). */
const MIN_UP_LENGTH = 1e-3;
/** Header bounds may exceed the chunks' bounds by at most this factor of their diagonal: beyond it the
 *  scene would be framed as a speck. */
const MAX_BOUNDS_RATIO = 100;
/** A section may store at most this many times its raw (uncompressed) bytes, plus SECTION_SLACK bytes:
 *  the range coder's worst case is a few per cent above raw. */
const MAX_STORED_RATIO = 4;
const SECTION_SLACK = 4096;

function checkSectionLengths(header: GszHeader): void {
  const cap = (raw: number) => MAX_STORED_RATIO * raw + SECTION_SLACK;
  for (const [i, chunk] of header.chunks.entries()) {
    const raw = columnRawBytes(header, chunk.count).reduce((sum, n) => sum + n, 0);
    if (chunk.length > cap(raw)) {
      throw new GszFormatError(
        'limit',
        `chunk ${i} stores ${chunk.count} Gaussians in ${chunk.length} bytes (at most ${cap(raw)})`,
      );
    }
  }
  const codebook = header.codebook;
  if (codebook && codebook.length > cap(codebook.centroids * codebook.dims * 2)) {
    throw new GszFormatError(
      'limit',
      `SH codebook of ${codebook.centroids} centroids in ${codebook.length} bytes (at most ${cap(codebook.centroids * codebook.dims * 2)})`,
    );
  }
}

export function checkDrawable(header: GszHeader): void {
  checkSectionLengths(header);
  const [ux, uy, uz] = header.up;
  if (Math.hypot(ux, uy, uz) < MIN_UP_LENGTH)
    throw new GszFormatError('corrupt', `up axis [${header.up.join(', ')}] has (almost) zero length`);
  const { min, max } = header.bounds;
  for (let a = 0; a < 3; a++) {
    if (!(min[a] <= max[a]))
      throw new GszFormatError('corrupt', `bounds: min[${a}] = ${min[a]} exceeds max[${a}] = ${max[a]}`);
  }
  if (header.chunks.length === 0) return;
  // Chunk bounds are of the dequantized positions: allow one grid step (and float rounding) outside.
  const step = header.quant.position.step;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (const [i, chunk] of header.chunks.entries()) {
    for (let a = 0; a < 3; a++) {
      const slack = step[a] + 1e-6 * Math.max(1, Math.abs(min[a]), Math.abs(max[a]));
      if (chunk.bounds.min[a] < min[a] - slack || chunk.bounds.max[a] > max[a] + slack) {
        throw new GszFormatError(
          'corrupt',
          `chunk ${i} bounds [${chunk.bounds.min[a]}, ${chunk.bounds.max[a]}] on axis ${a} lie outside the scene bounds [${min[a]}, ${max[a]}]`,
        );
      }
      lo[a] = Math.min(lo[a], chunk.bounds.min[a]);
      hi[a] = Math.max(hi[a], chunk.bounds.max[a]);
    }
  }
  const diagonal = (a: ArrayLike<number>, b: ArrayLike<number>) =>
    Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
  const chunksDiagonal = Math.max(diagonal(lo, hi), Math.hypot(step[0], step[1], step[2]));
  if (diagonal(min, max) > MAX_BOUNDS_RATIO * chunksDiagonal) {
    throw new GszFormatError(
      'corrupt',
      `scene bounds (diagonal ${diagonal(min, max).toPrecision(3)}) are over ${MAX_BOUNDS_RATIO}x those of its Gaussians (${chunksDiagonal.toPrecision(3)})`,
    );
  }
}
