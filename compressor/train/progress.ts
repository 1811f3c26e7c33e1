// Training progress for the CLI: a cli-progress bar on a TTY (phase, iteration, Gaussian count, loss,
// ETA), nothing when the stream is not a TTY (logs, CI), or JSON lines for tools
// ({"type":"progress",...} every `jsonEvery` iterations and on every phase change).
// The ETA models an iteration's cost as a + b x (Gaussian count), fitted to the measured iterations with
// forgetting, and prices the remaining ones at the current count: as selection prunes, the estimate falls
// with the count instead of extrapolating the dense phase's slower iterations.
import cliProgress from 'cli-progress';

export type ProgressMode = 'auto' | 'bar' | 'json' | 'quiet';

export interface ProgressUpdate {
  phase: string;
  iteration: number;
  gaussians: number;
  loss?: number;
  psnr?: number;
}

export interface ProgressOptions {
  total: number;
  mode?: ProgressMode;
  stream?: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean; columns?: number });
  /** JSON mode: emit every this many iterations (default 100). */
  jsonEvery?: number;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

export class TrainingProgress {
  readonly mode: Exclude<ProgressMode, 'auto'>;
  private readonly stream: NodeJS.WritableStream;
  private bar: cliProgress.SingleBar | undefined;
  private readonly started: number;
  private lastPhase = '';
  private lastJson = -Infinity;
  /** Iterations finished by earlier runs on this bar (continueAfterRun); added to each update's count. */
  private offset = 0;
  private done = 0;
  private readonly cost = new IterationCost();
  private lastTime: number;
  private lastIteration = 0;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stdout;
    const isTTY = (this.stream as { isTTY?: boolean }).isTTY === true;
    this.mode =
      options.mode === undefined || options.mode === 'auto' ? (isTTY ? 'bar' : 'quiet') : options.mode;
    this.started = (options.now ?? performance.now.bind(performance))();
    this.lastTime = this.started;
    if (this.mode === 'bar') {
      this.bar = new cliProgress.SingleBar(
        {
          format: '{phase} |{bar}| {value}/{total} it | {gaussians} Gaussians | loss {loss} | ETA {eta}',
          stream: this.stream as NodeJS.WritableStream,
          hideCursor: true,
          etaBuffer: 200,
          fps: 5,
          noTTYOutput: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(options.total, 0, { phase: 'start', gaussians: 0, loss: '-', eta: '-' });
    }
  }

  private elapsedSeconds(): number {
    return ((this.options.now ?? performance.now.bind(performance))() - this.started) / 1000;
  }

  /**
   * The next run on this bar counts on from where the last one stopped (a bench calling trainScene once per
   * seed: each call counts its iterations from 0).
   */
  continueAfterRun(): void {
    this.offset = this.done;
  }

  /** Seconds left: the remaining iterations at the fitted cost of one at `gaussians`; null before any. */
  etaSeconds(iteration: number, gaussians: number): number | null {
    const perIteration = this.cost.seconds(gaussians);
    return perIteration === null ? null : perIteration * Math.max(0, this.options.total - iteration);
  }

  update(run: ProgressUpdate): void {
    const u = { ...run, iteration: this.offset + run.iteration };
    this.done = u.iteration;
    const now = (this.options.now ?? performance.now.bind(performance))();
    const steps = u.iteration - this.lastIteration;
    if (steps > 0) this.cost.add((now - this.lastTime) / 1000 / steps, u.gaussians, steps);
    this.lastTime = now;
    this.lastIteration = u.iteration;
    const eta = this.etaSeconds(u.iteration, u.gaussians);
    const phaseChanged = u.phase !== this.lastPhase;
    this.lastPhase = u.phase;
    if (this.mode === 'bar') {
      this.bar?.update(u.iteration, {
        phase: u.phase.padEnd(9),
        gaussians: u.gaussians.toLocaleString('en-US'),
        loss: u.loss === undefined ? '-' : u.loss.toFixed(4),
        eta: eta === null ? '-' : formatSeconds(eta),
      });
    } else if (this.mode === 'json') {
      const every = this.options.jsonEvery ?? 100;
      if (!phaseChanged && u.iteration - this.lastJson < every && u.iteration !== this.options.total) return;
      this.lastJson = u.iteration;
      const elapsed = this.elapsedSeconds();
      this.stream.write(
        `${JSON.stringify({
          type: 'progress',
          phase: u.phase,
          iteration: u.iteration,
          total: this.options.total,
          gaussians: u.gaussians,
          loss: u.loss ?? null,
          psnr: u.psnr ?? null,
          elapsedSeconds: round(elapsed),
          etaSeconds: eta === null ? null : round(eta),
        })}\n`,
      );
    }
  }

  /** A message that must not be overwritten by the bar (phase summaries, warnings). */
  log(message: string): void {
    if (this.mode === 'quiet') return;
    if (this.mode === 'json') {
      this.stream.write(`${JSON.stringify({ type: 'log', message })}\n`);
      return;
    }
    // cli-progress redraws on the current line: clear it, print, and let the next update redraw.
    this.stream.write(`\r\x1b[2K${message}\n`);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

const round = (x: number) => Math.round(x * 10) / 10;

/** 75 -> '1m15s', 3700 -> '1h01m', 9 -> '9s'. */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Seconds per iteration as a + b x count, by weighted least squares over the measured iterations, older
 * ones forgotten geometrically (half weight after ~350 iterations) so the fit follows the current regime.
 * With too little spread in the counts to separate a from b it is the weighted mean.
 */
export class IterationCost {
  private w = 0;
  private sx = 0;
  private sy = 0;
  private sxx = 0;
  private sxy = 0;

  add(secondsPerIteration: number, count: number, iterations = 1): void {
    const keep = 0.998 ** iterations;
    this.w = this.w * keep + iterations;
    this.sx = this.sx * keep + iterations * count;
    this.sy = this.sy * keep + iterations * secondsPerIteration;
    this.sxx = this.sxx * keep + iterations * count * count;
    this.sxy = this.sxy * keep + iterations * count * secondsPerIteration;
  }

  /** Predicted seconds for one iteration at `count` Gaussians, or null before any sample. */
  seconds(count: number): number | null {
    if (this.w === 0) return null;
    const mx = this.sx / this.w;
    const my = this.sy / this.w;
    const varX = this.sxx / this.w - mx * mx;
    // Counts within ~1% of each other: no slope to learn.
    if (!(varX > (0.01 * mx) ** 2)) return my;
    const b = Math.max(0, (this.sxy / this.w - mx * my) / varX);
    const a = my - b * mx;
    return Math.max(0, a + b * count);
  }
}
