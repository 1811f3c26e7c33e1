// `gs-compress export`: .gsz -> PLY, SPZ, .splat or glTF (.glb) by -o's extension (decoded values, i.e. after
// quantization), through the shared writers (compressor/io/write-scene.ts, atomic). Bad input or a format that
// cannot hold the scene: one line naming the file, exit 1, no output.
import { GszFormatError } from '../../../shared/format/gsz-decoder.ts';
import { capShDegree, type GaussianScene } from '../../../shared/scene/gaussian-scene.ts';
import { decodeGszParallel } from '../../io/gsz-parallel-decode.ts';
import type { CliCommand } from '../command.ts';
import { parseCommandArgs, readInputFile, shDegreeOption } from '../args.ts';
import { CliError, EXIT } from '../command.ts';
import {
  checkSceneOutput,
  OUTPUT_HELP,
  SCENE_OUTPUT_OPTIONS,
  spzVersionOption,
  writeOutputScene,
} from '../scene-output.ts';

const HELP = `Usage: gs-compress export FILE.gsz -o OUTPUT

Decodes a .gsz file and writes its Gaussians (in file order: most important first) in the format -o's
extension names, e.g. an INRIA-layout binary PLY to inspect the quantized scene, or SPZ / glTF to hand it
to another viewer.

Options:
  -o, --output FILE   the file to write (replaced atomically)
      --sh-degree N   keep SH bands up to N (0-3; e.g. 0 for .splat, which holds none)
${OUTPUT_HELP}
  -h, --help

Examples:
  gs-compress export scene.gsz -o scene.ply
  gs-compress export scene.gsz -o scene.spz
  gs-compress export scene.gsz -o scene.glb
  gs-compress export scene.gsz -o scene.splat --sh-degree 0`;

export const command: CliCommand = {
  name: 'export',
  summary: 'Decode a .gsz file to PLY, SPZ, .splat or glTF (.glb)',
  async run(args: string[]): Promise<number> {
    const parsed = parseCommandArgs(args, SCENE_OUTPUT_OPTIONS, HELP, {
      positional: 'FILE.gsz',
      output: 'OUTPUT',
    });
    if (!parsed) return EXIT.ok;
    const { values, positionals, output } = parsed;
    const spzVersion = spzVersionOption(values['spz-version']);
    const degree = shDegreeOption(values['sh-degree']);
    const file = positionals[0];
    const target = await checkSceneOutput(output, 'export');
    const bytes = await readInputFile(file);
    let scene: GaussianScene;
    try {
      scene = await decodeGszParallel(bytes);
    } catch (error) {
      if (error instanceof GszFormatError) throw new CliError(`${file}: ${error.message}`);
      throw error;
    }
    if (degree !== undefined) scene = capShDegree(scene, degree);
    await writeOutputScene(target, scene, spzVersion);
    console.log(`${output}: ${scene.count} Gaussians, SH degree ${scene.shDegree}`);
    return EXIT.ok;
  },
};
