// Named encoder profiles (`gs-compress pack --profile NAME`). `default` is the per-attribute rule: every
// attribute's RMS and p99 error at or below SPZ's on the bench scenes (the defaults in gsz-encoder.ts).
// `compact` is opt-in and judged in render space instead: the coarsest steps measured to keep the decoded
// scene's renders at >= 45 dB PSNR against the input's on both bench scenes (bench:format's orbit views),
// with per-attribute errors allowed above SPZ's. Same format, same decoder: only quantization steps differ.
// `pack --target-psnr` (target-psnr.ts) searches such steps per scene instead (FORMAT.md compares the two).
import type { GszEncodeOptions } from './gsz-encoder.ts';

export const GSZ_PROFILES = {
  default: {},
  /**
   * Measured with `npm run bench:format` (its ".gsz compact" rows): see shared/format/FORMAT.md,
   * "Render-space packing". Position step 1/4000 of the diagonal (3.75x the default's), 200 rotation levels,
   * log-scale step 0.15, DC step 0.05, SH-rest residual step 0.2: playbot 45.8 dB over the whole image at 320x240 (the binding scene),
   * biker > 50 dB. One step coarser (1/3000, 160, 0.2, 0.06, 0.3) gave playbot 43.9 dB.
   */
  compact: {
    positionStep: 1 / 4000,
    rotationLevels: 200,
    logScaleStep: 0.15,
    shDCStep: 0.05,
    shResidualStep: 0.2,
    shResidualRounding: 0.5,
  },
} as const satisfies Record<string, GszEncodeOptions>;

export type GszProfile = keyof typeof GSZ_PROFILES;
export const GSZ_PROFILE_NAMES = Object.keys(GSZ_PROFILES) as GszProfile[];
