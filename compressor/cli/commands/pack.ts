// `gs-compress pack`: any supported scene -> .gsz (importance-ordered chunks, quantized, range-coded). Quantization
// and chunking options map onto GszEncodeOptions (compressor/pack/gsz-encoder.ts); the SH codebook's
// k-means runs on the GPU when one is present (--kmeans auto); --target-psnr searches the steps per scene in
// render space instead (compressor/pack/target-psnr.ts). Output is written atomically.
import { resolve } from 'node:path';
import type { GaussianScene } from '../../../shared/scene/gaussian-scene.ts';
import { type GpuContext, getGpu } from '../../gpu/device.ts';
import { readScene, SUPPORTED_FORMATS } from '../../io/read-scene.ts';
import { SceneReadError } from '../../io/scene-read-error.ts';
import { decodeGszHeader } from '../../../shared/format/gsz-decoder.ts';
import { encodeGsz, GSZ_DEFAULTS, GszValueError, type GszEncodeOptions } from '../../pack/gsz-encoder.ts';
import { GSZ_PROFILE_NAMES, GSZ_PROFILES, type GszProfile, profileTarget } from '../../pack/profiles.ts';
import { encodeToPsnr, SEARCHED_OPTIONS } from '../../pack/target-psnr.ts';
import type { CliCommand } from '../command.ts';
import { numberOption, parseCommandArgs, shDegreeOption } from '../args.ts';
import { CliError, EXIT } from '../command.ts';
import { StageLog } from '../stage-log.ts';
import { storedView } from '../stored-view.ts';
import { verifyGsz } from '../verify-gsz.ts';
import { backgroundOption, upOption } from '../view-options.ts';
import { checkOutput, writeFileAtomic } from '../write-atomic.ts';

const d = GSZ_DEFAULTS;
const HELP = `Usage: gs-compress pack INPUT -o OUTPUT.gsz [options]

Packs a Gaussian scene (${SUPPORTED_FORMATS}) into the streaming .gsz format
(shared/format/FORMAT.md): chunks in importance order (first chunk small), each column quantized and
range-coded with its own context model.

Options:
  -o, --output FILE          the .gsz to write (replaced atomically)
      --profile NAME         ${GSZ_PROFILE_NAMES.map((n) => `${n}: ${GSZ_PROFILES[n].summary}`).join(';\n                             ')}
      --target-psnr DB       smallest file whose renders stay >= DB against the input's (mean over
                             orbit views of the PSNR over the scene's pixels): steps searched per scene
                             by encoding and rendering (needs a GPU; ~7-13 encodes, minutes on a
                             CPU-emulated one)
      --drop-invisible       with --target-psnr or a searched profile: also try leaving out the least
                             visible Gaussians (up to 35%) where that meets the target in fewer bytes
                             (slower search: ~24 more renders)
      --psnr-views N         orbit views for --target-psnr (default 4)
      --psnr-size WxH        their size in pixels (default 640x480)
      --sh-degree N          keep SH bands up to N (0-3; default: all the input has)
      --up x,y,z             world up stored in the header (default: a .gsz input's, else 0,-1,0:
                             INRIA/COLMAP scenes; 0,0,1 for NeRF/Blender captures)
      --background r,g,b     the background the scene was trained against, sRGB in [0, 1], or none
                             (default: a .gsz input's, else none recorded; viewers show their own)
      --first-chunk N        Gaussians in the first chunk (default ${d.firstChunk})
      --chunk-growth X       each next chunk is X times larger (default ${d.chunkGrowth})
      --max-chunk N          largest chunk (default ${d.maxChunk}, at most 149796)
      --position-step F      position grid step as a fraction of the bbox diagonal (default 1/15000)
      --rotation-levels N    rotation grid: codes per quaternion component, 4..4096 (default ${d.rotationLevels})
      --codebook-size K      SH-rest k-means centroids (default ~N/512, 16..${d.codebookSize}; at most 65536)
      --sh-residual-step S   SH-rest residual step against the centroid (default ${d.shResidualStep}; 0 = centroids only)
      --kmeans-iterations N  Lloyd iterations (default ${d.kmeansIterations})
      --kmeans auto|gpu|cpu  where k-means runs (auto: a hardware GPU if present, else CPU)
  -h, --help

Examples:
  gs-compress pack scene.ply -o scene.gsz
  gs-compress pack scene.spz -o scene.gsz --sh-degree 1 --first-chunk 2048
  gs-compress pack scene.ply -o small.gsz --position-step 6e-5 --codebook-size 2048
  gs-compress pack scene.ply -o compact.gsz --profile compact   # >= 40 dB on this scene
  gs-compress pack lego.ply -o lego.gsz --up 0,0,1 --background 1,1,1
  gs-compress pack scene.ply -o web.gsz --target-psnr 42`;

