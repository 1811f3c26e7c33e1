// A one-line progress bar with ETA for the long stages of a command (pack's k-means and chunk encoding) on
// a terminal: redrawn in place at most `fps` times a second, the ETA from the stage's own rate so far
// (its work units are about equally costly: point assignments, Gaussians encoded). Draws nothing when the
// stream is not a TTY (logs, pipes, CI) or when disabled (--quiet); the stage lines of StageLog say the same
// there in one line per stage.
import { formatSeconds } from '../train/progress.ts';

export interface StageProgressOptions {
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  enabled?: boolean;
  /** Redraws per second at most (default 5). */
  fps?: number;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

export class StageProgress {
  readonly active: boolean;
  private readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  private readonly now: () => number;
  private readonly interval: number;
  private stage = '';
  private stageStarted = 0;
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(options: StageProgressOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.active = (options.enabled ?? true) && this.stream.isTTY === true;
    this.now = options.now ?? (() => performance.now());
    this.interval = 1000 / (options.fps ?? 5);
  }

  /** `done` of `total` units of `stage` (a new stage restarts the ETA); the last update always draws. */
  update(stage: string, done: number, total: number, detail = ''): void {
    if (!this.active) return;
    const now = this.now();
    if (stage !== this.stage) {
      this.stage = stage;
      this.stageStarted = now;
      this.lastDraw = -Infinity;
    }
    const finished = done >= total;
    if (!finished && now - this.lastDraw < this.interval) return;
    this.lastDraw = now;
    this.stream.write(`\r\x1b[2K${this.line(stage, done, total, detail, now)}`);
    this.drawn = true;
    if (finished) this.clear();
  }

  /** The bar's text: stage, bar, percentage, detail and the ETA at the stage's rate so far. */
  line(stage: string, done: number, total: number, detail: string, now: number): string {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const width = 24;
    const filled = Math.round(fraction * width);
    const elapsed = (now - this.stageStarted) / 1000;
    const eta = done > 0 && elapsed > 0 ? formatSeconds((elapsed * (total - done)) / done) : '-';
    const text = `${stage} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%${detail ? ` ${detail}` : ''} | ETA ${eta}`;
    const columns = this.stream.columns ?? 120;
    return text.length >= columns ? text.slice(0, columns - 1) : text;
  }

  /** Erases the bar's line (before a normal line is printed, and when a stage ends). */
  clear(): void {
    if (!this.drawn) return;
    this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
