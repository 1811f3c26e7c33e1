// `gs-compress convert`: reads any supported scene file (INRIA PLY, PlayCanvas compressed PLY, SPZ, .splat, .gsz,
// SOG, glTF) and writes it as PLY, SPZ, .splat or glTF (.glb), by -o's extension, optionally dropping SH
// bands. Outputs are written to a temporary file and renamed, so a failure leaves no partial output; a
// format that cannot hold the scene is refused before anything is written.
import { resolve } from 'node:path';
import { capShDegree, type GaussianScene } from '../../../shared/scene/gaussian-scene.ts';
import { readScene, SUPPORTED_FORMATS } from '../../io/read-scene.ts';
import { SceneReadError } from '../../io/scene-read-error.ts';
import type { CliCommand } from '../command.ts';
import { parseCommandArgs, shDegreeOption } from '../args.ts';
import { CliError, EXIT } from '../command.ts';
import {
  checkSceneOutput,
  OUTPUT_HELP,
  SCENE_OUTPUT_OPTIONS,
  spzVersionOption,
  writeOutputScene,
} from '../scene-output.ts';

const HELP = `Usage: gs-compress convert INPUT -o OUTPUT [options]

Reads a Gaussian scene in any supported format and writes it in the format -o's extension names; a .ply is
INRIA-layout binary (x y z nx ny nz f_dc_0..2 f_rest_* opacity scale_0..2 rot_0..3, float32).
Inputs: ${SUPPORTED_FORMATS}.
Scenes are kept in PLY axes: SPZ (RUB) and glTF (+Y up) are converted on the way in and out.

Options:
  -o, --output FILE     the file to write (replaced atomically)
      --sh-degree N     keep SH bands up to N (0-3; default: all the input has)
${OUTPUT_HELP}
  -h, --help

Examples:
  gs-compress convert scene.spz -o scene.ply
  gs-compress convert scene.compressed.ply -o scene.ply --sh-degree 0
  gs-compress convert bundle.sog -o scene.ply
  gs-compress convert scene.ply -o scene.spz --spz-version 3
  gs-compress convert scene.ply -o scene.glb
  gs-compress convert lod-folder/lod-meta.json -o scene.splat --sh-degree 0`;

export const command: CliCommand = {
  name: 'convert',
  summary:
    'Convert between PLY / compressed PLY / SPZ / .splat / SOG / glTF / .gsz (writes PLY, SPZ, .splat, .glb)',
  async run(args: string[]): Promise<number> {
    const parsed = parseCommandArgs(args, SCENE_OUTPUT_OPTIONS, HELP, {
      positional: 'INPUT',
      output: 'OUTPUT',
    });
    if (!parsed) return EXIT.ok;
    const { values, positionals, output } = parsed;
    const degree = shDegreeOption(values['sh-degree']);
    const spzVersion = spzVersionOption(values['spz-version']);
    const target = await checkSceneOutput(output, 'convert');
    const started = performance.now();
    let scene: GaussianScene;
    try {
      scene = await readScene(resolve(positionals[0]));
    } catch (error) {
      if (error instanceof SceneReadError) throw new CliError(error.message);
      throw error;
    }
    if (degree !== undefined) scene = capShDegree(scene, degree);
    await writeOutputScene(target, scene, spzVersion);
    console.log(
      `${output}: ${scene.count} Gaussians, SH degree ${scene.shDegree} (${((performance.now() - started) / 1000).toFixed(2)} s)`,
    );
    return EXIT.ok;
  },
};
