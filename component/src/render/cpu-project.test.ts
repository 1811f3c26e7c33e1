// The CPU pre-pass of the first frames (cpu-project.ts) against the compressor's independent CPU
// reference (compressor/render/reference): same visible set (less the splats fainter than the quad's
// cut-off), centres, opacities, colours, and back-to-front order; the quad's axes are conjugate under the
// reference conic and reach the cut-off level, and the exponent scale turns corner coordinates into the
// reference's alpha.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lookAt, type Camera } from '../../../shared/math/camera.ts';
import { mulberry32 } from '../../../shared/math/random.ts';
import { createScene } from '../../../shared/scene/gaussian-scene.ts';
import { cameraCentre, projectReference } from '../../../compressor/render/reference/projection.ts';
import { shColorReference } from '../../../compressor/render/reference/sh.ts';
import { projectOnCpu, QUAD_ALPHA_FACTOR } from './cpu-project.ts';
import { packSplats } from './packed-splats.ts';

function randomScene(count: number) {
  const rand = mulberry32(7);
  const scene = createScene(count, 2, true);
  for (let i = 0; i < count; i++) {
    for (let a = 0; a < 3; a++) {
      scene.positions[i * 3 + a] = (rand() - 0.5) * 4;
      scene.logScales[i * 3 + a] = Math.log(0.02 + rand() * 0.2);
      scene.shDC[i * 3 + a] = rand() - 0.5;
    }
    for (let a = 0; a < 4; a++) scene.rotations[i * 4 + a] = rand() - 0.5;
    scene.opacityLogits[i] = (rand() - 0.3) * 6;
  }
  for (let i = 0; i < scene.shRest.length; i++) scene.shRest[i] = (rand() - 0.5) * 0.3;
  return scene;
}

test('CPU projection matches the reference projection and SH, sorted back to front', () => {
  const scene = randomScene(400);
  const width = 160;
  const height = 120;
  const camera: Camera = {
    width,
    height,
    fx: 130,
    fy: 130,
    cx: 80,
    cy: 60,
    viewMatrix: lookAt([0.3, -1, -5], [0, 0, 0], [0, -1, 0]),
  };
  const packed = packSplats(scene);
  const out = projectOnCpu(packed.splats, packed.shRest, 24, scene.count, camera, 2, true);
  const eye = cameraCentre(camera);
  const expected = [];
  for (let i = 0; i < scene.count; i++) {
    const p = projectReference(
      camera,
      [...scene.positions.subarray(i * 3, i * 3 + 3)],
      [...scene.logScales.subarray(i * 3, i * 3 + 3)],
      [...scene.rotations.subarray(i * 4, i * 4 + 4)],
      scene.opacityLogits[i]!,
      true,
    );
    // Splats whose opacity is below the quad's cut-off level draw nothing and are culled.
    if (p.visible && p.opacity > QUAD_ALPHA_FACTOR / 255)
      expected.push({
        p,
        rgb: shColorReference(
          i,
          [...scene.positions.subarray(i * 3, i * 3 + 3)],
          eye,
          scene.shDC,
          scene.shRest,
          2,
          2,
        ),
      });
  }
  assert.ok(expected.length > 100, `only ${expected.length} visible`);
  assert.equal(out.count, expected.length);
  expected.sort((a, b) => b.p.depth - a.p.depth);
  // 1e-3 relative: float32 storage of float64 maths on values of order 1-1000.
  const close = (a: number, b: number, what: string) =>
    assert.ok(Math.abs(a - b) <= 1e-3 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
  expected.forEach(({ p, rgb }, k) => {
    const o = out.order[k]! * 12;
    const f = out.projected;
    close(f[o]!, p.mean2d[0], 'x');
    close(f[o + 1]!, p.mean2d[1], 'y');
    close(f[o + 11]!, p.opacity, 'opacity');
    rgb.forEach((c, j) => {
      close(f[o + 8 + j]!, c, 'colour');
    });
    // The quad's half-axes M, m reach the ellipse where alpha = QUAD_ALPHA_FACTOR / 255 (u^T conic u =
    // P there) and are conjugate (M^T conic m = 0), so corner coordinates c give u^T conic u = P |c|^2.
    const [a, b, c] = p.conic;
    const form = (u: number[], v: number[]) =>
      a * u[0]! * v[0]! + b * (u[0]! * v[1]! + u[1]! * v[0]!) + c * u[1]! * v[1]!;
    const major = [f[o + 2]!, f[o + 3]!];
    const minor = [f[o + 4]!, f[o + 5]!];
    const level = 2 * Math.log((p.opacity * 255) / QUAD_ALPHA_FACTOR);
    close(form(major, major), level, 'major axis level');
    close(form(minor, minor), level, 'minor axis level');
    close(form(major, minor) / level, 0, 'conjugate axes');
    assert.ok(
      Math.hypot(major[0]!, major[1]!) >= Math.hypot(minor[0]!, minor[1]!) * (1 - 1e-6),
      'major >= minor',
    );
    // alpha = opacity * exp2(-(scale |c|)^2) = opacity * exp(-P |c|^2 / 2).
    close(f[o + 6]! ** 2, (level / 2) * Math.LOG2E, 'exponent scale');
  });
});
