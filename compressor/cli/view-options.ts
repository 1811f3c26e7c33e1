// Parsers for the view options several commands share: `--up x,y,z`, `--background r,g,b|none` and
// `--camera 'eye=x,y,z;target=x,y,z[;up=x,y,z][;fov=DEG][;cx=PX;cy=PX]'`. Malformed text is a usage
// error (exit 2); a zero-length up vector is bad input (exit 1), as the brief for `compress` asks.
import type { Vec3 } from '../../shared/math/camera.ts';
import { CliError, EXIT } from './command.ts';

/** Three comma-separated finite numbers. */
export function vectorOption(name: string, text: string): Vec3 {
  const parts = text.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 3 || parts.some((v) => !Number.isFinite(v)) || text.trim() === '')
    throw new CliError(`${name} expects x,y,z (three numbers), got '${text}'`, EXIT.usage);
  return parts as Vec3;
}

/** `--up`: three numbers, not all zero. */
export function upOption(text: string | undefined, name = '--up'): Vec3 | undefined {
  if (text === undefined) return undefined;
  const up = vectorOption(name, text);
  if (Math.hypot(...up) < 1e-12) throw new CliError(`${name} ${text}: the up vector has zero length`);
  return up;
}

/** `--background r,g,b` in [0, 1], or `none` (returned as null). */
export function backgroundOption(text: string | undefined): Vec3 | null | undefined {
  if (text === undefined) return undefined;
  if (text === 'none') return null;
  const rgb = vectorOption('--background', text);
  if (rgb.some((v) => v < 0 || v > 1))
    throw new CliError(`--background expects r,g,b each in [0, 1] (or none), got '${text}'`, EXIT.usage);
  return rgb;
}

export interface CameraSpec {
  eye: Vec3;
  target: Vec3;
  up?: Vec3;
  /** Field of view in degrees (the command says which axis). */
  fov?: number;
  /** Principal point in pixels (default: the image centre). */
  cx?: number;
  cy?: number;
}

const SPEC = 'eye=x,y,z;target=x,y,z[;up=x,y,z][;fov=DEG][;cx=PX;cy=PX]';

/** Parses a `--camera` spec (fields separated by ';'). */
export function parseCameraSpec(spec: string): CameraSpec {
  const out: Partial<CameraSpec> = {};
  for (const part of spec
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [key, value, extra] = part.split('=');
    if (value === undefined || extra !== undefined)
      throw new CliError(`--camera: expected ${SPEC}, got '${part}'`, EXIT.usage);
    if (key === 'eye' || key === 'target') out[key] = vectorOption(`--camera ${key}`, value);
    else if (key === 'up') out.up = upOption(value, '--camera up');
    else if (key === 'fov' || key === 'cx' || key === 'cy') {
      const n = Number(value);
      const ok = key === 'fov' ? n > 1 && n < 179 : Number.isFinite(n) && value.trim() !== '';
      if (!ok)
        throw new CliError(
          `--camera ${key} expects ${key === 'fov' ? 'degrees in (1, 179)' : 'a number of pixels'}, got '${value}'`,
          EXIT.usage,
        );
      out[key] = n;
    } else throw new CliError(`--camera: unknown field '${key}' (expected ${SPEC})`, EXIT.usage);
  }
  if (!out.eye || !out.target)
    throw new CliError(`--camera needs both eye= and target=, got '${spec}'`, EXIT.usage);
  if (Math.hypot(out.eye[0] - out.target[0], out.eye[1] - out.target[1], out.eye[2] - out.target[2]) === 0)
    throw new CliError(`--camera: eye and target are the same point`, EXIT.usage);
  if ((out.cx === undefined) !== (out.cy === undefined))
    throw new CliError('--camera: give both cx= and cy= (the principal point), or neither', EXIT.usage);
  return out as CameraSpec;
}
