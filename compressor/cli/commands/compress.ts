// `gs-compress <input> -o scene.gsz`: the whole pipeline. Photos -> dense training -> natural selection to
// a budget -> fine-tune -> .gsz; or a trained scene (+ its photos, or alone with teacher renders as
// targets) -> selection -> fine-tune -> .gsz. Three steps: parse (options -> a typed request,
// compress-request.ts), plan (what will run on this GPU, compress-plan.ts) and execute (compress-execute.ts).
import { SUPPORTED_FORMATS } from '../../io/read-scene.ts';
import type { CliCommand } from '../command.ts';
import { EXIT } from '../command.ts';
import { executeCompress } from '../compress/compress-execute.ts';
import { HARDWARE_DEFAULTS, planCompress, SOFTWARE_DEFAULTS } from '../compress/compress-plan.ts';
import { parseCompressRequest } from '../compress/compress-request.ts';
import { MODE_C_DEFAULTS } from '../mode-c-views.ts';

export { parseBudget } from '../compress/compress-request.ts';

const HELP = `Usage: gs-compress compress INPUT -o OUTPUT.gsz [options]

Trains or refines a Gaussian scene with natural selection (gradient-driven pruning to an exact budget)
and packs it into a streaming .gsz file.

INPUT is one of:
  a photo dataset folder (NeRF/Blender transforms*.json, or COLMAP sparse/0 + images/)
        (a) dense training with densification -> natural selection -> fine-tune
  a trained scene (${SUPPORTED_FORMATS}) with --images DATASET
        (b) selection + fine-tune against the photos (the scene must be in the dataset's frame)
  a trained scene alone
        (c) selection + fine-tune against the scene's own renders from orbit views (the teacher);
            held-out orbit views measure how close the result stays to the input

Options:
  -o, --output FILE       the .gsz to write
      --budget B          Gaussians to keep: a fraction in (0, 1] of the count at selection start
                          (photos: the dense count; scenes: the input count) or a count > 1 (default 0.15)
      --images DIR        photos for mode (b)
      --iterations N      training iterations (default ${SOFTWARE_DEFAULTS.iterations} on a CPU-emulated GPU, ${HARDWARE_DEFAULTS.iterations} on a GPU)
      --resolution R      photos: 1|2|4|8 downscale or a width in pixels; -1 caps at 1600
                          (default: wider images scaled to ${SOFTWARE_DEFAULTS.resolution} on a CPU-emulated GPU, 1600 on a GPU);
                          mode (c): whole teacher views of R x R instead of patches of --view-size views
      --view-size WxH     mode (c): teacher and held-out view size (default ${MODE_C_DEFAULTS.software.viewSize}); held-out
                          PSNR is over scene pixels (where the teacher's alpha shows the scene)
      --patch WxH         mode (c): training patch, a window of a teacher view (default ${MODE_C_DEFAULTS.software.patch} on a
                          CPU-emulated GPU, ${MODE_C_DEFAULTS.hardware.patch} on a GPU)
      --time-limit T      stop training after T (e.g. 30m, 1h30m, 900s), counted from the start: mode (c) plans
                          fewer iterations from its estimate; selection still ends at exactly the budget
      --sh-degree D       highest SH degree trained and packed (0-3; default 3, or the input's)
      --views N           mode (c): teacher views, every 8th held out (default ${MODE_C_DEFAULTS.software.views} / ${MODE_C_DEFAULTS.hardware.views};
                          with --resolution ${SOFTWARE_DEFAULTS.teacherViews} / ${HARDWARE_DEFAULTS.teacherViews})
      --train-views N     mode (c) with --resolution: more teacher views for training only, offset from those
                          (default ${SOFTWARE_DEFAULTS.teacherTrainViews} / ${HARDWARE_DEFAULTS.teacherTrainViews}; playbot at 96x96: +1.9 dB on held-out views)
      --up x,y,z          the scene's up, stored in the .gsz (viewers orient by it) and used for mode (c)'s
                          teacher orbits; default: photos: the mean of the cameras' up vectors (snapped
                          to an axis within 10 degrees), else NeRF/Blender +Z, COLMAP -Y; a scene: a .gsz's
                          own up, else 0,-1,0 (INRIA/COLMAP)
      --init-points N     photos without a point cloud: random initial points (default ${SOFTWARE_DEFAULTS.initPoints} / ${HARDWARE_DEFAULTS.initPoints})
      --dense-target N    photos with a fraction budget: densification's count target (default ${SOFTWARE_DEFAULTS.denseTarget} / ${HARDWARE_DEFAULTS.denseTarget})
      --preview FILE.png  render the result from the first held-out view
      --report FILE.json  write the evaluation report
      --json              machine-readable progress (JSON lines) and summary on stdout
      --seed N            view order and sampling seed (default 0)
  -h, --help

Examples:
  gs-compress compress ../data/lego -o lego.gsz --budget 0.15 --resolution 200
  gs-compress compress scene.ply -o scene.gsz --budget 100000 --preview scene.png
  gs-compress compress scene.ply --images ../data/garden -o garden.gsz --iterations 5000`;

export const command: CliCommand = {
  name: 'compress',
  summary: 'Train (photos) or refine (a trained scene) with natural selection to a budget, then pack to .gsz',
  async run(args: string[]): Promise<number> {
    const request = await parseCompressRequest(args, HELP);
    if (!request) return EXIT.ok;
    return executeCompress(await planCompress(request));
  },
};
