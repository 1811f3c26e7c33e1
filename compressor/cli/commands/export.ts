// `gs-compress export`: .gsz -> INRIA-layout float PLY (decoded values, i.e. after quantization), through the
// shared PLY writer (compressor/io/write-ply.ts, atomic). Bad input: one line naming the file, exit 1, no output.
import { resolve } from 'node:path';
import { GszFormatError } from '../../../shared/format/gsz-decoder.ts';
import type { GaussianScene } from '../../../shared/scene/gaussian-scene.ts';
import { decodeGszParallel } from '../../io/gsz-parallel-decode.ts';
import { writePly } from '../../io/write-ply.ts';
import type { CliCommand } from '../command.ts';
import { parseCommandArgs, readInputFile } from '../args.ts';
import { CliError, EXIT } from '../command.ts';

const HELP = `Usage: gs-compress export FILE.gsz -o OUTPUT.ply

Decodes a .gsz file and writes its Gaussians (in file order: most important first) as an INRIA-layout
binary PLY, e.g. to inspect the quantized scene in another viewer.

Options:
  -o, --output FILE   the PLY to write (replaced atomically)
  -h, --help

Examples:
  gs-compress export scene.gsz -o scene.ply`;

export const command: CliCommand = {
  name: 'export',
  summary: 'Decode a .gsz file to an INRIA float PLY',
  async run(args: string[]): Promise<number> {
    const parsed = parseCommandArgs(
      args,
      { output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
      HELP,
      { positional: 'FILE.gsz', output: 'OUTPUT.ply' },
    );
    if (!parsed) return EXIT.ok;
    const { positionals, output } = parsed;
    const file = positionals[0];
    const bytes = await readInputFile(file);
    let scene: GaussianScene;
    try {
      scene = await decodeGszParallel(bytes);
    } catch (error) {
      if (error instanceof GszFormatError) throw new CliError(`${file}: ${error.message}`);
      throw error;
    }
    await writePly(resolve(output), scene);
    console.log(`${output}: ${scene.count} Gaussians, SH degree ${scene.shDegree}`);
    return EXIT.ok;
  },
};
