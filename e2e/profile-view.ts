// Per-stage profile of <gs-scene>'s frame (a development tool, not a test): loads a .gsz in the element in
// headless Chromium (bench:view's flags), then times each GPU stage of a frame (depth order, draw, the
// whole frame, the element's own rAF frame) by submitting it alone and awaiting
// queue.onSubmittedWorkDone(). Each figure is "wall ms / browser CPU ms" (this process and the browser's
// process tree from /proc): CPU time moves much less than wall time on a shared machine.
// It reaches into the element's internals (renderCtl, renderer): update it when they change.
//   node --import ./scripts/register.mjs e2e/profile-view.ts scene.gsz [repetitions]   (after npm run build)
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { ownTreeCpuMs } from './bench-view-cpu.ts';
import { benchPage } from './bench-view-page.ts';
import { SWIFTSHADER_CHROMIUM_ARGS } from '../scripts/chromium-args.ts';
import { sendFile, startServer } from '../scripts/serve.ts';

if (!process.argv[2]) throw new Error('usage: e2e/profile-view.ts scene.gsz [repetitions]');
const gsz = resolve(process.argv[2]);
const reps = Number(process.argv[3] ?? 3);
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
    const stages: Record<string, (e: GPUCommandEncoder) => void> = {
      empty: () => undefined,
      'full encode': (e) => r.encode(e, target.createView(), frame),
      'depth order': (e) => {
        e.clearBuffer(r.counters);
        r.depthOrder.encode(e, r.store.count);
      },
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
    // Splats drawn (the indirect draw's vertex count / 3).
    const rb = device.createBuffer({ size: 16, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    const e = device.createCommandEncoder();
    e.copyBufferToBuffer(r.counters, 0, rb, 0, 16);
    device.queue.submit([e.finish()]);
    await rb.mapAsync(GPUMapMode.READ);
    const drawn = new Uint32Array(rb.getMappedRange())[0]! / 3;
    return {
      stages: Object.keys(stages).concat('element frame (rAF)'),
      drawn,
      total: r.store.count,
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
} finally {
  await browser.close();
  await server.close();
}
