// Writes the phone-limits e2e fixture (limits.spec.ts) into e2e/fixtures/ (git-ignored) when missing: a
// synthetic SH-degree-0 scene larger than WebGPU's default buffer limits hold in the viewer's layout
// (6M Gaussians; 128 MiB bindings hold 5.59M 24-byte records). The first VISIBLE Gaussians form a
// coloured ball; the rest are faint specks (below the viewer's alpha cut-off, so culled by the depth
// order and never drawn: the test pays only for its passes), all at one point, which makes the file small
// and fast to make.
//   node --import ./scripts/register.mjs e2e/make-limits-fixture.ts
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeGsz } from '../compressor/pack/gsz-encoder.ts';
import { mulberry32 } from '../shared/math/random.ts';
import { createScene } from '../shared/scene/gaussian-scene.ts';

export const LIMITS_FIXTURE_COUNT = 6_000_000;
const VISIBLE = 40_000;
const file = fileURLToPath(new URL(`./fixtures/limits-${LIMITS_FIXTURE_COUNT}.gsz`, import.meta.url));

if (!existsSync(file)) {
  const n = LIMITS_FIXTURE_COUNT;
  const scene = createScene(n, 0);
  const rand = mulberry32(19);
  for (let i = 0; i < n; i++) {
    const visible = i < VISIBLE;
    // Uniform in a ball of radius 1 (visible); the specks all at the centre (identical values code to
    // almost nothing).
    let x = 0;
    let y = 0;
    let z = 0;
    while (visible) {
      x = rand() * 2 - 1;
      y = rand() * 2 - 1;
      z = rand() * 2 - 1;
      if (x * x + y * y + z * z <= 1) break;
    }
    scene.positions.set([x, y, z], i * 3);
    const logScale = visible ? -3.2 : -7;
    scene.logScales.set([logScale, logScale, logScale], i * 3);
    scene.rotations.set([1, 0, 0, 0], i * 4);
    // Visible: opacity 0.88; specks: 0.0009 (below the 2/255 quad cut-off).
    scene.opacityLogits[i] = visible ? 2 : -7;
    // DC colour by position: a gradient ball.
    scene.shDC.set([x * 1.5, y * 1.5, z * 1.5], i * 3);
  }
  const bytes = await encodeGsz(scene, { up: [0, 0, 1] });
  mkdirSync(fileURLToPath(new URL('./fixtures/', import.meta.url)), { recursive: true });
  writeFileSync(`${file}.tmp`, bytes);
  renameSync(`${file}.tmp`, file);
  console.log(`wrote ${file}: ${n} Gaussians, ${(bytes.length / 1e6).toFixed(1)} MB`);
}
