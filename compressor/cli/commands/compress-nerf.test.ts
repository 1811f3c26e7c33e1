// `gs-compress compress` on a NeRF/Blender capture (the demo scene: +Z up, RGBA photos on white) with the
// quirks of real datasets: frames whose image is missing and a lens model in transforms.json. The .gsz
// records the up axis inferred from the cameras (not the COLMAP default), the background it was trained
// against, and `render` of the file with no camera shows the scene upright (the ground disc, seen from
// above, wider than tall, under the objects).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { decodeGszHeader } from '../../../shared/format/gsz-decoder.ts';
import { writeDemoDataset } from '../../demo-scene/dataset.ts';
import { gpuOrSkip } from '../../gpu/test-gpu.ts';
import { EXIT } from '../command.ts';
import { command as compress } from './compress.ts';
import { command as render } from './render.ts';

test('compress: a Z-up NeRF capture with missing frames and a lens model packs upright', {
  timeout: 600_000,
}, async (t) => {
  if (!(await gpuOrSkip(t))) return;
  const dir = await mkdtemp(join(tmpdir(), 'gs-compress-nerf-'));
  try {
    const data = join(dir, 'data');
    await writeDemoDataset(data, { views: 18, size: 40, spp: 1, points: 1500 });
    const transforms = join(data, 'transforms_train.json');
    const json = JSON.parse(await readFile(transforms, 'utf8'));
    // Two frames without images (as instant-ngp's fox) and a mild lens model the loader must apply.
    json.frames.push(
      { ...json.frames[0], file_path: './train/gone_a' },
      { ...json.frames[1], file_path: './train/gone_b' },
    );
    Object.assign(json, { k1: 0.01, k2: -0.002, p1: 0.0005, p2: 0 });
    await writeFile(transforms, JSON.stringify(json));
    const out = join(dir, 'out.gsz');
    const report = join(dir, 'report.json');
    const code = await compress.run([
      data,
      '-o',
      out,
      '--iterations',
      '120',
      '--budget',
      '0.5',
      '--dense-target',
      '3000',
      '--resolution',
      '40',
      '--report',
      report,
    ]);
    assert.equal(code, EXIT.ok);
    const header = decodeGszHeader(new Uint8Array(await readFile(out)));
    assert.deepEqual(header.up, [0, 0, 1], 'inferred from the cameras, not the COLMAP default [0, -1, 0]');
    assert.deepEqual(header.background, [1, 1, 1], 'RGBA photos composited on white');
    const summary = JSON.parse(await readFile(report, 'utf8'));
    assert.deepEqual(summary.up, { vector: [0, 0, 1], from: 'the cameras' });
    t.diagnostic(`held-out PSNR ${summary.heldOut.psnr} dB, ${summary.gaussians.final} Gaussians`);

    const png = join(dir, 'view.png');
    assert.equal(await render.run([out, '-o', png, '--width', '64', '--height', '48']), EXIT.ok);
    const image = PNG.sync.read(await readFile(png));
    // The file's white background fills the corners; the foreground is the scene.
    let [x0, x1, y0, y1] = [64, -1, 48, -1];
    for (let y = 0; y < 48; y++)
      for (let x = 0; x < 64; x++) {
        const i = (y * 64 + x) * 4;
        if (Math.min(image.data[i], image.data[i + 1], image.data[i + 2]) > 225) continue;
        [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
      }
    assert.ok(image.data[0] > 225 && image.data[1] > 225, 'the recorded white background is used');
    const aspect = (x1 - x0 + 1) / Math.max(1, y1 - y0 + 1);
    assert.ok(aspect > 1.2, `upright: the disc is wide and flat (foreground ${x1 - x0 + 1}x${y1 - y0 + 1})`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
