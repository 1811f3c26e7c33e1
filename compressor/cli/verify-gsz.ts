// A written .gsz must decode with the project's own decoder before it replaces anything: used as the
// `verify` step of writeFileAtomic by every command that writes one.
import { decodeGsz } from '../../shared/format/gsz-decoder.ts';
import { CliError } from './command.ts';

export function verifyGsz(output: string): (written: Uint8Array) => void {
  return (written) => {
    try {
      decodeGsz(written);
    } catch (error) {
      throw new CliError(
        `${output}: the encoded file does not decode (${(error as Error).message}); nothing written`,
      );
    }
  };
}
