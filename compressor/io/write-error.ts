// The one error type every scene writer throws when the target format cannot hold the scene (SH degree above
// its maximum, too many Gaussians, a value it cannot represent): one line naming the file and the problem,
// raised before anything is written.
export class SceneWriteError extends Error {
  override name = 'SceneWriteError';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}
