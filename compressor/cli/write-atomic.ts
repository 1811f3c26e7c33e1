// The CLI's side of compressor/io/atomic-write.ts: the same checks and atomic writes, with OutputErrors
// turned into CliErrors (exit 1; exit 2 for a wrong output name).
import {
  checkOutput as checkOutputIo,
  OutputError,
  writeFileAtomic as writeFileAtomicIo,
  type OutputTarget,
  type WriteOptions,
} from '../io/atomic-write.ts';
import { CliError, EXIT } from './command.ts';

export type { OutputTarget } from '../io/atomic-write.ts';

async function asCliError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof OutputError)
      throw new CliError(error.message, error.usage ? EXIT.usage : EXIT.failure);
    throw error;
  }
}

/** Checks an output before any work (see atomic-write.ts); `extensions` are the ones the command writes. */
export function checkOutput(
  path: string,
  extensions?: string[],
  what?: string,
  hint?: string,
): Promise<OutputTarget> {
  return asCliError(() => checkOutputIo(path, extensions, what, hint));
}

export function writeFileAtomic(
  path: string | OutputTarget,
  data: Uint8Array | string,
  options: WriteOptions = {},
): Promise<void> {
  return asCliError(() => writeFileAtomicIo(path, data, options));
}
