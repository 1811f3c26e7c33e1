// The one error type every scene reader throws for bad input: a single line naming the file and the problem,
// so the CLI can print it as-is and exit non-zero.
export class SceneReadError extends Error {
  override name = 'SceneReadError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}
