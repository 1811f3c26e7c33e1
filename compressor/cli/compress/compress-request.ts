// `gs-compress compress` step 1 of 3 (parse -> plan -> execute): the command line as a typed request,
// every value checked (usage errors exit 2) and the outputs checked writable before any work starts.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Vec3 } from '../../../shared/math/camera.ts';
import type { ShDegree } from '../../../shared/scene/gaussian-scene.ts';
import { findColmapSparse } from '../../datasets/colmap-model.ts';
import type { Budget } from '../../train/trainer.ts';
import { numberOption, parseCommandArgs, shDegreeOption } from '../args.ts';
import { CliError, EXIT } from '../command.ts';
import { upOption } from '../view-options.ts';
import { checkOutput } from '../write-atomic.ts';
import type { PatchSize } from '../../train/patch-views.ts';
import { parseDuration } from '../duration.ts';
import { parseSize } from '../mode-c-views.ts';

/** (a) photos; (b) a trained scene + its photos; (c) a trained scene alone (teacher renders). */
export type CompressMode = 'a' | 'b' | 'c';

export interface CompressRequest {
  /** INPUT as given (messages) and resolved. */
  input: string;
  inputPath: string;
  /** OUTPUT.gsz as given and resolved. */
  output: string;
  outputPath: string;
  mode: CompressMode;
  /** Mode (b): the photos' folder (--images), resolved. */
  imagesPath?: string;
  budget: Budget;
  shDegree?: ShDegree;
  /** Undefined: the device's default (plan). */
  iterations?: number;
  /** --resolution as given; undefined: the device's default. */
  resolution?: number;
  /** Mode (c): teacher views and training-only teacher views. */
  views?: number;
  trainViews?: number;
  /** Mode (a): random initial points and densification's count target. */
  initPoints?: number;
  denseTarget?: number;
  /** --up; undefined: from the input (plan/execute). */
  up?: Vec3;
  preview?: string;
  report?: string;
  json: boolean;
  seed: number;
  /** --time-limit in seconds, counted from `started` (performance.now() when the command began). */
  timeLimit?: number;
  started: number;
  /** Mode (c) on patches (no --resolution): --view-size and --patch; undefined: the device's default. */
  viewSize?: PatchSize;
  patch?: PatchSize;
}

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  budget: { type: 'string' },
  images: { type: 'string' },
  iterations: { type: 'string' },
  resolution: { type: 'string' },
  'sh-degree': { type: 'string' },
  views: { type: 'string' },
  'train-views': { type: 'string' },
  up: { type: 'string' },
  'init-points': { type: 'string' },
  'dense-target': { type: 'string' },
  preview: { type: 'string' },
  report: { type: 'string' },
  json: { type: 'boolean' },
  seed: { type: 'string' },
  'time-limit': { type: 'string' },
  'view-size': { type: 'string' },
  patch: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `0.15` -> fraction, `100000` -> count. */
export function parseBudget(text: string): Budget {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new CliError(`--budget expects a fraction in (0, 1] or a count > 1, got '${text}'`, EXIT.usage);
  if (n <= 1) return { fraction: n };
  if (!Number.isInteger(n))
    throw new CliError(`--budget: a count must be an integer, got '${text}'`, EXIT.usage);
  return { count: n };
}

/** True for a folder (or transforms file) the dataset loader reads. */
export function isPhotoDataset(path: string): boolean {
  if (!existsSync(path)) return false;
  if (statSync(path).isFile()) return /transforms.*\.json$/i.test(path);
  return (
    ['transforms.json', 'transforms_train.json'].some((f) => existsSync(join(path, f))) ||
    findColmapSparse(path) !== undefined
  );
}

/** The request of `args`, or undefined when --help was printed. */
export async function parseCompressRequest(
  args: string[],
  help: string,
): Promise<CompressRequest | undefined> {
  const parsed = parseCommandArgs(args, OPTIONS, help, { positional: 'INPUT', output: 'OUTPUT.gsz' });
  if (!parsed) return undefined;
  const { values, positionals } = parsed;
  const input = positionals[0];
  const inputPath = resolve(input);
  if (!existsSync(inputPath)) throw new CliError(`${input}: does not exist`);
  const started = performance.now();
  const timeLimit = values['time-limit'] === undefined ? undefined : parseDuration(values['time-limit']);
  const budget = parseBudget(values.budget ?? '0.15');
  const shDegree = shDegreeOption(values['sh-degree']);
  // Outputs are checked before hours of training, not after.
  await checkOutput(parsed.output, ['.gsz'], 'compress');
  if (values.preview) await checkOutput(values.preview, ['.png'], '--preview');
  if (values.report) await checkOutput(values.report, ['.json'], '--report');

  const photos = isPhotoDataset(inputPath);
  if (photos && values.images)
    throw new CliError(`${input} is a photo dataset: --images applies to a scene file input`, EXIT.usage);
  const mode: CompressMode = photos ? 'a' : values.images ? 'b' : 'c';
  const count = (name: keyof typeof OPTIONS, min = 1) =>
    numberOption(values[name] as string | undefined, name, min, Infinity, true);
  return {
    input,
    inputPath,
    output: parsed.output,
    outputPath: resolve(parsed.output),
    mode,
    imagesPath: mode === 'b' ? resolve(values.images!) : undefined,
    budget,
    shDegree,
    iterations: count('iterations', 16),
    resolution: values.resolution === undefined ? undefined : Number(values.resolution),
    views: mode === 'c' ? count('views', 2) : undefined,
    trainViews: mode === 'c' ? count('train-views', 0) : undefined,
    initPoints: mode === 'a' ? count('init-points') : undefined,
    denseTarget: mode === 'a' ? count('dense-target') : undefined,
    up: upOption(values.up),
    preview: values.preview,
    report: values.report,
    json: values.json === true,
    seed: Number(values.seed ?? 0),
    timeLimit,
    started,
    viewSize: values['view-size'] === undefined ? undefined : parseSize(values['view-size'], '--view-size'),
    patch: values.patch === undefined ? undefined : parseSize(values.patch, '--patch'),
  };
}
