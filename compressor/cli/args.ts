// Argument parsing shared by the `gs-compress` subcommands (node:util's parseArgs): usage errors become
// CliError(EXIT.usage) with the command's help appended, `--help` prints it, and numeric options are
// range-checked with a message naming the flag.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ShDegree } from '../../shared/scene/gaussian-scene.ts';
import { CliError, EXIT } from './command.ts';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true }>
>;

export interface ArgExpectations {
  /** Name of the one required positional in messages (e.g. 'INPUT'); omit to accept any number. */
  positional?: string;
  /** Name of the required -o value in messages (e.g. 'OUTPUT.gsz'); omit when -o is optional. */
  output?: string;
}

/**
 * Parses `args` with `options` (which must include `help: { type: 'boolean', short: 'h' }`).
 * Returns undefined after printing `help` when --help was given; `output` is the checked -o value ('' when
 * not required and absent).
 */
export function parseCommandArgs<T extends Options>(
  args: string[],
  options: T,
  help: string,
  expect: ArgExpectations = {},
): (Parsed<T> & { output: string }) | undefined {
  let parsed: Parsed<T>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${help}`, EXIT.usage);
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help) {
    console.log(help);
    return undefined;
  }
  if (expect.positional && parsed.positionals.length !== 1) {
    throw new CliError(
      `expected one ${expect.positional}, got ${parsed.positionals.length}\n\n${help}`,
      EXIT.usage,
    );
  }
  const output = typeof values.output === 'string' ? values.output : '';
  if (expect.output && !output) throw new CliError(`missing -o ${expect.output}\n\n${help}`, EXIT.usage);
  return { ...parsed, output };
}

/** A numeric option in [min, max] (integer when asked; max may be Infinity), or undefined when absent. */
export function numberOption(
  raw: string | boolean | undefined,
  name: string,
  min: number,
  max: number,
  integer: boolean,
): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (
    typeof raw !== 'string' ||
    !Number.isFinite(n) ||
    n < min ||
    n > max ||
    (integer && !Number.isInteger(n))
  ) {
    const range = max === Infinity ? `>= ${min}` : `in ${min}..${max}`;
    throw new CliError(
      `--${name} expects ${integer ? 'an integer' : 'a number'} ${range}, got '${String(raw)}'`,
      EXIT.usage,
    );
  }
  return n;
}

/** `--sh-degree` (0-3), or undefined when absent. */
export function shDegreeOption(raw: string | boolean | undefined): ShDegree | undefined {
  return numberOption(raw, 'sh-degree', 0, 3, true) as ShDegree | undefined;
}

/** A whole input file's bytes; a missing or unreadable file is a CliError naming it and the reason. */
export async function readInputFile(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(resolve(file)));
  } catch (error) {
    throw new CliError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
}
