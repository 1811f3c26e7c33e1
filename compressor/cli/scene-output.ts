// The output side `convert` and `export` share: the format from -o's extension, `--spz-version`, and the
// writers' refusals (SceneWriteError) turned into one-line CLI failures.
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { SceneWriteError } from '../io/write-error.ts';
import { OUTPUT_FORMATS, writeScene } from '../io/write-scene.ts';
import { SPZ_VERSIONS, type SpzVersion } from '../io/write-spz.ts';
import { CliError, EXIT } from './command.ts';
import { checkOutput, type OutputTarget } from './write-atomic.ts';

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

/** The options `convert` and `export` share (their parseArgs declarations). */
export const SCENE_OUTPUT_OPTIONS = {
  output: { type: 'string', short: 'o' },
  'sh-degree': { type: 'string' },
  'spz-version': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The extensions `convert` and `export` write (the format follows -o's extension). */
export const OUTPUT_EXTENSIONS = ['.ply', '.spz', '.splat', '.glb'];

/** Checks -o before any input is read: a format we write, a writable place (see write-atomic.ts). */
export function checkSceneOutput(output: string, command: string): Promise<OutputTarget> {
  return checkOutput(output, OUTPUT_EXTENSIONS, command, '`gs-compress pack` writes .gsz');
}

export async function writeOutputScene(
  target: OutputTarget,
  scene: GaussianScene,
  spzVersion: SpzVersion | undefined,
): Promise<void> {
  try {
    await writeScene(target, scene, { spzVersion });
  } catch (error) {
    if (error instanceof SceneWriteError) throw new CliError(`${target.shown}: ${error.problem}`);
    throw error;
  }
}
