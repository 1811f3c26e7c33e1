// One line per pipeline stage on stderr, prefixed with the seconds since the command started, so a long
// command (pack's k-means and encoding, compress's teacher renders) is never silent for long on a terminal
// or in a log. Silent when `enabled` is false (--json modes, tests that ask for it).
export class StageLog {
  private readonly started = performance.now();

  constructor(
    private readonly stream: NodeJS.WritableStream = process.stderr,
    private readonly enabled = true,
  ) {}

  /** Seconds since the command started. */
  seconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  line(message: string): void {
    if (!this.enabled) return;
    this.stream.write(`[${this.seconds().toFixed(1).padStart(6)} s] ${message}\n`);
  }
}
