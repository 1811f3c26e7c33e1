// The output side `convert` and `export` share: the format from -o's extension, `--spz-version`, and the
// writers' refusals (SceneWriteError) turned into one-line CLI failures.
import { resolve } from 'node:path';
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { SceneWriteError } from '../io/write-error.ts';
import { OUTPUT_FORMATS, outputFormatOf, writeScene } from '../io/write-scene.ts';
import { SPZ_VERSIONS, type SpzVersion } from '../io/write-spz.ts';
import { CliError, EXIT } from './command.ts';

export const OUTPUT_HELP = `Output format from -o's extension: ${OUTPUT_FORMATS}.
      --spz-version N   SPZ version to write: 4 (default; zstd streams) or 3 (gzip, for older readers)`;

/** `--spz-version` (3 or 4), or undefined when absent; a usage error otherwise. */
export function spzVersionOption(raw: string | boolean | undefined): SpzVersion | undefined {
  if (raw === undefined) return undefined;
  const version = Number(raw) as SpzVersion;
  if (!SPZ_VERSIONS.includes(version))
    throw new CliError(`--spz-version expects 3 or 4, got '${String(raw)}'`, EXIT.usage);
  return version;
}

/** Usage error unless -o names a format we write (checked before any input is read). */
export function checkOutputFormat(output: string, help: string): void {
  if (!outputFormatOf(output))
    throw new CliError(`cannot write '${output}': -o must end in ${OUTPUT_FORMATS}\n\n${help}`, EXIT.usage);
}

export async function writeOutputScene(
  output: string,
  scene: GaussianScene,
  spzVersion: SpzVersion | undefined,
): Promise<void> {
  try {
    await writeScene(resolve(output), scene, { spzVersion });
  } catch (error) {
    if (error instanceof SceneWriteError) throw new CliError(`${output}: ${error.problem}`);
    throw error;
  }
}
