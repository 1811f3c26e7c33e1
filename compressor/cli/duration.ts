// `--time-limit` values: `90` or `90s` (seconds), `30m`, `1.5h`, `1h30m`; returns seconds.
import { CliError, EXIT } from './command.ts';

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, '': 1 };

export function parseDuration(text: string, option = '--time-limit'): number {
  const parts = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?$/.exec(text.trim());
  const bad = () =>
    new CliError(`${option} expects a duration such as 90s, 30m, 1.5h or 1h30m, got '${text}'`, EXIT.usage);
  if (!parts || text.trim() === '' || parts.slice(1).every((p) => p === undefined)) throw bad();
  const [h, m, s] = parts.slice(1).map((p) => (p === undefined ? 0 : Number(p)));
  const seconds = h * UNIT_SECONDS.h + m * UNIT_SECONDS.m + s * UNIT_SECONDS.s;
  if (!(seconds > 0)) throw bad();
  return seconds;
}
