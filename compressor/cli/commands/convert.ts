// `gs-compress convert`: reads any supported scene file (INRIA PLY, PlayCanvas compressed PLY, SPZ, .splat, .gsz,
// SOG) and writes it as an INRIA-layout float PLY, optionally dropping SH bands. The PLY is written to a
// temporary file and renamed, so a failure leaves no partial output.
import { resolve } from 'node:path';
import { capShDegree } from '../../../shared/scene/gaussian-scene.ts';
import { readScene, SUPPORTED_FORMATS } from '../../io/read-scene.ts';
import { SceneReadError } from '../../io/scene-read-error.ts';
import { writePly } from '../../io/write-ply.ts';
import type { CliCommand } from '../command.ts';
import { parseCommandArgs, shDegreeOption } from '../args.ts';
import { CliError, EXIT } from '../command.ts';
import { checkOutput } from '../write-atomic.ts';

const HELP = `Usage: gs-compress convert INPUT -o OUTPUT.ply [options]

Reads a Gaussian scene in any supported format and writes it as an INRIA-layout binary PLY
(x y z nx ny nz f_dc_0..2 f_rest_* opacity scale_0..2 rot_0..3, float32).
Inputs: ${SUPPORTED_FORMATS}.
SPZ is converted from its RUB axes to the PLY's RDF axes; other formats keep their axes.

Options:
  -o, --output FILE     the PLY to write (replaced atomically)
      --sh-degree N     keep SH bands up to N (0-3; default: all the input has)
  -h, --help

Examples:
  gs-compress convert scene.spz -o scene.ply
  gs-compress convert scene.compressed.ply -o scene.ply --sh-degree 0
  gs-compress convert bundle.sog -o scene.ply`;

export const command: CliCommand = {
  name: 'convert',
  summary: 'Convert PLY / compressed PLY / SPZ / .splat / SOG / .gsz to an INRIA float PLY',
  async run(args: string[]): Promise<number> {
    const parsed = parseCommandArgs(
      args,
      {
        output: { type: 'string', short: 'o' },
        'sh-degree': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      HELP,
      { positional: 'INPUT', output: 'OUTPUT.ply' },
    );
    if (!parsed) return EXIT.ok;
    const { values, positionals, output } = parsed;
    const degree = shDegreeOption(values['sh-degree']);
    const target = await checkOutput(output, ['.ply'], 'convert', '`gs-compress pack` writes .gsz');
    const started = performance.now();
    let scene;
    try {
      scene = await readScene(resolve(positionals[0]));
    } catch (error) {
      if (error instanceof SceneReadError) throw new CliError(error.message);
      throw error;
    }
    if (degree !== undefined) scene = capShDegree(scene, degree);
    await writePly(target, scene);
    console.log(
      `${output}: ${scene.count} Gaussians, SH degree ${scene.shDegree} (${((performance.now() - started) / 1000).toFixed(2)} s)`,
    );
    return EXIT.ok;
  },
};
