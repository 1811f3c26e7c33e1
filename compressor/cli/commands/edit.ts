// `gs-compress edit scene.gsz --up 0,0,1 [--background r,g,b|none] [--camera SPEC|none]`: changes the
// view fields of a .gsz header in place (or into -o OUT) without re-encoding any chunk; the write is atomic.
import { resolve } from 'node:path';
import { GszFormatError } from '../../../shared/format/gsz-decoder.ts';
import { editGszHeader, type GszViewEdit } from '../../pack/gsz-header-edit.ts';
import type { CliCommand } from '../command.ts';
import { parseCommandArgs, readInputFile } from '../args.ts';
import { CliError, EXIT } from '../command.ts';
import { backgroundOption, parseCameraSpec, upOption } from '../view-options.ts';
import { writeFileAtomic } from '../write-atomic.ts';

const DEFAULT_FOV_Y = 50;

const HELP = `Usage: gs-compress edit FILE.gsz [-o OUT.gsz] [--up x,y,z] [--background r,g,b|none] [--camera SPEC|none]

Rewrites the view fields of a .gsz header: the world up axis, the background the scene expects and the
default camera. The coded chunks are copied unchanged (only their offsets in the header move), so this
takes milliseconds. Without -o the file is replaced atomically.

Options:
  -o, --output FILE       write the edited file here instead of replacing FILE.gsz
      --up x,y,z          world up (stored normalised), e.g. 0,0,1 for NeRF/Blender captures
      --background r,g,b  the background colour the scene was made for (sRGB in [0, 1]); none removes it
      --camera SPEC       default camera: eye=x,y,z;target=x,y,z[;fov=DEG] (vertical FOV, default ${DEFAULT_FOV_Y});
                          none removes it (viewers then frame the scene's extent)
  -h, --help

Examples:
  gs-compress edit lego.gsz --up 0,0,1 --background 1,1,1
  gs-compress edit scene.gsz --camera 'eye=0,-1,-4;target=0,0,0;fov=45' -o framed.gsz`;

export const command: CliCommand = {
  name: 'edit',
  summary: "Change a .gsz header's up axis, background or default camera without re-encoding",
  async run(args: string[]): Promise<number> {
    const parsed = parseCommandArgs(
      args,
      {
        output: { type: 'string', short: 'o' },
        up: { type: 'string' },
        background: { type: 'string' },
        camera: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      HELP,
      { positional: 'FILE.gsz' },
    );
    if (!parsed) return EXIT.ok;
    const { values, positionals } = parsed;
    const edit: GszViewEdit = {};
    edit.up = upOption(values.up);
    edit.background = backgroundOption(values.background);
    if (values.camera === 'none') edit.camera = null;
    else if (values.camera !== undefined) {
      const spec = parseCameraSpec(values.camera);
      if (spec.cx !== undefined || spec.up !== undefined)
        throw new CliError('--camera for edit takes eye=, target= and fov= only', EXIT.usage);
      edit.camera = { eye: spec.eye, target: spec.target, fovY: spec.fov ?? DEFAULT_FOV_Y };
    }
    if (edit.up === undefined && edit.background === undefined && edit.camera === undefined)
      throw new CliError('nothing to change: give --up, --background or --camera', EXIT.usage);
    const file = positionals[0];
    const bytes = await readInputFile(file);
    let edited: Uint8Array;
    try {
      edited = editGszHeader(bytes, edit);
    } catch (error) {
      if (error instanceof GszFormatError || error instanceof RangeError)
        throw new CliError(`${file}: ${error.message}`);
      throw error;
    }
    const output = parsed.output || file;
    await writeFileAtomic(resolve(output), edited);
    const delta = edited.length - bytes.length;
    console.log(
      `${output}: header rewritten (${delta >= 0 ? '+' : ''}${delta} bytes), chunks copied unchanged`,
    );
    return EXIT.ok;
  },
};
