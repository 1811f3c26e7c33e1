// Owns the element's camera: attribute-driven pose, default framing of the scene bounds from the .gsz
// header (up from the header's `up`), auto-rotate (off under prefers-reduced-motion), damping, and the
// `camera-change` notification (at most once per rendered frame).
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Vec3 } from '../../shared/math/camera.ts';
import { OrbitCamera, type CameraPose } from './orbit-camera.ts';

export interface SceneFrame {
  bounds: { min: Vec3; max: Vec3 };
  up: Vec3;
}

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

  /** Back to the attribute pose / default framing. */
  reset(): void {
    this.orbit.setPose(this.defaultPose());
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
    const min = frame?.bounds.min ?? [-1, -1, -1];
    const max = frame?.bounds.max ?? [1, 1, 1];
    const centre: Vec3 = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
    const halfDiagonal = Math.max(1e-6, Math.hypot(max[0] - min[0], max[1] - min[1], max[2] - min[2]) / 2);
    const up = o.up ?? frame?.up ?? [0, 1, 0];
    const target = o.target ?? centre;
    this.orbit.sceneScale = halfDiagonal;
    let position = o.position;
    if (!position) {
      // Far enough that most of the bounding sphere fits the vertical field of view (the sphere of a box
      // is loose: 0.8 of it fills the view better), looking slightly down.
      const distance = (0.8 * halfDiagonal) / Math.sin((o.fov * Math.PI) / 360);
      const probe = new OrbitCamera();
      probe.setPose({ position: [target[0] + 1, target[1], target[2] + 1], target, up, fov: o.fov });
      probe.azimuth = Math.PI / 4;
      probe.elevation = Math.PI / 9;
      probe.radius = distance;
      position = probe.position();
    }
    return { position, target, up, fov: o.fov };
  }
}
