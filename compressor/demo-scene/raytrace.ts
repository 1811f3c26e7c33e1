// A small CPU ray tracer for the demo scene: nearest-hit search over the shapes, Lambert + Blinn-Phong
// shading from one directional light with ambient, soft shadows (each sample picks a light direction
// inside a narrow cone), and stratified jittered anti-aliasing. Output is straight (unpremultiplied)
// RGBA8 with alpha = fraction of samples that hit something, like the Blender renders.
import type { Rng } from './rng.ts';
import type { DemoScene } from './scene.ts';
import type { Shape } from './shapes.ts';
import type { Vec3 } from './vec.ts';
import { clamp01, cross, dot, madd, normalize } from './vec.ts';

/** Offsets ray origins off a surface so shadow rays do not hit the surface they start on. */
const SURFACE_EPSILON = 1e-4;

export interface RayHit {
  t: number;
  shape: Shape;
}

export function nearestHit(scene: DemoScene, o: Vec3, d: Vec3, tMax = Infinity): RayHit | undefined {
  let best: RayHit | undefined;
  let limit = tMax;
  for (const shape of scene.shapes) {
    const t = shape.intersect(o, d, SURFACE_EPSILON, limit);
    if (t < limit) {
      limit = t;
      best = { t, shape };
    }
  }
  return best;
}

/** A light direction jittered inside the light's cone (uniform over the cone's cap for small angles). */
export function jitteredLightDir(scene: DemoScene, rng: Rng): Vec3 {
  const l = scene.lightDir;
  const a = normalize(cross(l, Math.abs(l[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0]));
  const b = cross(l, a);
  const r = scene.lightSpread * Math.sqrt(rng.next()),
    phi = 2 * Math.PI * rng.next();
  const u = r * Math.cos(phi),
    v = r * Math.sin(phi);
  return normalize([l[0] + a[0] * u + b[0] * v, l[1] + a[1] * u + b[1] * v, l[2] + a[2] * u + b[2] * v]);
}

/** 1 when nothing blocks the light from `p` (offset along the normal `n`), else 0. */
function lightVisible(scene: DemoScene, p: Vec3, n: Vec3, light: Vec3): number {
  const origin = madd(p, n, SURFACE_EPSILON * 10);
  return nearestHit(scene, origin, light) ? 0 : 1;
}

/**
 * View-independent (diffuse) radiance at a surface point: what a Gaussian can bake in. Shading uses the
 * light's central direction (flat surfaces stay flat, no sampling grain); only the shadow test uses the
 * jittered `shadowLight`, which is what softens shadow edges.
 */
export function diffuseRadiance(scene: DemoScene, shape: Shape, p: Vec3, n: Vec3, shadowLight: Vec3): Vec3 {
  const albedo = shape.albedo(p);
  const lambert = Math.max(0, dot(n, scene.lightDir));
  const lit = lambert > 0 ? lambert * lightVisible(scene, p, n, shadowLight) : 0;
  const k = scene.ambient + (1 - scene.ambient) * lit;
  return [albedo[0] * k, albedo[1] * k, albedo[2] * k];
}

/** Full radiance seen along the ray direction `d`: diffuse plus a specular highlight where lit (shadow test towards `shadowLight`). */
export function shade(scene: DemoScene, shape: Shape, p: Vec3, d: Vec3, shadowLight: Vec3): Vec3 {
  let n = shape.normal(p);
  // Open surfaces (the disc) are two-sided; closed shapes are only ever hit from outside, so this never flips them.
  if (dot(n, d) > 0) n = [-n[0], -n[1], -n[2]];
  const c = diffuseRadiance(scene, shape, p, n, shadowLight);
  const l = scene.lightDir;
  if (shape.specular > 0 && dot(n, l) > 0) {
    const h = normalize([l[0] - d[0], l[1] - d[1], l[2] - d[2]]);
    const s =
      shape.specular * Math.max(0, dot(n, h)) ** shape.shininess * lightVisible(scene, p, n, shadowLight);
    c[0] += s;
    c[1] += s;
    c[2] += s;
  }
  return c;
}

/** Baked diffuse colour at a surface point: average over `samples` light directions (soft shadows), clamped to [0, 1]. */
export function bakedColour(scene: DemoScene, shape: Shape, p: Vec3, n: Vec3, rng: Rng, samples = 4): Vec3 {
  const sum: Vec3 = [0, 0, 0];
  for (let s = 0; s < samples; s++) {
    const c = diffuseRadiance(scene, shape, p, n, jitteredLightDir(scene, rng));
    sum[0] += c[0];
    sum[1] += c[1];
    sum[2] += c[2];
  }
  return [clamp01(sum[0] / samples), clamp01(sum[1] / samples), clamp01(sum[2] / samples)];
}

export interface PinholeView {
  width: number;
  height: number;
  /** Focal length in pixels (same for x and y). */
  focal: number;
  /** Camera-to-world, OpenGL camera axes (+X right, +Y up, looking down -Z), row-major 4x4 (NeRF `transform_matrix`). */
  cameraToWorld: number[][];
}

/** Unit world direction of the ray through image position (sx, sy) in pixels (top-left corner 0, 0; pixel centres at +0.5). */
export function pixelRay(view: PinholeView, sx: number, sy: number): Vec3 {
  const m = view.cameraToWorld;
  // Camera-space direction in OpenGL axes: image rows go down while camera +Y goes up; the camera looks down -Z.
  const cx = (sx - view.width / 2) / view.focal,
    cy = -(sy - view.height / 2) / view.focal;
  return normalize([
    m[0][0] * cx + m[0][1] * cy - m[0][2],
    m[1][0] * cx + m[1][1] * cy - m[1][2],
    m[2][0] * cx + m[2][1] * cy - m[2][2],
  ]);
}

/**
 * Renders one view to straight-alpha RGBA8 (row-major, top row first). `spp` samples per pixel on a
 * jittered sqrt(spp) x sqrt(spp) grid (rounded up to a square).
 */
export function renderView(scene: DemoScene, view: PinholeView, spp: number, rng: Rng): Uint8Array {
  const { width, height, cameraToWorld: m } = view;
  const grid = Math.max(1, Math.ceil(Math.sqrt(spp)));
  const samples = grid * grid;
  const eye: Vec3 = [m[0][3], m[1][3], m[2][3]];
  const out = new Uint8Array(width * height * 4);
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      let r = 0,
        g = 0,
        b = 0,
        hits = 0;
      for (let s = 0; s < samples; s++) {
        const sx = px + ((s % grid) + rng.next()) / grid;
        const sy = py + (Math.floor(s / grid) + rng.next()) / grid;
        const d = pixelRay(view, sx, sy);
        const hit = nearestHit(scene, eye, d);
        const light = jitteredLightDir(scene, rng);
        if (!hit) continue;
        const c = shade(scene, hit.shape, madd(eye, d, hit.t), d, light);
        r += clamp01(c[0]);
        g += clamp01(c[1]);
        b += clamp01(c[2]);
        hits++;
      }
      const o = (py * width + px) * 4;
      if (hits > 0) {
        out[o] = Math.round((r / hits) * 255);
        out[o + 1] = Math.round((g / hits) * 255);
        out[o + 2] = Math.round((b / hits) * 255);
      }
      out[o + 3] = Math.round((hits / samples) * 255);
    }
  }
  return out;
}
