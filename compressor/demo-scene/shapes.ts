// The primitives of the demo scene: ray intersection, surface normal, procedural albedo, area and
// area-uniform surface sampling, one class per shape. Rays have unit-length directions; distances are
// world units. A shape's texture is a function of its LOCAL coordinates, so it sticks to the object.
import type { Rng } from './rng.ts';
import type { Frame, Vec3 } from './vec.ts';
import { dot, normalize, sub, toLocalDir, toLocalPoint, toWorldDir, toWorldPoint } from './vec.ts';

export interface SurfaceSample {
  position: Vec3;
  normal: Vec3; // outward, unit
}

export interface Shape {
  readonly name: string;
  /** Blinn-Phong highlight strength (0 = matte) and exponent. */
  readonly specular: number;
  readonly shininess: number;
  /** Nearest hit distance t in (tMin, tMax) along o + t d, or Infinity. */
  intersect(o: Vec3, d: Vec3, tMin: number, tMax: number): number;
  /** Outward unit normal at a surface point. */
  normal(p: Vec3): Vec3;
  /** Surface colour at a surface point, components in [0, 1]. */
  albedo(p: Vec3): Vec3;
  /** Surface area in world units squared. */
  area(): number;
  /** A point uniformly distributed over the surface area. */
  sample(rng: Rng): SurfaceSample;
}

type Texture = (local: Vec3) => Vec3;

/** A flat disc of radius `radius` in its frame's XY plane, facing its frame's +Z. */
export class Disc implements Shape {
  constructor(
    readonly name: string,
    readonly frame: Frame,
    readonly radius: number,
    readonly texture: Texture,
    readonly specular = 0,
    readonly shininess = 1,
  ) {}

  intersect(o: Vec3, d: Vec3, tMin: number, tMax: number): number {
    const lo = toLocalPoint(this.frame, o),
      ld = toLocalDir(this.frame, d);
    if (Math.abs(ld[2]) < 1e-12) return Infinity;
    const t = -lo[2] / ld[2];
    if (t <= tMin || t >= tMax) return Infinity;
    const x = lo[0] + ld[0] * t,
      y = lo[1] + ld[1] * t;
    return x * x + y * y <= this.radius * this.radius ? t : Infinity;
  }

  normal(): Vec3 {
    return this.frame.z;
  }

  albedo(p: Vec3): Vec3 {
    return this.texture(toLocalPoint(this.frame, p));
  }

  area(): number {
    return Math.PI * this.radius * this.radius;
  }

  sample(rng: Rng): SurfaceSample {
    const r = this.radius * Math.sqrt(rng.next()),
      a = 2 * Math.PI * rng.next();
    return {
      position: toWorldPoint(this.frame, [r * Math.cos(a), r * Math.sin(a), 0]),
      normal: this.frame.z,
    };
  }
}

export class Sphere implements Shape {
  constructor(
    readonly name: string,
    readonly frame: Frame,
    readonly radius: number,
    readonly texture: Texture,
    readonly specular = 0,
    readonly shininess = 1,
  ) {}

  intersect(o: Vec3, d: Vec3, tMin: number, tMax: number): number {
    const oc = sub(o, this.frame.origin);
    const b = dot(oc, d);
    const c = dot(oc, oc) - this.radius * this.radius;
    const disc = b * b - c;
    if (disc < 0) return Infinity;
    const s = Math.sqrt(disc);
    const t0 = -b - s;
    if (t0 > tMin && t0 < tMax) return t0;
    const t1 = -b + s;
    return t1 > tMin && t1 < tMax ? t1 : Infinity;
  }

  normal(p: Vec3): Vec3 {
    return normalize(sub(p, this.frame.origin));
  }

  albedo(p: Vec3): Vec3 {
    return this.texture(toLocalPoint(this.frame, p));
  }

  area(): number {
    return 4 * Math.PI * this.radius * this.radius;
  }

  sample(rng: Rng): SurfaceSample {
    const z = 2 * rng.next() - 1,
      a = 2 * Math.PI * rng.next(),
      r = Math.sqrt(Math.max(0, 1 - z * z));
    const n: Vec3 = [r * Math.cos(a), r * Math.sin(a), z];
    const o = this.frame.origin;
    return {
      position: [o[0] + n[0] * this.radius, o[1] + n[1] * this.radius, o[2] + n[2] * this.radius],
      normal: n,
    };
  }
}

/** An oriented box with half-extents `half` along its frame's axes. */
export class Box implements Shape {
  constructor(
    readonly name: string,
    readonly frame: Frame,
    readonly half: Vec3,
    readonly texture: Texture,
    readonly specular = 0,
    readonly shininess = 1,
  ) {}

  intersect(o: Vec3, d: Vec3, tMin: number, tMax: number): number {
    const lo = toLocalPoint(this.frame, o),
      ld = toLocalDir(this.frame, d);
    let near = -Infinity,
      far = Infinity;
    for (let a = 0; a < 3; a++) {
      if (Math.abs(ld[a]) < 1e-12) {
        if (Math.abs(lo[a]) > this.half[a]) return Infinity;
        continue;
      }
      let t0 = (-this.half[a] - lo[a]) / ld[a],
        t1 = (this.half[a] - lo[a]) / ld[a];
      if (t0 > t1) [t0, t1] = [t1, t0];
      if (t0 > near) near = t0;
      if (t1 < far) far = t1;
      if (near > far) return Infinity;
    }
    if (near > tMin && near < tMax) return near;
    return far > tMin && far < tMax ? far : Infinity;
  }

