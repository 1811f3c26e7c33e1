// The fast column decoders, one file per column family (conventions and shared checks: column-stream.ts).
// gsz-decoder.ts decodes chunks through them; column-decoder.test.ts checks each against the generic
// schemes of gsz-codec.ts.
export { decodeColours } from './colour-column.ts';
export { decodePositionKeys } from './position-column.ts';
export { decodeRotations } from './rotation-column.ts';
export { decodeOpacityCodes, decodeTriples } from './scale-opacity-columns.ts';
export {
  decodeCodebookHalves,
  decodeIndices,
  decodeResidualCodes,
  ResidualCodeReader,
} from './sh-columns.ts';
export { checkConsumed } from './column-stream.ts';
