// `gs-compress render`: renders a scene file (any format readScene reads) to PNG with the GPU
// rasterizer; with no camera, a default view frames the 2nd-98th percentile box of the scene.
import { dirname, extname, join, basename, resolve } from 'node:path';
import { lookAt, focalFromFov, type Camera, type Vec3 } from '../../../shared/math/camera.ts';
import { sceneExtent } from '../../../shared/math/framing.ts';
import { capShDegree } from '../../../shared/scene/gaussian-scene.ts';
import { readScene, SUPPORTED_FORMATS } from '../../io/read-scene.ts';
import { SceneReadError } from '../../io/scene-read-error.ts';
import type { GaussianScene } from '../../../shared/scene/gaussian-scene.ts';
import { type GpuContext, getGpu } from '../../gpu/device.ts';
import { DEFAULT_UP, framedCamera } from '../../render/default-camera.ts';
import { encodePng } from '../../render/png.ts';
import { type RasterizationResult, rasterization } from '../../render/rasterization.ts';
import type { CliCommand } from '../command.ts';
import { parseCommandArgs, shDegreeOption } from '../args.ts';
import { CliError, EXIT } from '../command.ts';
import { storedView } from '../stored-view.ts';
import { backgroundOption, parseCameraSpec, upOption } from '../view-options.ts';
import { checkOutput, writeFileAtomic } from '../write-atomic.ts';

export { parseCameraSpec } from '../view-options.ts';

const HELP = `Usage: gs-compress render SCENE -o OUT.png [options]

Renders a Gaussian scene (${SUPPORTED_FORMATS}) with the WebGPU rasterizer to an 8-bit PNG.
Without --camera the view is the file's default camera when a .gsz stores one, else the framing the
<gs-scene> element uses (shared/math/framing.ts): the 1st-99th percentile box of the Gaussian centres
(robust to floaters), grown by twice the median splat size, fits the image's width and height, seen from
20 degrees above, looking along world +Z (+X when up is along Z). A .gsz's up axis and background are used unless --up / --background are given.

Options:
  -o, --output FILE       PNG to write; with --orbit N, FILE-000.png ... FILE-<N-1>.png
      --camera SPEC       eye=x,y,z;target=x,y,z[;up=x,y,z][;cx=PX;cy=PX] (world units; quote the ';');
                          cx, cy: an off-centre principal point in pixels (default the image centre)
      --orbit N           N views at equal azimuth steps around the up axis
      --width W           image width in pixels (default 512)
      --height H          image height in pixels (default 384)
      --fov DEG           horizontal field of view in degrees (default 60)
      --up x,y,z          world up (default: the .gsz's, else 0,-1,0: INRIA/COLMAP scenes are +Y down)
      --sh-degree N       render with at most SH degree N (0-3)
      --background r,g,b  background colour in [0,1] (default: the .gsz's, else 0,0,0)
      --antialiased       force the Mip-Splatting 2D filter (default: as the scene says)
  -h, --help

Examples:
  gs-compress render scene.ply -o view.png
  gs-compress render scene.gsz -o orbit.png --orbit 8 --width 256 --height 256
  gs-compress render scene.ply -o v.png --camera 'eye=0,-1,-4;target=0,0,0' --fov 50
  gs-compress render lego.gsz -o v.png --camera 'eye=0,-4,2;target=0,0,0;cx=300;cy=180'`;

function positiveInteger(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0 || n > 16384)
    throw new CliError(`--${name} expects an integer in 1..16384, got '${text}'`, EXIT.usage);
  return n;
}

function outputPath(output: string, index: number | undefined): string {
  if (index === undefined) return output;
  const ext = extname(output) || '.png';
  return join(
    dirname(output),
    `${basename(output, extname(output))}-${String(index).padStart(3, '0')}${ext}`,
  );
}

