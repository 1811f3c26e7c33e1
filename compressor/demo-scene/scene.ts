// The demo scene's content: a checkered ground disc with a marble sphere, a striped ball, a gridded
// box and a rainbow torus standing on it, lit by one directional light plus ambient.
// World frame: +Z up (like the NeRF/Blender synthetic scenes), ground plane z = 0, objects within a
// radius of about 1.6 around the origin.
import type { Shape } from './shapes.ts';
import { Box, Disc, Sphere, Torus } from './shapes.ts';
import { checker, hsv, marble } from './textures.ts';
import type { Vec3 } from './vec.ts';
import { frameFromAngles, mix, normalize } from './vec.ts';

export interface DemoScene {
  shapes: Shape[];
  /** Unit direction TOWARDS the light. */
  lightDir: Vec3;
  /** Half-angle of the light's cone in radians: jittering within it gives soft shadow edges. */
  lightSpread: number;
  /** Fraction of the albedo lit regardless of the light (no shadowing). */
  ambient: number;
  /** The point the cameras look at (centre of the objects' bounding box, roughly). */
  centre: Vec3;
  /** Radius of a sphere around `centre` containing every shape. */
  radius: number;
}

/** Builds the scene; `seed` changes only the marble's noise pattern, so geometry is the same for every seed. */
export function buildDemoScene(seed: number): DemoScene {
  const ground = new Disc('ground', frameFromAngles([0, 0, 0], 0), 1.6, (p) => {
    const fade = Math.min(1, Math.hypot(p[0], p[1]) / 1.6);
    // A darker rim ring makes the disc edge easy to locate (useful for judging geometry in renders).
    if (fade > 0.93) return [0.3, 0.28, 0.26];
    return checker(p[0] + 8, p[1] + 8, 0.32, [0.86, 0.82, 0.72], [0.34, 0.45, 0.58]);
  });
  const marbleBall = new Sphere(
    'marble-sphere',
    frameFromAngles([0.5, 0.35, 0.48], 0.4),
    0.48,
    (p) => marble(seed, p, [0.94, 0.91, 0.86], [0.6, 0.12, 0.14]),
    0.5,
    40,
  );
  const stripedBall = new Sphere(
    'striped-sphere',
    frameFromAngles([-0.72, 0.62, 0.3], 0, 0.5),
    0.3,
    (p) => {
      const band = Math.floor((p[2] / 0.3 + 1) * 4);
      return band & 1 ? [0.96, 0.78, 0.18] : [0.88, 0.38, 0.1];
    },
    0.35,
    30,
  );
  const box = new Box(
    'box',
    frameFromAngles([-0.45, -0.5, 0.3], 0.5),
    [0.3, 0.3, 0.3],
    (p) => {
      // Face-local grid lines: 3 tiles per face, lines 12% of a tile wide.
      const cell = 0.2;
      const near = (v: number): boolean => {
        const f = (v + 0.3) / cell;
        const d = f - Math.round(f);
        return Math.abs(d) < 0.06;
      };
      const ax = Math.abs(p[0]) > 0.299 ? 0 : Math.abs(p[1]) > 0.299 ? 1 : 2;
      const [u, v] = ax === 0 ? [p[1], p[2]] : ax === 1 ? [p[0], p[2]] : [p[0], p[1]];
      return near(u) || near(v) ? [0.1, 0.2, 0.14] : [0.28, 0.68, 0.38];
    },
    0.15,
    20,
  );
  const tilt = 1.0; // radians from upright-axis: the ring leans back
  const major = 0.34,
    minor = 0.11;
  const torus = new Torus(
    'torus',
    frameFromAngles([0.62, -0.62, major * Math.sin(tilt) + minor], -0.7, tilt),
    major,
    minor,
    (p) => {
      const h = (Math.atan2(p[1], p[0]) / (2 * Math.PI) + 1) % 1;
      return mix(hsv(h, 0.75, 0.95), [0.55, 0.2, 0.65], 0.25);
    },
    0.6,
    60,
  );
  return {
    shapes: [ground, marbleBall, stripedBall, box, torus],
    lightDir: normalize([0.45, -0.35, 0.82]),
    lightSpread: 0.06,
    ambient: 0.32,
    centre: [0, 0, 0.25],
    radius: 1.65,
  };
}
