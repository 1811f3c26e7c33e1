// The one error type of dataset loading: names the file and the problem in one line.
export class DatasetError extends Error {
  override name = 'DatasetError';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}
