// The trainer's edits (densify, prune, the exact-budget cut) on a scene held in parameter parts under a
// capped storage binding: parameters and optimizer moments after each edit equal the one-buffer path's
// and a CPU row gather's exactly (an edit only copies rows), including when the count crosses the
// one-binding size in either direction; and training refuses, before starting, a run whose
// densification target cannot fit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScene, type GaussianScene } from '../../../shared/scene/gaussian-scene.ts';
import { GpuLimitError } from '../../gpu/limits.ts';
import { cappedGpuOrSkip, gpuOrSkip } from '../../gpu/test-gpu.ts';
import { gaussianLayout } from '../../render/gaussian-layout.ts';
import { randomScene } from '../../render/test/scenes.ts';
import { mulberry32, sampleByOpacity } from '../../select/sampling.ts';
import { densifyAndPrune, keepRows, pruneBelowOpacity, type EditResult } from '../densify.ts';
import { NEW_ROW } from '../new-row.ts';
import { packedLayoutFrom, type PackedLayout } from '../packed-adam.ts';
import { trainScene } from '../trainer.ts';
import { GpuScene, type TrainingSnapshot } from './gpu-scene.ts';
import { blobScene } from './test-scenes.ts';
import { teacherViews } from '../teacher.ts';

const MiB = 1 << 20;

/** CPU reference of the moment re-pack: new row r of every section takes old row index[r], NEW_ROW zeros. */
function gatherCpu(
  old: PackedLayout,
  data: Float32Array,
  next: PackedLayout,
  index: Uint32Array,
): Float32Array {
  const out = new Float32Array(next.length);
  for (const section of next.sections) {
    const from = old.sections.find((s) => s.name === section.name)!;
    const c = section.columns;
    index.forEach((src, r) => {
      if (src === NEW_ROW) return;
      out.set(data.subarray(from.offset + src * c, from.offset + (src + 1) * c), section.offset + r * c);
    });
  }
  return out;
}

/** Only the rows of each section (the padding between sections is not state). */
function rowsOf(layout: PackedLayout, data: Float32Array): Float32Array[] {
  return layout.sections.map((s) => data.slice(s.offset, s.offset + layout.count * s.columns));
}

/** Densify (grow across the part boundaries), prune, then cut to a count that fits one binding. */
function edits(): ((scene: GaussianScene) => EditResult)[] {
  return [
    (scene) => {
      const r = mulberry32(4);
      const stats = { gradAccum: new Float32Array(scene.count), denom: new Float32Array(scene.count) };
      for (let i = 0; i < scene.count; i++) {
        stats.denom[i] = 1 + (i % 3);
        stats.gradAccum[i] = stats.denom[i] * 0.0006 * r();
      }
      return densifyAndPrune(scene, stats, { countTarget: 13_000, pruneBelowOpacity: 0.05, seed: 9 });
    },
    (scene) => pruneBelowOpacity(scene, 0.3),
    (scene) => {
      const all = { scene, sourceIndex: Uint32Array.from({ length: scene.count }, (_, i) => i) };
      return keepRows(all, sampleByOpacity(scene.opacityLogits, 3000, 5));
    },
  ];
}

async function runEdits(device: GPUDevice, snapshot: TrainingSnapshot) {
  const gs = GpuScene.restore(device, snapshot);
  const steps: {
    parts: number;
    scene: GaussianScene;
    moments: Float32Array[][];
    expected: Float32Array[][];
  }[] = [];
  for (const edit of edits()) {
    const before = await gs.download();
    const old = await gs.readMoments();
    const oldLayout = gs.packed;
    const e = edit(before);
    gs.replace(e.scene, e.sourceIndex);
    const after = await gs.readMoments();
    steps.push({
      parts: gs.partCount,
      scene: await gs.download(),
      moments: [rowsOf(gs.packed, after.moment1), rowsOf(gs.packed, after.moment2)],
      expected: [
        rowsOf(gs.packed, gatherCpu(oldLayout, old.moment1, gs.packed, e.sourceIndex)),
        rowsOf(gs.packed, gatherCpu(oldLayout, old.moment2, gs.packed, e.sourceIndex)),
      ],
    });
  }
  gs.destroy();
  return steps;
}

test('densify, prune and cut on a scene in parts under a 1 MiB binding match one buffer exactly', async (t) => {
  const capped = await cappedGpuOrSkip(t, { maxBindingBytes: MiB, maxBufferBytes: 2 * MiB });
  const gpu = await gpuOrSkip(t);
  if (!capped || !gpu) return;
  const scene = randomScene(10_000, 3, 11, { scale: 0.03 });
  const layout = packedLayoutFrom(gaussianLayout(scene.count, 3));
  const r = mulberry32(7);
  const snapshot: TrainingSnapshot = {
    scene,
    moment1: Float32Array.from({ length: layout.length }, () => r() - 0.5),
    moment2: Float32Array.from({ length: layout.length }, () => r()),
    steps: new Map([['opacities', 12]]),
  };
  const whole = await runEdits(gpu.device, snapshot);
  const parts = await runEdits(capped.gpu.device, snapshot);
  t.diagnostic(`counts ${parts.map((s) => s.scene.count)}, parts ${parts.map((s) => s.parts)}`);
  // 10,000 SH3 Gaussians are 3 parts of at most 4,352; densify grows them to 13,000; the cut fits one.
  assert.deepEqual(
    whole.map((s) => s.parts),
    [1, 1, 1],
  );
  assert.equal(parts[0].parts, 3);
  assert.ok(parts[0].scene.count > 12_000, `densified to ${parts[0].scene.count}`);
  assert.equal(parts.at(-1)!.parts, 1);
  assert.ok(capped.largestBuffer() <= 2 * MiB, `largest buffer ${capped.largestBuffer()} B`);
  for (const [k, step] of parts.entries()) {
    for (const key of ['positions', 'logScales', 'rotations', 'opacityLogits', 'shDC', 'shRest'] as const)
      assert.deepEqual(step.scene[key], whole[k].scene[key], `edit ${k}: ${key}`);
    // Exact: an edit copies moment rows (gathers), it computes nothing.
    assert.deepEqual(step.moments, whole[k].moments, `edit ${k}: moments vs one buffer`);
    assert.deepEqual(step.moments, step.expected, `edit ${k}: moments vs the CPU gather`);
  }
  capped.gpu.check();
});

test('training names the limit before starting when densification cannot fit', async (t) => {
  const capped = await cappedGpuOrSkip(t, { maxBindingBytes: 64 * 1024 });
  if (!capped) return;
  const views = await teacherViews(capped.gpu, blobScene(10, 1), {
    views: 3,
    width: 8,
    height: 8,
    insideOut: false,
  });
  await assert.rejects(
    trainScene({
      gpu: capped.gpu,
      views,
      initial: createScene(100, 0),
      mode: 'photos',
      iterations: 16,
      budget: { count: 1000 },
      shDegree: 0,
    }),
    (e: unknown) =>
      e instanceof GpuLimitError &&
      /^training \(densification count target\): projected splats: 3,000 Gaussians .* at most 1,365 Gaussians fit$/.test(
        e.message,
      ),
  );
  views.destroy();
});