export const command: CliCommand = {
  name: 'pack',
  summary: 'Pack a scene (PLY / SPZ / SOG / ...) into a streaming .gsz file',
  async run(args: string[]): Promise<number> {
    const parsed = parseCommandArgs(
      args,
      {
        output: { type: 'string', short: 'o' },
        profile: { type: 'string' },
        'sh-degree': { type: 'string' },
        up: { type: 'string' },
        background: { type: 'string' },
        'first-chunk': { type: 'string' },
        'chunk-growth': { type: 'string' },
        'max-chunk': { type: 'string' },
        'position-step': { type: 'string' },
        'rotation-levels': { type: 'string' },
        'codebook-size': { type: 'string' },
        'kmeans-iterations': { type: 'string' },
        kmeans: { type: 'string' },
        'sh-residual-step': { type: 'string' },
        'target-psnr': { type: 'string' },
        'psnr-views': { type: 'string' },
        'drop-invisible': { type: 'boolean' },
        'psnr-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      HELP,
      { positional: 'INPUT', output: 'OUTPUT.gsz' },
    );
    if (!parsed) return EXIT.ok;
    const { values, positionals, output } = parsed;
    const kmeansMode = values.kmeans ?? 'auto';
    if (!['auto', 'gpu', 'cpu'].includes(kmeansMode))
      throw new CliError(`--kmeans expects auto, gpu or cpu, got '${kmeansMode}'`, EXIT.usage);
    const profile = values.profile ?? 'default';
    if (!(GSZ_PROFILE_NAMES as string[]).includes(profile))
      throw new CliError(`--profile expects ${GSZ_PROFILE_NAMES.join(' or ')}, got '${profile}'`, EXIT.usage);
    const given: GszEncodeOptions = {
      shDegree: shDegreeOption(values['sh-degree']),
      firstChunk: numberOption(values['first-chunk'], 'first-chunk', 1, 149796, true),
      chunkGrowth: numberOption(values['chunk-growth'], 'chunk-growth', 1, 16, false),
      maxChunk: numberOption(values['max-chunk'], 'max-chunk', 1, 149796, true),
      positionStep: numberOption(values['position-step'], 'position-step', 1e-7, 0.1, false),
      rotationLevels: numberOption(values['rotation-levels'], 'rotation-levels', 4, 4096, true),
      codebookSize: numberOption(values['codebook-size'], 'codebook-size', 1, 65536, true),
      kmeansIterations: numberOption(values['kmeans-iterations'], 'kmeans-iterations', 0, 1000, true),
      shResidualStep: numberOption(values['sh-residual-step'], 'sh-residual-step', 0, 10, false),
    };
    // Explicit options win over the profile's (undefined ones are dropped so the profile shows through).
    const options: GszEncodeOptions = Object.fromEntries(
      Object.entries(given).filter(([, v]) => v !== undefined),
    );
    // A .gsz input keeps its view fields unless they are given.
    const stored = await storedView(resolve(positionals[0]));
    options.up = upOption(values.up) ?? stored.up;
    const background = backgroundOption(values.background);
    options.background = background === null ? undefined : (background ?? stored.background);
    options.camera = stored.camera;
    const explicitTarget = numberOption(values['target-psnr'], 'target-psnr', 1, 200, false);
    const targetDb = explicitTarget ?? profileTarget(profile as GszProfile);
    if (
      targetDb === undefined &&
      (values['psnr-views'] !== undefined || values['psnr-size'] !== undefined || values['drop-invisible'])
    ) {
      throw new CliError(
        '--psnr-views, --psnr-size and --drop-invisible only apply with --target-psnr',
        EXIT.usage,
      );
    }
    const searchedBy = explicitTarget !== undefined ? '--target-psnr' : `--profile ${profile}`;
    if (explicitTarget !== undefined && profile !== 'default')
      throw new CliError(
        '--target-psnr chooses the steps itself: do not combine it with --profile',
        EXIT.usage,
      );
    if (targetDb !== undefined) {
      const conflicting = SEARCHED_OPTIONS.filter((k) => options[k] !== undefined);
      if (conflicting.length > 0)
        throw new CliError(
          `${searchedBy} chooses the steps itself: do not combine it with step options (${conflicting.join(', ')})`,
          EXIT.usage,
        );
    }
    const views = numberOption(values['psnr-views'], 'psnr-views', 1, 64, true);
    const size = psnrSize(values['psnr-size']);
    const target = await checkOutput(output, ['.gsz'], 'pack');
    const started = performance.now();
    const log = new StageLog();
    log.line(`reading ${positionals[0]}`);
    let scene: GaussianScene;
    try {
      scene = await readScene(resolve(positionals[0]));
    } catch (error) {
      if (error instanceof SceneReadError) throw new CliError(error.message);
      throw error;
    }
    let where = 'CPU';
    const wantsSh = (options.shDegree ?? scene.shDegree) > 0 && scene.shDegree > 0;
    if (kmeansMode !== 'cpu' && wantsSh) {
      try {
        const gpu = await getGpu();
        // SwiftShader runs the k-means kernel unreliably and slower than the CPU path (compressor/pack/README.md).
        if (!gpu.software || kmeansMode === 'gpu') {
          options.device = gpu.device;
          where = `GPU (${gpu.adapterInfo.description || gpu.adapterInfo.vendor})`;
        }
      } catch (error) {
        if (kmeansMode === 'gpu') throw new CliError(`--kmeans gpu: ${(error as Error).message}`);
      }
    }
    options.onProgress = (stage) =>
      log.line(
        stage === 'k-means'
          ? `k-means on ${where}: SH codebook for ${scene.count.toLocaleString('en-US')} Gaussians`
          : `encoding ${scene.count.toLocaleString('en-US')} Gaussians into chunks`,
      );
    let bytes: Uint8Array;
    let note = '';
    if (targetDb !== undefined) {
      let gpu: GpuContext;
      try {
        gpu = await getGpu();
      } catch (error) {
        throw new CliError(`${searchedBy} renders the scene and needs a GPU: ${(error as Error).message}`);
      }
      try {
        const found = await encodeToPsnr(scene, {
          targetDb,
          gpu,
          base: options,
          views: { ...(views !== undefined ? { views } : {}), ...size },
          drop: values['drop-invisible'] === true,
          onProgress: (m) => log.line(m),
        });
        bytes = found.bytes;
        note =
          `, ${found.psnrDb.toFixed(2)} dB (target ${targetDb}; default steps ${(found.defaultBytes / Math.max(1, scene.count)).toFixed(2)} B/Gaussian at ` +
          `${found.defaultPsnrDb.toFixed(2)} dB), ${found.encodes} encodes and ${found.renders} renders, steps ${JSON.stringify(found.steps)}, ` +
          `${found.dropped} least visible Gaussians left out`;
      } catch (error) {
        if (error instanceof GszValueError) throw new CliError(`${positionals[0]}: ${error.message}`);
        if (error instanceof RangeError) throw new CliError(`${searchedBy}: ${error.message}`);
        throw error;
      }
    } else {
      try {
        bytes = await encodeGsz(scene, options);
      } catch (error) {
        if (error instanceof GszValueError) throw new CliError(`${positionals[0]}: ${error.message}`);
        throw error;
      }
    }
    log.line(`checking and writing ${output}`);
    await writeFileAtomic(target, bytes, { verify: verifyGsz(output) });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${output}: ${scene.count} Gaussians, ${shDegreeSummary(bytes)}, ${bytes.length} bytes ` +
        `(${(bytes.length / Math.max(1, scene.count)).toFixed(2)} B/Gaussian), up [${(options.up ?? [0, -1, 0]).join(',')}], ${wantsSh ? `k-means on ${where}` : 'no SH codebook'}, ${seconds.toFixed(1)} s${note}`,
    );
    return EXIT.ok;
  },
};

/** `--psnr-size WxH` -> { width, height } (each 16..4096), or {} when not given. */
function psnrSize(text: string | undefined): { width?: number; height?: number } {
  if (text === undefined) return {};
  const m = /^(\d+)x(\d+)$/.exec(text);
  const [width, height] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(width >= 16 && width <= 4096 && height >= 16 && height <= 4096))
    throw new CliError(`--psnr-size expects WxH with each side in 16..4096, got '${text}'`, EXIT.usage);
  return { width, height };
}

/** The written file's SH degree, with the input's when the encoder trimmed empty bands (sh-degree-trim.ts). */
function shDegreeSummary(bytes: Uint8Array): string {
  const header = decodeGszHeader(bytes);
  return header.shDegreeTrimmedFrom === undefined
    ? `SH degree ${header.shDegree}`
    : `SH degree ${header.shDegree} (trimmed from ${header.shDegreeTrimmedFrom}: higher bands below the SH quantization step)`;
}
