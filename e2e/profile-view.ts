// Per-stage profile of <gs-scene>'s frame (a development tool, not a test): loads a .gsz in the element in
// headless Chromium (bench:view's flags), then times each GPU stage of a frame (pre-pass, finalize, radix
// sort, draw, the whole frame, the element's own rAF frame) by submitting it alone and awaiting
// queue.onSubmittedWorkDone(), and a few draw variants (half-float target, vertex stage only, constant
// fragment shader, smaller triangles). Each figure is "wall ms / browser CPU ms" (this process and the browser's
// process tree from /proc): CPU time moves much less than wall time on a shared machine.
// It reaches into the element's internals (renderCtl, renderer): update it when they change.
//   node --import ./scripts/register.mjs e2e/profile-view.ts scene.gsz [repetitions]   (after npm run build)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { ownTreeCpuMs } from './bench-view-cpu.ts';
import { benchPage } from './bench-view-page.ts';
import { SWIFTSHADER_CHROMIUM_ARGS } from '../scripts/chromium-args.ts';
import { sendFile, startServer } from '../scripts/serve.ts';

if (!process.argv[2]) throw new Error('usage: e2e/profile-view.ts scene.gsz [repetitions]');
const gsz = resolve(process.argv[2]);
const reps = Number(process.argv[3] ?? 3);
const splatSource = readFileSync(new URL('../component/src/render/splat.wgsl', import.meta.url), 'utf8');
const root = resolve(new URL('..', import.meta.url).pathname);
const page = benchPage({ width: 800, height: 600, src: '/scene.gsz' });
const server = await startServer({
  root,
  port: 0,
  route: (url, _req, res) => {
    if (url.pathname === '/page.html') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
      return true;
    }
    if (url.pathname !== '/scene.gsz') return false;
    sendFile(res, gsz);
    return true;
  },
});
const origin = server.url.slice(0, -1);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: SWIFTSHADER_CHROMIUM_ARGS,
});
try {
  const p = await browser.newPage({ viewport: { width: 820, height: 620 } });
  await p.addInitScript('window.__name = (f) => f');
  p.on('console', (m) => console.error(`page: ${m.text()}`));
  p.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await p.goto(`${origin}/page.html`);
  await p.waitForFunction(
    () => (window as unknown as { marks: { load?: number } }).marks.load !== undefined,
    undefined,
    { timeout: 600_000, polling: 250 },
  );
  const marks = await p.evaluate(() => (window as unknown as { marks: unknown }).marks);
  console.log('marks', JSON.stringify(marks));
  await p.waitForTimeout(2000);
  const result = await p.evaluate(async (_reps) => {
    // biome-ignore lint/suspicious/noExplicitAny: page-side globals of this profiling harness
    const el = (window as any).viewer;
    const rc = el.renderCtl;
    const r = rc.renderer;
    const device: GPUDevice = rc.device;
    const canvas: HTMLCanvasElement = rc.canvas;
    const camera = el.cameraCtl.orbit.camera(canvas.width, canvas.height);
    const frame = {
      camera,
      background: { r: 0, g: 0, b: 0, a: 1 },
      shDegree: 3,
      antialiased: rc.antialiased,
    };
    const target = device.createTexture({
      size: [canvas.width, canvas.height],
      format: navigator.gpu.getPreferredCanvasFormat(),
      usage: GPUTextureUsage.RENDER_ATTACHMENT,
    });
    const done = () => device.queue.onSubmittedWorkDone();
    const _time = async (f: (e: GPUCommandEncoder) => void) => {
      const e = device.createCommandEncoder();
      f(e);
      const t0 = performance.now();
      device.queue.submit([e.finish()]);
      await done();
      return performance.now() - t0;
    };
    const gpu = r.gpu;
    const stages: Record<string, (e: GPUCommandEncoder) => void> = {
      empty: () => undefined,
      'full encode': (e) => r.encode(e, target.createView(), frame),
      preprocess: (e) => {
        e.clearBuffer(r.counters);
        const pass = e.beginComputePass();
        pass.setPipeline(gpu.pipes.preprocess);
        pass.setBindGroup(0, gpu.preprocessGroup);
        const groups = Math.ceil(r.store.count / 256);
        pass.dispatchWorkgroups(Math.min(groups, 65535), Math.ceil(groups / 65535));
        pass.end();
      },
      finalize: (e) => {
        const fin = e.beginComputePass();
        fin.setPipeline(gpu.pipes.finalize);
        fin.setBindGroup(0, gpu.finalizeGroup);
        fin.dispatchWorkgroups(1);
        fin.end();
      },
      sort: (e) => gpu.sorter.encode(e, r.keys, r.values, { buffer: r.counters, offset: 16 }, 16),
      draw: (e) => {
        const pass = e.beginRenderPass({
          colorAttachments: [
            { view: target.createView(), loadOp: 'clear', storeOp: 'store', clearValue: [0, 0, 0, 1] },
          ],
        });
        pass.setPipeline(r.draw);
        pass.setBindGroup(0, r.drawGroup);
        pass.drawIndirect(r.counters, 0);
        pass.end();
      },
      'clear only': (e) => {
        e.beginRenderPass({
          colorAttachments: [
            { view: target.createView(), loadOp: 'clear', storeOp: 'store', clearValue: [0, 0, 0, 1] },
          ],
        }).end();
      },
    };
    let _angle = 0;
    // biome-ignore lint/suspicious/noExplicitAny: page-side globals of this profiling harness
    (window as any).runStage = async (name: string) => {
      const t0 = performance.now();
      if (name === 'element frame (rAF)') {
        // The element's own frame path, as bench:view times it: a camera step, its rAF, the GPU work.
        const pose = el.getCamera();
        _angle += 0.02;
        const d = pose.position.map((x: number, k: number) => x - pose.target[k]);
        el.setCamera({
          position: [
            pose.target[0] + d[0] * Math.cos(0.02) + d[2] * Math.sin(0.02),
            pose.position[1],
            pose.target[2] - d[0] * Math.sin(0.02) + d[2] * Math.cos(0.02),
          ],
        });
        await new Promise((res) => requestAnimationFrame(res));
        await done();
      } else {
        const e = device.createCommandEncoder();
        stages[name]!(e);
        device.queue.submit([e.finish()]);
        await done();
      }
      return performance.now() - t0;
    };
    // Visible count and quad pixel area.
    const rb = device.createBuffer({ size: 32, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    const e = device.createCommandEncoder();
    e.copyBufferToBuffer(r.counters, 0, rb, 0, 32);
    device.queue.submit([e.finish()]);
    await rb.mapAsync(GPUMapMode.READ);
    const visible = new Uint32Array(rb.getMappedRange())[4]!;
    const pb = device.createBuffer({
      size: visible * 48,
      usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
    });
    const e2 = device.createCommandEncoder();
    e2.copyBufferToBuffer(r.projected, 0, pb, 0, visible * 48);
    device.queue.submit([e2.finish()]);
    await pb.mapAsync(GPUMapMode.READ);
    const pr = new Float32Array(pb.getMappedRange());
    let area = 0;
    let small = 0;
    for (let s = 0; s < visible; s++) {
      const a =
        3 * Math.sqrt(3) * Math.abs(pr[s * 12 + 2]! * pr[s * 12 + 5]! - pr[s * 12 + 3]! * pr[s * 12 + 4]!);
      area += a;
      if (a < 1) small++;
    }
    return {
      stages: Object.keys(stages).concat('element frame (rAF)'),
      visible,
      total: r.store.count,
      trianglePixels: Math.round(area),
      subPixelTriangles: small,
      size: [canvas.width, canvas.height],
    };
  }, reps);
  console.log(JSON.stringify({ ...result, stages: undefined }));
  const stageOut: Record<string, string[]> = {};
  for (let i = 0; i < reps + 1; i++) {
    for (const name of result.stages) {
      const c0 = ownTreeCpuMs();
      const wall = await p.evaluate(
        ({ name }) => (window as unknown as { runStage(n: string): Promise<number> }).runStage(name),
        { name },
      );
      const cpu = ownTreeCpuMs() - c0;
      if (i > 0) {
        stageOut[name] ??= [];
        stageOut[name].push(`${Math.round(wall)}/${Math.round(cpu)}`);
      }
    }
  }
  console.log('stages, wall ms / browser CPU ms:');
  for (const [k, v] of Object.entries(stageOut)) console.log(`  ${k.padEnd(24)} ${v.join('  ')}`);
  const variants = await p.evaluate(
    async ({ src }) => {
      // biome-ignore lint/suspicious/noExplicitAny: page-side globals of this profiling harness
      const el = (window as any).viewer;
      const rc = el.renderCtl;
      const r = rc.renderer;
      const device: GPUDevice = rc.device;
      const canvas: HTMLCanvasElement = rc.canvas;
      const done = () => device.queue.onSubmittedWorkDone();
      const blend: GPUBlendComponent = {
        srcFactor: 'one',
        dstFactor: 'one-minus-src-alpha',
        operation: 'add',
      };
      const fsConst = src.replace(
        /@fragment[\s\S]*$/,
        '@fragment fn fs(in: VertexOut) -> @location(0) vec4f { return vec4f(0.001, 0.001, 0.001, 0.001); }',
      );
      const make = (code: string, format: GPUTextureFormat, blended = true) => {
        const module = device.createShaderModule({ code });
        const pipeline = device.createRenderPipeline({
          layout: 'auto',
          vertex: { module, entryPoint: 'vs' },
          fragment: {
            module,
            entryPoint: 'fs',
            targets: [{ format, blend: blended ? { color: blend, alpha: blend } : undefined }],
          },
          primitive: { topology: 'triangle-list' },
        });
        const group = device.createBindGroup({
          layout: pipeline.getBindGroupLayout(0),
          entries: [r.viewportBuffer, r.projected, r.values].map((buffer, binding) => ({
            binding,
            resource: { buffer },
          })),
        });
        const target = device.createTexture({
          size: [canvas.width, canvas.height],
          format,
          usage: GPUTextureUsage.RENDER_ATTACHMENT,
        });
        return { pipeline, group, target };
      };
      const scaled = (k: number) =>
        src
          .replace(
            'let pixel = a.xy + corner.x * a.zw + corner.y * b.xy;',
            `let pixel = a.xy + (corner.x * a.zw + corner.y * b.xy) * ${k};`,
          )
          .replace('out.w = corner * b.z;', `out.w = corner * b.z * ${k};`);
      const degenerate = src.replace(
        'let pixel = a.xy + corner.x * a.zw + corner.y * b.xy;',
        'let pixel = a.xy;',
      );
      const pf = navigator.gpu.getPreferredCanvasFormat();
      const vs: Record<string, ReturnType<typeof make>> = {
        'f16 target': make(src, 'rgba16float'),
        '8-bit target': make(src, pf),
        'vertex stage only': make(degenerate, pf),
        'constant fragment': make(fsConst, pf),
        'triangles x0.85': make(scaled(0.85), pf),
        'triangles x0.7': make(scaled(0.7), pf),
      };
      const rb = device.createBuffer({ size: 32, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
      const ce = device.createCommandEncoder();
      ce.copyBufferToBuffer(r.counters, 0, rb, 0, 32);
      device.queue.submit([ce.finish()]);
      await rb.mapAsync(GPUMapMode.READ);
      const visible = new Uint32Array(rb.getMappedRange())[4]!;
      const _out: Record<string, number[]> = {};
      // biome-ignore lint/suspicious/noExplicitAny: page-side globals of this profiling harness
      (window as any).runVariant = async (name: string, n: number) => {
        const v = vs[name]!;
        const t0 = performance.now();
        for (let k = 0; k < n; k++) {
          const e = device.createCommandEncoder();
          const pass = e.beginRenderPass({
            colorAttachments: [
              { view: v.target.createView(), loadOp: 'clear', storeOp: 'store', clearValue: [0, 0, 0, 1] },
            ],
          });
          pass.setPipeline(v.pipeline);
          pass.setBindGroup(0, v.group);
          pass.draw(visible * 3);
          pass.end();
          device.queue.submit([e.finish()]);
          await done();
        }
        return (performance.now() - t0) / n;
      };
      return Object.keys(vs);
    },
    { reps, src: splatSource },
  );
  const out: Record<string, string[]> = {};
  for (let i = 0; i < reps + 1; i++) {
    for (const name of variants) {
      const c0 = ownTreeCpuMs();
      const wall = await p.evaluate(
        ({ name }) =>
          (window as unknown as { runVariant(n: string, k: number): Promise<number> }).runVariant(name, 2),
        { name },
      );
      const cpu = (ownTreeCpuMs() - c0) / 2;
      if (i > 0) {
        out[name] ??= [];
        out[name].push(`${Math.round(wall)}/${Math.round(cpu)}`);
      }
    }
  }
  console.log('draw variants, wall ms / browser CPU ms per draw:');
  for (const [k, v] of Object.entries(out)) console.log(`  ${k.padEnd(24)} ${v.join('  ')}`);
} finally {
  await browser.close();
  await server.close();
}