  /** The face whose plane the point is closest to (relative to the half-extent) gives the normal. */
  normal(p: Vec3): Vec3 {
    const l = toLocalPoint(this.frame, p);
    let axis = 0,
      best = -Infinity;
    for (let a = 0; a < 3; a++) {
      const v = Math.abs(l[a]) / this.half[a];
      if (v > best) {
        best = v;
        axis = a;
      }
    }
    const n: Vec3 = [0, 0, 0];
    n[axis] = Math.sign(l[axis]) || 1;
    return toWorldDir(this.frame, n);
  }

  albedo(p: Vec3): Vec3 {
    return this.texture(toLocalPoint(this.frame, p));
  }

  area(): number {
    const [x, y, z] = this.half;
    return 8 * (x * y + y * z + z * x);
  }

  sample(rng: Rng): SurfaceSample {
    const [hx, hy, hz] = this.half;
    const faces = [hy * hz, hy * hz, hx * hz, hx * hz, hx * hy, hx * hy]; // +-X, +-Y, +-Z face areas / 4
    let pick = rng.next() * faces.reduce((s, v) => s + v, 0);
    let face = 0;
    while (face < 5 && pick >= faces[face]) pick -= faces[face++];
    const axis = face >> 1,
      sign = face & 1 ? -1 : 1;
    const local: Vec3 = [(2 * rng.next() - 1) * hx, (2 * rng.next() - 1) * hy, (2 * rng.next() - 1) * hz];
    local[axis] = sign * this.half[axis];
    const n: Vec3 = [0, 0, 0];
    n[axis] = sign;
    return { position: toWorldPoint(this.frame, local), normal: toWorldDir(this.frame, n) };
  }
}

/** A torus around its frame's +Z axis: ring radius `major`, tube radius `minor`. Intersected by sphere tracing its exact SDF. */
export class Torus implements Shape {
  constructor(
    readonly name: string,
    readonly frame: Frame,
    readonly major: number,
    readonly minor: number,
    readonly texture: Texture,
    readonly specular = 0,
    readonly shininess = 1,
  ) {}

  private sdf(p: Vec3): number {
    const q = Math.hypot(p[0], p[1]) - this.major;
    return Math.hypot(q, p[2]) - this.minor;
  }

  intersect(o: Vec3, d: Vec3, tMin: number, tMax: number): number {
    const lo = toLocalPoint(this.frame, o),
      ld = toLocalDir(this.frame, d);
    // Clip the march to the bounding sphere so rays that miss cost one quadratic.
    const rb = this.major + this.minor;
    const b = dot(lo, ld),
      c = dot(lo, lo) - rb * rb,
      disc = b * b - c;
    if (disc < 0) return Infinity;
    const s = Math.sqrt(disc);
    let t = Math.max(tMin, -b - s);
    const end = Math.min(tMax, -b + s);
    // The SDF is exact (1-Lipschitz), so stepping by it never skips the surface; 1e-5 world units is far below a pixel.
    for (let i = 0; i < 256 && t < end; i++) {
      const dist = this.sdf([lo[0] + ld[0] * t, lo[1] + ld[1] * t, lo[2] + ld[2] * t]);
      if (dist < 1e-5) return t > tMin ? t : Infinity;
      t += dist;
    }
    return Infinity;
  }

  normal(p: Vec3): Vec3 {
    const l = toLocalPoint(this.frame, p);
    const r = Math.hypot(l[0], l[1]) || 1;
    // Direction from the nearest point of the ring's core circle.
    const core: Vec3 = [(l[0] / r) * this.major, (l[1] / r) * this.major, 0];
    return toWorldDir(this.frame, normalize(sub(l, core)));
  }

  albedo(p: Vec3): Vec3 {
    return this.texture(toLocalPoint(this.frame, p));
  }

  area(): number {
    return 4 * Math.PI * Math.PI * this.major * this.minor;
  }

  sample(rng: Rng): SurfaceSample {
    // Area density is proportional to (major + minor cos(phi)): rejection-sample phi.
    for (;;) {
      const theta = 2 * Math.PI * rng.next(),
        phi = 2 * Math.PI * rng.next();
      if (rng.next() * (this.major + this.minor) > this.major + this.minor * Math.cos(phi)) continue;
      const n: Vec3 = [Math.cos(phi) * Math.cos(theta), Math.cos(phi) * Math.sin(theta), Math.sin(phi)];
      const local: Vec3 = [
        (this.major + this.minor * Math.cos(phi)) * Math.cos(theta),
        (this.major + this.minor * Math.cos(phi)) * Math.sin(theta),
        this.minor * Math.sin(phi),
      ];
      return { position: toWorldPoint(this.frame, local), normal: toWorldDir(this.frame, n) };
    }
  }
}