export const command: CliCommand = {
  name: 'render',
  summary: 'Render a scene to PNG with the GPU rasterizer (default view or --camera / --orbit)',
  async run(args: string[]): Promise<number> {
    const parsed = parseCommandArgs(
      args,
      {
        output: { type: 'string', short: 'o' },
        camera: { type: 'string' },
        orbit: { type: 'string' },
        width: { type: 'string' },
        height: { type: 'string' },
        fov: { type: 'string' },
        up: { type: 'string' },
        'sh-degree': { type: 'string' },
        background: { type: 'string' },
        antialiased: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      HELP,
      { positional: 'SCENE', output: 'OUT.png' },
    );
    if (!parsed) return EXIT.ok;
    const { values, positionals, output } = parsed;
    const width = positiveInteger('width', values.width, 512);
    const height = positiveInteger('height', values.height, 384);
    const orbit = values.orbit === undefined ? undefined : positiveInteger('orbit', values.orbit, 1);
    const fov = values.fov === undefined ? 60 : Number(values.fov);
    if (!(fov > 1 && fov < 179))
      throw new CliError(`--fov expects degrees in (1, 179), got '${values.fov}'`, EXIT.usage);
    const givenUp = upOption(values.up);
    const givenBackground = backgroundOption(values.background);
    const shDegree = shDegreeOption(values['sh-degree']);
    if (values.camera !== undefined && orbit !== undefined)
      throw new CliError('--camera and --orbit are exclusive', EXIT.usage);
    const spec = values.camera === undefined ? undefined : parseCameraSpec(values.camera);

    await checkOutput(outputPath(output, orbit === undefined ? undefined : 0), ['.png'], 'render');
    const input = resolve(positionals[0]);
    let scene: GaussianScene;
    try {
      scene = await readScene(input);
    } catch (error) {
      if (error instanceof SceneReadError) throw new CliError(error.message);
      throw error;
    }
    if (shDegree !== undefined) scene = capShDegree(scene, shDegree);
    const stored = await storedView(input);
    const up: Vec3 = givenUp ?? stored.up ?? DEFAULT_UP;
    // `--background none` renders on black, ignoring the file's.
    const background: Vec3 =
      givenBackground === null ? [0, 0, 0] : (givenBackground ?? stored.background ?? [0, 0, 0]);
    const box = stored.focus ?? sceneExtent(scene.positions, scene.logScales, scene.count);
    const cameras: Camera[] = [];
    if (spec) {
      const fx = focalFromFov((fov * Math.PI) / 180, width);
      cameras.push({
        width,
        height,
        fx,
        fy: fx,
        cx: spec.cx ?? width / 2,
        cy: spec.cy ?? height / 2,
        viewMatrix: lookAt(spec.eye, spec.target, spec.up ?? up),
      });
    } else if (stored.camera && orbit === undefined && values.fov === undefined) {
      // The file's default camera keeps its vertical field of view.
      const fy = height / 2 / Math.tan((stored.camera.fovY * Math.PI) / 360);
      cameras.push({
        width,
        height,
        fx: fy,
        fy,
        cx: width / 2,
        cy: height / 2,
        viewMatrix: lookAt(stored.camera.eye, stored.camera.target, up),
      });
    } else {
      const views = orbit ?? 1;
      for (let i = 0; i < views; i++) {
        cameras.push(
          framedCamera(box, { width, height, fovDegrees: fov, up, azimuthDegrees: (360 * i) / views }),
        );
      }
    }
    let gpu: GpuContext;
    try {
      gpu = await getGpu();
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const antialiased = values.antialiased ? true : scene.antialiased;
    for (let i = 0; i < cameras.length; i++) {
      let result: RasterizationResult;
      try {
        result = await rasterization(gpu, scene, cameras[i], { background, antialiased });
      } catch (error) {
        if (error instanceof RangeError) throw new CliError(`${input}: ${error.message}`);
        throw error;
      }
      const path = outputPath(resolve(output), orbit === undefined ? undefined : i);
      await writeFileAtomic(path, encodePng(result.image, width, height));
      console.log(
        `wrote ${path} (${width}x${height}, ${scene.count} Gaussians, ${result.meta.numIntersections} tile intersections)`,
      );
    }
    return EXIT.ok;
  },
};
