// The CPU pre-pass of the first frames (cpu-project.ts), reading the packed layout, against the
// compressor's independent CPU reference (compressor/render/reference) run on the same Gaussians as the
// packed layout holds them (unpacked, so only the projected slot's half floats differ): same visible set (less the splats fainter than the quad's
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
import { shRestWords, unpackProjected, unpackSplat } from './splat-layout.ts';

/** The scene as the packed layout holds it (quantized), for the reference. */
function dequantized(scene: ReturnType<typeof createScene>, packed: ReturnType<typeof packSplats>) {
  // (`scene` gives the counts and flags; the values come from `packed`.)
  const out = createScene(scene.count, scene.shDegree, scene.antialiased);
  const words = shRestWords(scene.shDegree);
  const rest = scene.shRest.length / scene.count;
  for (let i = 0; i < scene.count; i++) {
    const u = unpackSplat(packed.splats, packed.shRest, words, i, rest);
    out.positions.set(u.position, i * 3);
    out.logScales.set(u.logScale, i * 3);
    out.rotations.set(u.rotation, i * 4);
    out.opacityLogits[i] = u.opacityLogit;
    out.shDC.set(u.shDC, i * 3);
    out.shRest.set(u.shRest, i * rest);
  }
  return out;
}

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
  const packed = packSplats(randomScene(400));
  const scene = dequantized(randomScene(400), packed);
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
  const out = projectOnCpu(packed.splats, packed.shRest, shRestWords(2), scene.count, camera, 2, true);
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
  // 1e-3 relative: float32 centres, half-float (2^-11 relative) axes, colours and opacity; 2.5e-3 for
  // quadratic forms of two half-float axes.
  const close = (a: number, b: number, what: string, tolerance = 1e-3) =>
    assert.ok(Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
  expected.forEach(({ p, rgb }, k) => {
    const q = unpackProjected(out.projected, out.order[k]!);
    close(q.centre[0], p.mean2d[0], 'x');
    close(q.centre[1], p.mean2d[1], 'y');
    close(q.opacity, p.opacity, 'opacity');
    rgb.forEach((c, j) => {
      close(q.rgb[j]!, c, 'colour');
    });
    // The quad's half-axes M, m reach the ellipse where alpha = QUAD_ALPHA_FACTOR / 255 (u^T conic u =
    // P there) and are conjugate (M^T conic m = 0), so corner coordinates c give u^T conic u = P |c|^2.
    const [a, b, c] = p.conic;
    const form = (u: number[], v: number[]) =>
      a * u[0]! * v[0]! + b * (u[0]! * v[1]! + u[1]! * v[0]!) + c * u[1]! * v[1]!;
    const major = q.major;
    const ml = Math.hypot(major[0], major[1]);
    const minor = [(-major[1] * q.minorLength) / ml, (major[0] * q.minorLength) / ml];
    const level = 2 * Math.log((p.opacity * 255) / QUAD_ALPHA_FACTOR);
    close(form(major, major), level, 'major axis level', 2.5e-3);
    close(form(minor, minor), level, 'minor axis level', 2.5e-3);
    close(form(major, minor) / level, 0, 'conjugate axes', 2.5e-3);
    assert.ok(
      Math.hypot(major[0]!, major[1]!) >= Math.hypot(minor[0]!, minor[1]!) * (1 - 1e-6),
      'major >= minor',
    );
    // alpha = opacity * exp2(-(scale |c|)^2) = opacity * exp(-P |c|^2 / 2).
    close(q.exponentScale ** 2, (level / 2) * Math.LOG2E, 'exponent scale', 2.5e-3);
  });
});
