// Argument parsing shared by the `gs-compress` subcommands (node:util's parseArgs): usage errors become
// one-line CliError(EXIT.usage) messages (main.ts appends `see gs-compress <cmd> --help`), `--help` prints
// the help, and numeric options are range-checked with a message naming the flag. A negative number after
// a value option (`--budget -3`) is taken as its value, so the range check can name the option.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ShDegree } from '../../shared/scene/gaussian-scene.ts';
import { checkRegularFile } from '../io/read-scene.ts';
import { SceneReadError } from '../io/scene-read-error.ts';
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
    parsed = parseArgs({ args: joinNegativeValues(args, options), options, allowPositionals: true });
  } catch (error) {
    throw new CliError(parserMessage(error as Error & { code?: string }), EXIT.usage);
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help) {
    console.log(help);
    return undefined;
  }
  if (expect.positional && parsed.positionals.length !== 1) {
    const got = parsed.positionals.length;
    throw new CliError(
      got === 0
        ? `missing ${expect.positional}`
        : `expected one ${expect.positional}, got ${got} (${parsed.positionals.join(' ')})`,
      EXIT.usage,
    );
  }
  const output = typeof values.output === 'string' ? values.output : '';
  if (expect.output && !output) throw new CliError(`missing -o ${expect.output}`, EXIT.usage);
  return { ...parsed, output };
}

/** `--opt -3` -> `--opt=-3` for value options (parseArgs would call -3 an option and reject it). */
function joinNegativeValues(args: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = args[i + 1];
    const long = a.startsWith('--') ? a.slice(2) : undefined;
    const short = /^-[a-zA-Z]$/.test(a)
      ? Object.entries(options).find(([, o]) => o.short === a[1])?.[0]
      : undefined;
    const name = long ?? short;
    if (name && options[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** parseArgs's error as one short line. */
function parserMessage(error: Error & { code?: string }): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return error.message.includes('argument missing')
        ? `option ${quoted.replace(/ <value>$/, '')} needs a value`
        : `option ${quoted.replace(/ <value>$/, '')} takes no value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted}`;
    default:
      return error.message.split('\n')[0];
  }
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

/**
 * A whole input file's bytes; a missing or unreadable file, or one that is not a regular file (a FIFO would
 * block, /dev/zero never ends), is a CliError naming it and the reason.
 */
export async function readInputFile(file: string): Promise<Uint8Array> {
  try {
    await checkRegularFile(resolve(file));
  } catch (error) {
    if (error instanceof SceneReadError) throw new CliError(`${file}: ${error.problem}`);
    throw error;
  }
  try {
    return new Uint8Array(await readFile(resolve(file)));
  } catch (error) {
    throw new CliError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
}
