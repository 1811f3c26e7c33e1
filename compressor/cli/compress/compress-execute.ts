// `gs-compress compress` step 3 of 3 (parse -> plan -> execute): load the inputs, train with natural
// selection, pack the .gsz, render the preview, write every output atomically at the end, and print the
// summary (counts, held-out PSNR/SSIM, bytes and ratio, time per stage), or JSON lines with --json.
import { resolve } from 'node:path';
import { shRestCount, sigmoid, type ShDegree } from '../../../shared/scene/gaussian-scene.ts';
import { formatTable, trainingReport } from '../../train/report.ts';
import { encodeGsz, GszValueError } from '../../pack/gsz-encoder.ts';
import { encodePng } from '../../render/png.ts';
import { rasterization } from '../../render/rasterization.ts';
import { TrainingProgress } from '../../train/progress.ts';
import { TrainError, trainScene, type TrainResult } from '../../train/trainer.ts';
import { CliError, EXIT } from '../command.ts';
import { verifyGsz } from '../verify-gsz.ts';
import { writeFileAtomic } from '../write-atomic.ts';
import { loadCompressInputs, type CompressInputs, type StageReporter } from './compress-inputs.ts';
import type { CompressPlan } from './compress-plan.ts';

/** Bytes of an INRIA float PLY of `count` Gaussians at SH degree d (the usual uncompressed size). */
function floatPlyBytes(count: number, degree: ShDegree): number {
  return count * 4 * (3 + 3 + 3 + 1 + 3 + 4 + 3 * shRestCount(degree)) + 300;
}

export async function executeCompress(plan: CompressPlan): Promise<number> {
  const { request, gpu } = plan;
  const json = request.json;
  const stages: Record<string, number> = {};
  const reporter: StageReporter = {
    say: (message) =>
      json ? process.stdout.write(`${JSON.stringify({ type: 'log', message })}\n`) : console.error(message),
    async timed(stage, f) {
      const t0 = performance.now();
      try {
        return await f();
      } finally {
        stages[stage] = Math.round((performance.now() - t0) / 100) / 10;
      }
    },
  };
  const { say, timed } = reporter;
  const inputs = await loadCompressInputs(plan, reporter);
  const { views, up, background } = inputs;

  const startedTrain = performance.now();
  const result = await train(plan, inputs, say);
  stages.train = Math.round((performance.now() - startedTrain) / 100) / 10;
  const report = trainingReport({ ...result, runs: [result] });
  const scene = result.scene;

  const gsz = await timed('pack', () =>
    encodeGsz(scene, {
      importance: result.importance,
      shDegree: request.shDegree ?? scene.shDegree,
      up: up.vector,
      background,
      onProgress: (stage) =>
        say(stage === 'k-means' ? 'pack: k-means for the SH codebook' : 'pack: encoding chunks'),
    }),
  ).catch((error: unknown) => {
    if (error instanceof GszValueError) throw new CliError(`trained scene: ${error.message}`);
    throw error;
  });
  const inputBytes =
    request.mode === 'a' ? floatPlyBytes(result.counts.selectionStart, scene.shDegree) : inputs.inputBytes;
  let preview: Uint8Array | undefined;
  if (request.preview) {
    const index = views.split.test[0] ?? views.split.train[0];
    const camera = views.cameras[index];
    const { image } = await rasterization(gpu, scene, camera, { background: views.background });
    preview = encodePng(image, camera.width, camera.height);
  }
  views.destroy();
  const summary = {
    input: request.input,
    mode: request.mode,
    output: request.output,
    gaussians: {
      initial: result.counts.initial,
      selectionStart: result.counts.selectionStart,
      final: scene.count,
      budget: result.budget,
    },
    heldOut: {
      views: result.evaluation?.views ?? 0,
      psnr: report.arms.at(-1)!.psnr,
      ssim: report.arms.at(-1)!.ssim,
      against: request.mode === 'c' ? 'teacher renders' : 'photos',
    },
    bytes: {
      output: gsz.length,
      input: inputBytes,
      inputIs: inputs.inputLabel,
      ratio: Math.round((inputBytes / gsz.length) * 10) / 10,
    },
    up: { vector: up.vector, from: up.source },
    background: background ?? null,
    meanOpacity: scene.count
      ? Array.from(scene.opacityLogits, sigmoid).reduce((a, b) => a + b, 0) / scene.count
      : 0,
    iterations: plan.iterations,
    stagesSeconds: stages,
    training: report,
  };
  await timed('write', async () => {
    await writeFileAtomic(request.outputPath, gsz, { verify: verifyGsz(request.output) });
    if (preview && request.preview) await writeFileAtomic(resolve(request.preview), preview);
    if (request.report)
      await writeFileAtomic(resolve(request.report), `${JSON.stringify(summary, null, 2)}\n`);
  });
  if (json) {
    process.stdout.write(`${JSON.stringify({ type: 'summary', ...summary })}\n`);
    return EXIT.ok;
  }
  console.log(formatTable(report));
  console.log(
    `${request.output}: ${summary.gaussians.initial.toLocaleString('en-US')} -> ${summary.gaussians.selectionStart.toLocaleString('en-US')} at selection -> ` +
      `${scene.count.toLocaleString('en-US')} Gaussians (budget ${result.budget.toLocaleString('en-US')}); held-out (${summary.heldOut.views} views vs ${summary.heldOut.against}) ` +
      `PSNR ${summary.heldOut.psnr?.toFixed(2) ?? '-'} dB, SSIM ${summary.heldOut.ssim?.toFixed(4) ?? '-'}; ${gsz.length.toLocaleString('en-US')} bytes, ` +
      `${summary.bytes.ratio}x smaller than ${inputs.inputLabel} (${inputBytes.toLocaleString('en-US')} bytes)`,
  );
  console.log(
    `up [${up.vector.map((v) => Number(v.toFixed(4))).join(', ')}] (from ${up.source}), background ${background ? `[${background.join(', ')}]` : 'none'}` +
      (views.randomBackground ? ' (trained over random backgrounds: the photos are opaque)' : ''),
  );
  console.log(
    `time per stage (s): ${Object.entries(stages)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  return EXIT.ok;
}

/** Natural selection to the budget, with a progress bar (or JSON progress lines). */
async function train(
  plan: CompressPlan,
  inputs: CompressInputs,
  say: (m: string) => void,
): Promise<TrainResult> {
  const { request } = plan;
  const { budget } = request;
  try {
    say(
      `training: mode (${request.mode}), ${plan.iterations} iterations, budget ${'count' in budget ? budget.count : `${budget.fraction * 100}%`}`,
    );
    const bar = new TrainingProgress({
      total: plan.totalIterations,
      mode: request.json ? 'json' : 'auto',
      stream: request.json ? process.stdout : process.stderr,
    });
    const result = await trainScene({
      gpu: plan.gpu,
      views: inputs.views,
      initial: inputs.initial,
      mode: plan.trainMode,
      iterations: plan.iterations,
      budget,
      shDegree: request.shDegree,
      denseTarget: plan.denseTarget,
      seed: request.seed,
      deadline: plan.deadline,
      progress: bar,
      log: (m) => (bar.mode === 'quiet' ? say(m) : bar.log(m)),
    });
    bar.stop();
    return result;
  } catch (error) {
    if (error instanceof TrainError) throw new CliError(error.message);
    throw error;
  }
}
