// Readies the draw (the one the first frame needs) before the first scene: compiles the pipeline, then
// draws one splat with it into a small texture of the target format. Software GPUs (SwiftShader) compile
// their vertex/setup/pixel routines for a pipeline state on its first draw, not at pipeline creation
// (measured: the first frame's GPU work took ~1.3 s for 4096 splats, later frames ~0.1 s), so this moves
// that cost off the first frame, onto the wait for the first chunk. Once per device and format.
import { perDevice } from '../../../shared/gpu/pipeline-cache.ts';
import type { Camera } from '../../../shared/math/camera.ts';
import { packFrameParams, packRelativeCamera } from './frame-params.ts';
import { bindings, drawPipeline } from './pipelines.ts';
import { packSplat, SPLAT_WORDS } from './splat-layout.ts';

/** Each (device, format)'s one warm-up draw. */
export const warmUpDraw = perDevice(
  (device, format: GPUTextureFormat): Promise<void> =>
    drawPipeline(device, format).then(
      (pipeline) => drawOne(device, format, pipeline),
      () => undefined,
    ),
);

function drawOne(device: GPUDevice, format: GPUTextureFormat, pipeline: GPURenderPipeline): void {
  const size = 8;
  // One splat 1 unit in front of the camera, about half the texture wide, so the pixel routine runs too.
  const camera: Camera = {
    width: size,
    height: size,
    fx: size,
    fy: size,
    cx: size / 2,
    cy: size / 2,
    viewMatrix: new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]),
  };
  const grids = { logScale: { min: -1, step: 1 }, shDC: { min: 0, step: 1 } };
  const splat = new Uint32Array(SPLAT_WORDS);
  const fields = { position: [0, 0, 1], logScale: [-1, -1, -1], rotation: [1, 0, 0, 0], shDC: [0, 0, 0] };
  packSplat({ ...fields, opacityLogit: 0, shRest: [] }, grids, 0, splat, new Uint32Array(), 0);
  const bounds = new Float64Array([0, 0, 1, 0, 0, 1]);
  const frame = packFrameParams({
    camera,
    count: 1,
    shDegree: 0,
    shWords: 0,
    antialiased: false,
    bounds,
    grids,
  });
  const uniform = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const buffer = (data: ArrayBuffer, usage: number): GPUBuffer => {
    const b = device.createBuffer({ label: 'gs-scene.warm-up', size: Math.max(16, data.byteLength), usage });
    device.queue.writeBuffer(b, 0, data);
    return b;
  };
  const buffers = [
    buffer(packRelativeCamera(camera), uniform),
    buffer(frame, uniform),
    buffer(splat.buffer, storage),
    buffer(new ArrayBuffer(16), storage),
    buffer(new ArrayBuffer(16), storage),
  ];
  const texture = device.createTexture({
    label: 'gs-scene.warm-up',
    size: [size, size],
    format,
    usage: GPUTextureUsage.RENDER_ATTACHMENT,
  });
  const encoder = device.createCommandEncoder({ label: 'gs-scene.warm-up' });
  const pass = encoder.beginRenderPass({
    colorAttachments: [
      { view: texture.createView(), loadOp: 'clear', storeOp: 'store', clearValue: [0, 0, 0, 0] },
    ],
  });
  pass.setPipeline(pipeline);
  pass.setBindGroup(
    0,
    device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: bindings(buffers.map((b, i) => [i, b])),
    }),
  );
  pass.draw(3);
  pass.end();
  device.queue.submit([encoder.finish()]);
  // Destroying after the submit is allowed: the queued work still runs.
  texture.destroy();
  for (const b of buffers) b.destroy();
}
