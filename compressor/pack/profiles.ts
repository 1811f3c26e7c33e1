// Named encoder profiles (`gs-compress pack --profile NAME`), each a promise stated in render terms that holds
// on any scene because it is measured on that scene, not on a benchmark's:
// - `default`: fixed steps with every attribute's RMS and p99 error at or below SPZ's (gsz-encoder.ts's
//   GSZ_DEFAULTS); no render is involved, so it needs no GPU.
// - `compact`: the smallest file whose renders stay at or above 40 dB PSNR against the input's over the
//   scene's pixels (orbit views, compressor/eval/orbit-views.ts), steps searched per scene by
//   `pack --target-psnr` (target-psnr.ts). Fixed coarse steps cannot keep such a promise: the ones measured
//   for >= 45 dB on the bench scenes gave ~37 dB on a scene whose SH carried more energy.
// - `high`: the same search at 45 dB, for scenes viewed up close.
export interface GszProfileSpec {
  /** One line for `--help`. */
  summary: string;
  /** Scene-pixel render PSNR (dB) the file must keep; undefined: the fixed default steps. */
  targetPsnrDb?: number;
}

export const GSZ_PROFILES = {
  default: { summary: "fixed steps, every attribute's error at or below SPZ's (no GPU needed)" },
  compact: {
    summary: 'smallest file whose renders keep >= 40 dB PSNR on the scene (searched, needs a GPU)',
    targetPsnrDb: 40,
  },
  high: {
    summary: 'smallest file whose renders keep >= 45 dB PSNR on the scene (searched, needs a GPU)',
    targetPsnrDb: 45,
  },
} as const satisfies Record<string, GszProfileSpec>;

export type GszProfile = keyof typeof GSZ_PROFILES;
export const GSZ_PROFILE_NAMES = Object.keys(GSZ_PROFILES) as GszProfile[];

/** The PSNR target a profile searches for, if it is a searched one. */
export function profileTarget(name: GszProfile): number | undefined {
  const spec: GszProfileSpec = GSZ_PROFILES[name];
  return spec.targetPsnrDb;
}
