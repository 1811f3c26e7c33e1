// The one error type the .gsz decoder throws: every malformed, truncated or hostile input ends here
// with a machine-readable code, so callers (CLI, viewer Worker) can report it without guessing.

export type GszErrorCode =
  | 'bad-magic' // not a .gsz file
  | 'unsupported-version' // a newer (or unknown) format version
  | 'truncated' // fewer bytes than the preamble/header/chunk table says
  | 'corrupt' // checksum mismatch, inconsistent fields, undecodable column stream
  | 'limit' // a count or size beyond the documented limits (checked before allocating)
  | 'missing-codebook'; // a chunk needs the SH codebook and none was given

export class GszFormatError extends Error {
  override name = 'GszFormatError';
  constructor(
    readonly code: GszErrorCode,
    message: string,
  ) {
    super(`.gsz ${code}: ${message}`);
  }
}
