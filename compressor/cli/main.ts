// `gs-compress` command dispatch. Each subcommand lives in `commands/<name>.ts`, exports a
// `command: CliCommand` and is listed in command-list.ts; the default (no subcommand, an input path
// first) is the full pipeline `compress`. `--version` prints the package's version. Errors are one line:
// usage errors point at the command's help, control characters in messages are escaped.
import packageJson from '../package.json' with { type: 'json' };
import type { CliCommand } from './command.ts';
import { CliError, EXIT } from './command.ts';
import { COMMANDS } from './command-list.ts';

function commandNames(): string[] {
  return Object.keys(COMMANDS).sort();
}

async function loadCommand(name: string): Promise<CliCommand | undefined> {
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  return load ? (await load()).command : undefined;
}

async function usage(): Promise<string> {
  const lines = [
    'Usage: gs-compress <command> [options]',
    '       gs-compress <input> -o scene.gsz [options]   (same as `compress`)',
    '',
    'Commands:',
  ];
  for (const name of commandNames()) {
    const command = await loadCommand(name);
    if (command) lines.push(`  ${name.padEnd(10)} ${command.summary}`);
  }
  lines.push('', "Run `gs-compress <command> --help` for a command's options and examples.");
  lines.push('Exit codes: 0 success, 1 failure (bad input, I/O, GPU), 2 usage error.');
  return lines.join('\n');
}

/** The package version (package.json), for `--version`. */
export function version(): string {
  return packageJson.version;
}

/** `text` on one line: control characters (newlines in a hostile file name, say) shown as \xNN escapes. */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A usage error's one line, pointing at the command's help. */
export function usageLine(command: string | undefined, message: string): string {
  const help = command ? `gs-compress ${command} --help` : 'gs-compress --help';
  return `gs-compress${command ? ` ${command}` : ''}: ${oneLine(message.split('\n\n')[0])}; see ${help}`;
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v' || first === '-V') {
    console.log(`gs-compress ${version()}`);
    return EXIT.ok;
  }
  if (first === undefined || first === '--help' || first === '-h') {
    console.log(await usage());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  let command = await loadCommand(first);
  let args = rest;
  if (!command) {
    if (!first.startsWith('-')) command = await loadCommand('compress');
    if (!command) {
      console.error(usageLine(undefined, `unknown command '${first}' (${commandNames().join(', ')})`));
      return EXIT.usage;
    }
    args = argv;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof CliError) {
      console.error(
        error.exitCode === EXIT.usage
          ? usageLine(command.name, error.message)
          : `gs-compress ${command.name}: ${oneLine(error.message)}`,
      );
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    console.error(`gs-compress ${command.name}: ${oneLine(message)}`);
    if (process.env.GS_DEBUG) console.error(error);
    return EXIT.failure;
  }
}
