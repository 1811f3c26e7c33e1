// `gs-compress demo-scene`: writes the built-in demo dataset (ray-traced views of a procedural scene in
// the NeRF/Blender layout, plus an initial point cloud), and optionally a ready-made Gaussian PLY of it.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeDemoDataset } from '../../demo-scene/dataset.ts';
import { generateDemoGaussians } from '../../demo-scene/gaussians.ts';
import { gaussianPly } from '../../demo-scene/ply.ts';
import type { CliCommand } from '../command.ts';
import { CliError, EXIT } from '../command.ts';
import { writeFileAtomic } from '../write-atomic.ts';

const HELP = `Usage: gs-compress demo-scene -o DIR [options]

Ray-traces the built-in procedural scene (checkered ground disc, marble sphere, striped ball, box,
torus; world +Z up) from views on an orbit and writes a NeRF/Blender-style dataset:
  DIR/transforms_train.json, transforms_val.json, transforms_test.json  (every 8th view is a test view)
  DIR/train/r_<i>.png, DIR/test/r_<i>.png   RGBA, transparent background
  DIR/points3d.ply                          initial point cloud on the surfaces (x y z nx ny nz red green blue)
  DIR/demo-scene.json                       the parameters used
Same options, same bytes.

Options:
  -o, --output DIR        dataset folder (replaced if it is a previous demo dataset or empty)
      --views N           number of views, train + test (default 50)
      --size PX           image width and height (default 128)
      --seed N            random seed (default 1)
      --spp N             anti-aliasing samples per pixel (default 4)
      --points N          points in points3d.ply (default 3000; 0: no points3d.ply)
      --gaussians FILE    also write a ready-made Gaussian scene of the same shapes as an INRIA PLY
      --gaussian-count N  Gaussians in that file (default 20000)
      --gaussian-frame F  z-up (default: the dataset's frame) or y-down (rotated to the INRIA/COLMAP
                          convention that .gsz files assume without an up axis: packs upright)
  -h, --help

Examples:
  gs-compress demo-scene -o demo-data
  gs-compress demo-scene -o big --views 100 --size 256 --seed 7
  gs-compress demo-scene -o demo-data --gaussians demo-gaussians.ply
  gs-compress demo-scene -o demo-data --gaussians g.ply --gaussian-frame y-down && gs-compress pack g.ply -o demo.gsz`;

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliError(`--${name} expects an integer, got '${value}'`, EXIT.usage);
  return n;
}

export const command: CliCommand = {
  name: 'demo-scene',
  summary: 'Write the built-in ray-traced demo dataset (NeRF layout) and optionally its Gaussian PLY',
  async run(args: string[]): Promise<number> {
    const parsed = parseDemoArgs(args);
    const v = parsed.values;
    if (v.help) {
      console.log(HELP);
      return EXIT.ok;
    }
    if (!v.output) throw new CliError(`missing -o DIR\n\n${HELP}`, EXIT.usage);
    const options = {
      views: integer('views', v.views),
      size: integer('size', v.size),
      seed: integer('seed', v.seed),
      spp: integer('spp', v.spp),
      points: integer('points', v.points),
    };
    const gaussianCount = integer('gaussian-count', v['gaussian-count']);
    const frame = v['gaussian-frame'] ?? 'z-up';
    if (frame !== 'z-up' && frame !== 'y-down')
      throw new CliError(`--gaussian-frame must be z-up or y-down, got '${frame}'`, EXIT.usage);
    const dir = resolve(v.output);
    const started = performance.now();
    let dataset: Awaited<ReturnType<typeof writeDemoDataset>>;
    try {
      dataset = await writeDemoDataset(dir, options, ({ view, views }) => {
        if (process.stderr.isTTY) process.stderr.write(`\rrendering view ${view}/${views}`);
        if (process.stderr.isTTY && view === views) process.stderr.write('\n');
      });
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const o = dataset.options;
    console.log(
      `wrote ${dir}: ${dataset.train.frames.length} train + ${dataset.test.frames.length} test views at ${o.size}x${o.size}, ` +
        `${o.points} points, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    if (v.gaussians) {
      let scene: ReturnType<typeof generateDemoGaussians>;
      try {
        scene = generateDemoGaussians({ count: gaussianCount, seed: o.seed, frame });
      } catch (error) {
        throw new CliError((error as Error).message, EXIT.usage);
      }
      await writeFileAtomic(resolve(v.gaussians), gaussianPly(scene));
      console.log(`wrote ${resolve(v.gaussians)}: ${scene.count} Gaussians`);
    }
    return EXIT.ok;
  },
};

/** The command's arguments (Node's parser; its errors become usage errors with the help). */
function parseDemoArgs(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        output: { type: 'string', short: 'o' },
        views: { type: 'string' },
        size: { type: 'string' },
        seed: { type: 'string' },
        spp: { type: 'string' },
        points: { type: 'string' },
        gaussians: { type: 'string' },
        'gaussian-count': { type: 'string' },
        'gaussian-frame': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${HELP}`, EXIT.usage);
  }
}
