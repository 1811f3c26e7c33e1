// Training progress for the CLI: a cli-progress bar on a TTY (phase, iteration, Gaussian count, loss,
// ETA), nothing when the stream is not a TTY (logs, CI), or JSON lines for tools
// ({"type":"progress",...} every `jsonEvery` iterations and on every phase change).
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

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stdout;
    const isTTY = (this.stream as { isTTY?: boolean }).isTTY === true;
    this.mode =
      options.mode === undefined || options.mode === 'auto' ? (isTTY ? 'bar' : 'quiet') : options.mode;
    this.started = (options.now ?? performance.now.bind(performance))();
    if (this.mode === 'bar') {
      this.bar = new cliProgress.SingleBar(
        {
          format:
            '{phase} |{bar}| {value}/{total} it | {gaussians} Gaussians | loss {loss} | ETA {eta_formatted}',
          stream: this.stream as NodeJS.WritableStream,
          hideCursor: true,
          etaBuffer: 200,
          fps: 5,
          noTTYOutput: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(options.total, 0, { phase: 'start', gaussians: 0, loss: '-' });
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

  update(run: ProgressUpdate): void {
    const u = { ...run, iteration: this.offset + run.iteration };
    this.done = u.iteration;
    const phaseChanged = u.phase !== this.lastPhase;
    this.lastPhase = u.phase;
    if (this.mode === 'bar') {
      this.bar?.update(u.iteration, {
        phase: u.phase.padEnd(9),
        gaussians: u.gaussians.toLocaleString('en-US'),
        loss: u.loss === undefined ? '-' : u.loss.toFixed(4),
      });
    } else if (this.mode === 'json') {
      const every = this.options.jsonEvery ?? 100;
      if (!phaseChanged && u.iteration - this.lastJson < every && u.iteration !== this.options.total) return;
      this.lastJson = u.iteration;
      const elapsed = this.elapsedSeconds();
      const eta = u.iteration > 0 ? (elapsed / u.iteration) * (this.options.total - u.iteration) : null;
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
