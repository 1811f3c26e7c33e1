// The contract every `gs-compress` subcommand implements, and the exit codes the CLI documents.

export const EXIT = {
  ok: 0,
  /** Bad input, I/O error, GPU failure: the message says which. */
  failure: 1,
  /** Wrong arguments: usage printed. */
  usage: 2,
} as const;

export interface CliCommand {
  name: string;
  /** One line for `gs-compress --help`. */
  summary: string;
  /** Runs with the arguments after the command name; returns the exit code. Throws CliError for expected failures. */
  run(args: string[]): Promise<number>;
}

/** An expected failure: printed as one line `gs-compress <command>: <message>`, no stack trace. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}
