// SH degree trimming: bands whose coefficients are all too small to change a displayed colour are dropped by
// the encoder, the header records the input degree, `pack` and `info` report it; a band with one coefficient
// past the threshold is kept; a scene that needs its bands keeps them (also small but visible ones).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { decodeGsz, decodeGszHeader } from '../../shared/format/gsz-decoder.ts';
import { shRestCount } from '../../shared/scene/gaussian-scene.ts';
import { command as info } from '../cli/commands/info.ts';
import { command as pack } from '../cli/commands/pack.ts';
import { randomScene, withTempDir } from '../io/test-helpers.ts';
import { writePly } from '../io/write-ply.ts';
import { encodeGsz } from './gsz-encoder.ts';
import { neededShDegree, SH_INVISIBLE_COEFFICIENT } from './sh-degree-trim.ts';

const ZERO_BIN = SH_INVISIBLE_COEFFICIENT;
const small = { codebookSize: 16, kmeansIterations: 2 };

/** A degree-3 scene whose bands above `keep` hold values strictly below the threshold. */
function sceneKeeping(keep: 0 | 1 | 2) {
  const scene = randomScene(600, 3, 50 + keep);
  const k = shRestCount(3);
  for (let i = 0; i < scene.count; i++)
    for (let j = shRestCount(keep); j < k; j++)
      for (let c = 0; c < 3; c++) scene.shRest[(i * k + j) * 3 + c] *= 0.99 * ZERO_BIN;
  return scene;
}

test('neededShDegree: the highest band reaching the threshold; exact zeros only with a threshold of 0', () => {
  assert.ok(ZERO_BIN * 1.5 * 255 <= 0.5 + 1e-12, 'half an 8-bit level at |Y| = 1.5');
  // SH values of +-0.05 (well inside the residual's zero bin, but kept by the centroids) are visible: kept.
  const faint = randomScene(50, 2, 9);
  for (let i = 0; i < faint.shRest.length; i++) faint.shRest[i] = faint.shRest[i] > 0 ? 0.05 : -0.05;
  assert.equal(neededShDegree(faint, ZERO_BIN), 2);
  for (const keep of [0, 1, 2] as const) assert.equal(neededShDegree(sceneKeeping(keep), ZERO_BIN), keep);
  const edge = sceneKeeping(1);
  edge.shRest[(7 * 15 + 14) * 3 + 1] = -1.0001 * ZERO_BIN; // one band-3 coefficient just past the edge: kept
  assert.equal(neededShDegree(edge, ZERO_BIN), 3);
  assert.equal(neededShDegree(sceneKeeping(1), 0), 3);
  const zeros = sceneKeeping(0);
  zeros.shRest.fill(0);
  assert.equal(neededShDegree(zeros, 0), 0);
  assert.equal(neededShDegree(randomScene(50, 3, 2), ZERO_BIN), 3);
  assert.equal(neededShDegree(randomScene(0, 2, 2), ZERO_BIN), 2);
});

test('the encoder drops empty bands, records the input degree, and decodes to the same first bands', async () => {
  const scene = sceneKeeping(1);
  const bytes = await encodeGsz(scene, small);
  const header = decodeGszHeader(bytes);
  assert.equal(header.shDegree, 1);
  assert.equal(header.shDegreeTrimmedFrom, 3);
  const untrimmed = await encodeGsz(randomScene(600, 3, 51), small);
  assert.equal(decodeGszHeader(untrimmed).shDegreeTrimmedFrom, undefined);
  assert.ok(bytes.length < untrimmed.length, `${bytes.length} vs ${untrimmed.length}`);
  const decoded = decodeGsz(bytes);
  assert.equal(decoded.shDegree, 1);
});

test('pack prints the trimmed degree and info reports the trimming', async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, 'in.ply');
    await writePly(input, sceneKeeping(0));
    const out = join(dir, 'out.gsz');
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => lines.push(args.join(' '));
    try {
      await pack.run([input, '-o', out, '--kmeans', 'cpu']);
      await info.run([out]);
    } finally {
      console.log = log;
    }
    const text = lines.join('\n');
    assert.match(text, /SH degree 0 \(trimmed from 3: higher bands below the SH quantization step\)/);
    assert.match(
      text,
      /SH degree 0 \(trimmed from 3: the higher bands carried nothing above the quantization step\)/,
    );
  });
});
