// Owns the element's camera: attribute-driven pose, default framing from the .gsz header (its default
// camera, else its robust extent fitted to the canvas's aspect ratio by shared/math/framing.ts, the same
// framing `gs-compress render` uses; up from the header's `up`), auto-rotate (off under
// prefers-reduced-motion), damping, and the `camera-change` notification (at most once per rendered frame).
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Vec3 } from '../../shared/math/camera.ts';
import { frameBox, type Box3 } from '../../shared/math/framing.ts';
import { OrbitCamera, type CameraPose } from './orbit-camera.ts';

export interface SceneFrame {
  bounds: Box3;
  up: Vec3;
  /** Robust extent (header `focus`); framing falls back to `bounds` without it. */
  focus?: Box3;
  /** The file's default camera (eye, target, vertical FOV in degrees). */
  camera?: { eye: Vec3; target: Vec3; fovY: number };
}

/** Azimuth of the default view about the up axis (a three-quarter view), degrees. */
const DEFAULT_AZIMUTH_DEGREES = 45;

/** Auto-rotate speed, radians per second (one turn in ~30 s). */
const AUTO_ROTATE_SPEED = (2 * Math.PI) / 30;

export interface CameraOverrides {
  position?: Vec3;
  target?: Vec3;
  up?: Vec3;
  fov: number;
}

export class CameraController implements ReactiveController {
  readonly orbit = new OrbitCamera();
  autoRotate = false;
  /** Set while the user is interacting (auto-rotate pauses). */
  interacting = false;
  private frame: SceneFrame | undefined;
  private overrides: CameraOverrides = { fov: 50 };
  private reducedMotion: MediaQueryList | undefined;
  private changed = false;
  /** Canvas width / height the default view was framed for. */
  private aspect = 4 / 3;
  private lastDefault: Vec3 | undefined;

  constructor(
    host: ReactiveControllerHost,
    private readonly onChange: () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.reducedMotion =
      typeof matchMedia === 'function' ? matchMedia('(prefers-reduced-motion: reduce)') : undefined;
  }

  hostDisconnected(): void {
    this.orbit.stop();
  }

  get reduceMotion(): boolean {
    return this.reducedMotion?.matches ?? false;
  }

  /** Pose from attributes; missing parts come from the scene framing. */
  setOverrides(overrides: CameraOverrides): void {
    this.overrides = overrides;
    this.reset();
  }

  setSceneFrame(frame: SceneFrame | undefined): void {
    this.frame = frame;
    this.reset();
  }

  /**
   * The canvas's width / height; while the camera still sits at its default pose, a new aspect ratio
   * reframes the scene (so a resized element keeps it whole).
   */
  setAspect(aspect: number): void {
    if (!(aspect > 0) || Math.abs(aspect - this.aspect) < 1e-3) return;
    this.aspect = aspect;
    const p = this.orbit.pose().position;
    const d = this.lastDefault;
    if (
      d &&
      !this.orbit.moving &&
      Math.hypot(p[0] - d[0], p[1] - d[1], p[2] - d[2]) < 1e-6 * this.orbit.sceneScale
    )
      this.reset();
  }

  /** Back to the attribute pose / default framing. */
  reset(): void {
    const pose = this.defaultPose();
    this.orbit.setPose(pose);
    this.lastDefault = this.orbit.pose().position;
    this.orbit.damping = !this.reduceMotion;
    this.markChanged();
  }

  setPose(pose: Partial<CameraPose>): void {
    const current = this.orbit.pose();
    this.orbit.setPose({
      position: pose.position ?? current.position,
      target: pose.target ?? current.target,
      up: pose.up ?? current.up,
      fov: pose.fov ?? current.fov,
    });
    this.markChanged();
  }

  markChanged(): void {
    this.changed = true;
  }

  /** True while the camera will move without input (damping or auto-rotate). */
  get animating(): boolean {
    return this.orbit.moving || (this.autoRotate && !this.reduceMotion && !this.interacting);
  }

  /** Advances damping/auto-rotate by `dt` seconds; returns whether the view changed since last call. */
  advance(dt: number): boolean {
    if (this.autoRotate && !this.reduceMotion && !this.interacting) {
      this.orbit.azimuth += AUTO_ROTATE_SPEED * dt;
      this.changed = true;
    }
    if (this.orbit.update(dt)) this.changed = true;
    const changed = this.changed;
    this.changed = false;
    if (changed) this.onChange();
    return changed;
  }

  private defaultPose(): CameraPose {
    const o = this.overrides;
    const frame = this.frame;
    const box: Box3 = frame?.focus ?? frame?.bounds ?? { min: [-1, -1, -1], max: [1, 1, 1] };
    const up = o.up ?? frame?.up ?? [0, 1, 0];
    const stored = !o.position && !o.target ? frame?.camera : undefined;
    const b = frame?.bounds ?? box;
    this.orbit.sceneScale = Math.max(
      1e-6,
      Math.hypot(b.max[0] - b.min[0], b.max[1] - b.min[1], b.max[2] - b.min[2]) / 2,
    );
    if (stored) return { position: [...stored.eye], target: [...stored.target], up, fov: o.fov };
    const framed = frameBox(box, {
      aspect: this.aspect,
      fovYDegrees: o.fov,
      up,
      azimuthDegrees: DEFAULT_AZIMUTH_DEGREES,
    });
    const target = o.target ?? framed.target;
    // A given target keeps the framed distance and direction.
    const position =
      o.position ?? ([0, 1, 2].map((i) => target[i] + framed.eye[i] - framed.target[i]) as Vec3);
    return { position, target, up, fov: o.fov };
  }
}
