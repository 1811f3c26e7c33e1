// Section checks shared by the chunk and codebook decoders and checkGszSections: a section's bytes must be
// exactly as long as the header says, lie inside the file, and match their CRC-32.
import { crc32 } from './crc32.ts';
import { GszFormatError } from './gsz-error.ts';

export function checkSection(bytes: Uint8Array, length: number, crc: number, what: string): void {
  if (bytes.length !== length)
    throw new GszFormatError('truncated', `${what}: got ${bytes.length} bytes, expected ${length}`);
  if (crc32(bytes) !== crc) throw new GszFormatError('corrupt', `${what}: checksum mismatch`);
}

export function checkSectionEnd(bytes: Uint8Array, offset: number, length: number, what: string): void {
  if (offset + length > bytes.length)
    throw new GszFormatError(
      'truncated',
      `${what} ends at byte ${offset + length}, the file has ${bytes.length}`,
    );
}
