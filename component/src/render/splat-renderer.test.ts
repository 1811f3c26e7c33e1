// The viewer's frame on the GPU (Dawn): the depth order is a back-to-front permutation of exactly the
// drawn splats, with the indirect draw count; the first frames' CPU order draws the same picture; and a
// scene 10 km from the origin (seen from as far) draws as the same scene at the origin.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gpuOrSkip } from '../../../compressor/gpu/test-gpu.ts';
import { readU32 } from '../../../shared/gpu/test-buffers.ts';
import { type Camera, lookAt, type Vec3 } from '../../../shared/math/camera.ts';
import { mulberry32 } from '../../../shared/math/random.ts';
import { createScene, type GaussianScene } from '../../../shared/scene/gaussian-scene.ts';
import { cameraEye } from './frame-params.ts';
import { gridsOfScene, packSplats } from './packed-splats.ts';
import { SplatRenderer } from './splat-renderer.ts';
import { SplatStore } from './splat-store.ts';
import { shRestWords } from './splat-layout.ts';

const SIZE = 64;
const FORMAT: GPUTextureFormat = 'rgba8unorm';

/** Overlapping splats of strong, different colours in a unit ball (order mistakes show). */
function ball(count: number, offset: Vec3 = [0, 0, 0]): GaussianScene {
  const rand = mulberry32(3);
  const scene = createScene(count, 3);
  for (let i = 0; i < count; i++) {
    for (let a = 0; a < 3; a++) {
      scene.positions[i * 3 + a] = offset[a]! + (rand() - 0.5) * 1.6;
      scene.logScales[i * 3 + a] = -3 + rand();
      scene.shDC[i * 3 + a] = (rand() - 0.5) * 4;
    }
    scene.rotations.set([rand() - 0.5, rand() - 0.5, rand() - 0.5, rand() - 0.5], i * 4);
    scene.opacityLogits[i] = rand() * 4 - 1;
  }
  for (let i = 0; i < scene.shRest.length; i++) scene.shRest[i] = (rand() - 0.5) * 0.6;
  return scene;
}

function camera(offset: Vec3 = [0, 0, 0]): Camera {
  const eye: Vec3 = [offset[0] + 1.5, offset[1] - 1, offset[2] - 3.2];
  return {
    width: SIZE,
    height: SIZE,
    fx: 60,
    fy: 60,
    cx: SIZE / 2,
    cy: SIZE / 2,
    viewMatrix: lookAt(eye, offset, [0, -1, 0]),
  };
}

/** Renders `scene` (its first frame in the CPU order, or with the GPU depth order) and reads it back. */
async function render(device: GPUDevice, scene: GaussianScene, cam: Camera, gpuOrder: boolean) {
  const store = new SplatStore(device, scene.count, shRestWords(3));
  store.write(0, packSplats(scene, gridsOfScene(scene)));
  const renderer = await SplatRenderer.create(device, FORMAT, store);
  if (gpuOrder) await renderer.enableGpuPath();
  const texture = device.createTexture({
    size: [SIZE, SIZE],
    format: FORMAT,
    usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
  });
  const pixels = device.createBuffer({
    size: SIZE * SIZE * 4,
    usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
  });
  const encoder = device.createCommandEncoder();
  const frame = { camera: cam, background: { r: 0, g: 0, b: 0, a: 1 }, shDegree: 3, antialiased: false };
  renderer.encode(encoder, texture.createView(), frame);
  encoder.copyTextureToBuffer({ texture }, { buffer: pixels, bytesPerRow: SIZE * 4 }, [SIZE, SIZE]);
  device.queue.submit([encoder.finish()]);
  const image = new Uint8Array((await readU32(device, pixels, SIZE * SIZE)).buffer);
  const counters = await readU32(device, (renderer as unknown as { counters: GPUBuffer }).counters, 4);
  const order = await readU32(device, (renderer as unknown as { order: GPUBuffer }).order, scene.count);
  renderer.destroy();
  store.destroy();
  texture.destroy();
  pixels.destroy();
  return { image, vertices: counters[0]!, order };
}

/** Largest and mean channel difference, and the share of channels more than 8 levels apart. */
function difference(a: Uint8Array, b: Uint8Array): { max: number; mean: number; over8: number } {
  let max = 0;
  let sum = 0;
  let over8 = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    max = Math.max(max, d);
    sum += d;
    if (d > 8) over8++;
  }
  return { max, mean: sum / a.length, over8: over8 / a.length };
}

test('the GPU depth order draws the drawn splats back to front, as the CPU order does', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const scene = ball(3000);
  const cam = camera();
  const cpu = await render(gpu.device, scene, cam, false);
  const ordered = await render(gpu.device, scene, cam, true);
  gpu.check();
  // Every splat of the ball is in front of the camera and bright enough: all are drawn, once each.
  const drawn = ordered.vertices / 3;
  assert.ok(drawn > 2900 && drawn <= 3000, `${drawn} splats drawn`);
  const order = Array.from(ordered.order.subarray(0, drawn));
  assert.equal(new Set(order).size, drawn, 'a permutation');
  const eye = cameraEye(cam);
  const m = cam.viewMatrix;
  const depth = (i: number) =>
    m[2]! * (scene.positions[i * 3]! - eye[0]) +
    m[6]! * (scene.positions[i * 3 + 1]! - eye[1]) +
    m[10]! * (scene.positions[i * 3 + 2]! - eye[2]);
  // Far to near, up to the 16-bit log-depth key's resolution (ln(far / near) / 65535 relative).
  for (let k = 1; k < drawn; k++)
    assert.ok(depth(order[k]!) <= depth(order[k - 1]!) * (1 + 1e-4), `order at ${k}`);
  // The picture matches the first frames' exact CPU order (splats sharing a 16-bit key are drawn in
  // any order: two overlapping ones may swap, a few channels).
  const d = difference(cpu.image, ordered.image);
  t.diagnostic(`CPU vs GPU order: max ${d.max}, mean ${d.mean.toFixed(4)} of 255`);
  assert.ok(d.mean < 0.1 && d.over8 < 0.002, `CPU vs GPU order differ: ${JSON.stringify(d)}`);
  // A scrambled order would not: the test can fail.
  assert.ok(
    cpu.image.some((v, i) => i % 4 !== 3 && v > 40),
    'the ball is drawn',
  );
});

test('a scene 10 km from the origin draws as the same scene at the origin', async (t) => {
  const gpu = await gpuOrSkip(t);
  if (!gpu) return;
  const offset: Vec3 = [1e4, -1e4, 1e4];
  const far = ball(3000, offset);
  // The same float32 geometry at the origin (exact: the differences are multiples of float32's 2^-10
  // spacing at 1e4), so only the renderer's arithmetic can tell the two apart. The first frames' exact
  // CPU order keeps key ties out of the comparison.
  const near = ball(3000);
  for (let i = 0; i < near.positions.length; i++) near.positions[i] = far.positions[i]! - offset[i % 3]!;
  const a = await render(gpu.device, near, camera(), false);
  const b = await render(gpu.device, far, camera(offset), false);
  gpu.check();
  const d = difference(a.image, b.image);
  t.diagnostic(`origin vs 1e4 offset: max ${d.max}, mean ${d.mean.toFixed(4)} of 255`);
  // Old world-space projection (view matrix with the translation, in float32): max 103, mean 5.4.
  assert.ok(d.max <= 3 && d.mean < 0.05, `offset scene differs: ${JSON.stringify(d)}`);
});
