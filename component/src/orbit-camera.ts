// Orbit camera state (no DOM): a target, a distance and two angles about the world `up` axis, with
// damped motion. Produces shared/math/camera.ts cameras (world-to-camera, OpenCV axes).
import { cross, dot, lookAt, normalize, type Camera, type Vec3 } from '../../shared/math/camera.ts';

const MAX_ELEVATION = (89 * Math.PI) / 180;
/** Damping rate (1/s): pending motion decays as exp(-rate * t), ~95% applied within 0.25 s. */
const DAMPING_RATE = 12;

export interface CameraPose {
  position: Vec3;
  target: Vec3;
  up: Vec3;
  /** Vertical field of view, degrees. */
  fov: number;
}

export class OrbitCamera {
  target: Vec3 = [0, 0, 0];
  up: Vec3 = [0, 1, 0];
  radius = 1;
  azimuth = 0;
  elevation = 0;
  fov = 50;
  /** Typical scene size, for zoom limits and keyboard pan steps. */
  sceneScale = 1;
  damping = true;
  // Motion still to apply (damped): angles in radians, zoom as log-distance, pan in world units.
  private pending = { azimuth: 0, elevation: 0, zoom: 0, pan: [0, 0, 0] as Vec3 };
  // Horizontal reference axes perpendicular to `up` (azimuth 0 is along `ref`).
  private ref: Vec3 = [1, 0, 0];
  private side: Vec3 = [0, 0, 1];

  setPose(pose: CameraPose): void {
    this.up = normalize(pose.up);
    this.fov = pose.fov;
    this.target = [...pose.target];
    this.updateAxes();
    const offset: Vec3 = [
      pose.position[0] - pose.target[0],
      pose.position[1] - pose.target[1],
      pose.position[2] - pose.target[2],
    ];
    this.radius = Math.max(1e-6, Math.hypot(...offset));
    const d = normalize(offset);
    this.elevation = Math.max(
      -MAX_ELEVATION,
      Math.min(MAX_ELEVATION, Math.asin(Math.max(-1, Math.min(1, dot(d, this.up))))),
    );
    this.azimuth = Math.atan2(dot(d, this.side), dot(d, this.ref));
    this.stop();
  }

  pose(): CameraPose {
    return { position: this.position(), target: [...this.target], up: [...this.up], fov: this.fov };
  }

  position(): Vec3 {
    const ce = Math.cos(this.elevation);
    const se = Math.sin(this.elevation);
    const ca = Math.cos(this.azimuth) * ce;
    const sa = Math.sin(this.azimuth) * ce;
    const t = this.target;
    return [0, 1, 2].map(
      (i) => t[i] + this.radius * (ca * this.ref[i] + sa * this.side[i] + se * this.up[i]),
    ) as Vec3;
  }

  /** Pinhole camera for a `width` x `height` pixel target (square pixels, centred principal point). */
  camera(width: number, height: number): Camera {
    const fy = height / (2 * Math.tan((this.fov * Math.PI) / 360));
    return {
      width,
      height,
      fx: fy,
      fy,
      cx: width / 2,
      cy: height / 2,
      viewMatrix: lookAt(this.position(), this.target, this.up),
    };
  }

  /** World units per pixel at the target's distance. */
  worldPerPixel(height: number): number {
    return (2 * this.radius * Math.tan((this.fov * Math.PI) / 360)) / Math.max(1, height);
  }

  rotate(dAzimuth: number, dElevation: number): void {
    this.pending.azimuth += dAzimuth;
    this.pending.elevation += dElevation;
  }

  /** Positive `steps` zooms in (each step is 10% of the distance). */
  zoom(steps: number): void {
    this.pending.zoom -= steps * Math.log(1.1);
  }

  /** Moves the target by screen pixels (right, down) at the target's depth. */
  pan(dxPixels: number, dyPixels: number, heightPixels: number): void {
    const view = lookAt(this.position(), this.target, this.up);
    const right: Vec3 = [view[0], view[4], view[8]];
    const down: Vec3 = [view[1], view[5], view[9]];
    const s = this.worldPerPixel(heightPixels);
    for (let i = 0; i < 3; i++) this.pending.pan[i] += (-dxPixels * right[i] - dyPixels * down[i]) * s;
  }

  /** Moves the target to `point` (damped), keeping the camera position. */
  retarget(point: Vec3): void {
    const position = this.position();
    for (let i = 0; i < 3; i++) this.pending.pan[i] += point[i] - this.target[i];
    // Keep the eye where it is: the new distance and angles follow from the new target.
    const newTarget: Vec3 = [point[0], point[1], point[2]];
    const offset: Vec3 = [position[0] - newTarget[0], position[1] - newTarget[1], position[2] - newTarget[2]];
    const r = Math.hypot(...offset);
    if (r < 1e-6) return;
    const d = normalize(offset);
    this.pending.zoom += Math.log(r / this.radius);
    this.pending.azimuth += wrapAngle(Math.atan2(dot(d, this.side), dot(d, this.ref)) - this.azimuth);
    this.pending.elevation += Math.asin(Math.max(-1, Math.min(1, dot(d, this.up)))) - this.elevation;
  }

  stop(): void {
    this.pending = { azimuth: 0, elevation: 0, zoom: 0, pan: [0, 0, 0] };
  }

  get moving(): boolean {
    const p = this.pending;
    return (
      Math.abs(p.azimuth) > 1e-5 ||
      Math.abs(p.elevation) > 1e-5 ||
      Math.abs(p.zoom) > 1e-5 ||
      Math.hypot(...p.pan) > 1e-6 * this.sceneScale
    );
  }

  /** Applies pending motion for `dt` seconds; returns whether the pose changed. */
  update(dt: number): boolean {
    if (!this.moving) {
      this.stop();
      return false;
    }
    const f = this.damping ? 1 - Math.exp(-DAMPING_RATE * Math.max(0, Math.min(dt, 0.1))) : 1;
    const p = this.pending;
    this.azimuth = wrapAngle(this.azimuth + p.azimuth * f);
    this.elevation = Math.max(-MAX_ELEVATION, Math.min(MAX_ELEVATION, this.elevation + p.elevation * f));
    const minRadius = 1e-3 * this.sceneScale;
    const maxRadius = 1e3 * this.sceneScale;
    this.radius = Math.max(minRadius, Math.min(maxRadius, this.radius * Math.exp(p.zoom * f)));
    for (let i = 0; i < 3; i++) this.target[i] += p.pan[i] * f;
    p.azimuth *= 1 - f;
    p.elevation *= 1 - f;
    p.zoom *= 1 - f;
    p.pan = p.pan.map((v) => v * (1 - f)) as Vec3;
    return true;
  }

  private updateAxes(): void {
    // Any horizontal direction works as azimuth 0; prefer world X (or Z when up is along X).
    const seed: Vec3 = Math.abs(this.up[0]) < 0.9 ? [1, 0, 0] : [0, 0, 1];
    this.side = normalize(cross(this.up, seed));
    this.ref = normalize(cross(this.side, this.up));
  }
}

function wrapAngle(a: number): number {
  return Math.atan2(Math.sin(a), Math.cos(a));
}
