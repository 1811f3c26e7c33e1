// Learning rates of 3DGS training per attribute (names match packed-adam.ts sections), including the
// position schedule (3DGS get_expon_lr_func: log-linear from init to final over the run) and the
// opacity factor natural selection applies (x4 during selection).

export interface LearningRateConfig {
  positionInit: number; // × scene extent
  positionFinal: number; // × scene extent
  shDC: number;
  shRest: number;
  opacity: number;
  scale: number;
  rotation: number;
}

/** The natural-selection reference (authors' GNS arguments): position 4e-5 -> 2e-6. */
export const REFERENCE_RATES: LearningRateConfig = {
  positionInit: 4e-5,
  positionFinal: 2e-6,
  shDC: 0.0025,
  shRest: 0.0025 / 20,
  opacity: 0.025,
  scale: 0.005,
  rotation: 0.001,
};

/** Vanilla 3DGS: position 1.6e-4 -> 1.6e-6. */
export const VANILLA_3DGS_RATES: LearningRateConfig = {
  ...REFERENCE_RATES,
  positionInit: 1.6e-4,
  positionFinal: 1.6e-6,
};

/** 3DGS exponential (log-linear) decay from `init` at step 0 to `final` at `maxSteps`. */
export function exponentialLr(step: number, init: number, final: number, maxSteps: number): number {
  if (step < 0 || (init === 0 && final === 0)) return 0;
  const t = Math.min(1, Math.max(0, step / maxSteps));
  return Math.exp(Math.log(init) * (1 - t) + Math.log(final) * t);
}

/** Learning rate per packed section at iteration `it` of a run of `iterations`. */
export function learningRates(
  it: number,
  iterations: number,
  sceneExtent: number,
  opacityFactor = 1,
  config: LearningRateConfig = REFERENCE_RATES,
): Record<'means' | 'logScales' | 'quats' | 'opacities' | 'shDC' | 'shRest', number> {
  return {
    means: exponentialLr(
      it,
      config.positionInit * sceneExtent,
      config.positionFinal * sceneExtent,
      iterations,
    ),
    logScales: config.scale,
    quats: config.rotation,
    opacities: config.opacity * opacityFactor,
    shDC: config.shDC,
    shRest: config.shRest,
  };
}
