// `gs-compress` command dispatch. Each subcommand lives in `commands/<name>.ts`, exports a
// `command: CliCommand` and is listed in command-list.ts; the default (no subcommand, an input path
// first) is the full pipeline `compress`. `--version` prints the package's version.
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

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v') {
    console.log(packageJson.version);
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
      console.error(`gs-compress: unknown command '${first}'\n\n${await usage()}`);
      return EXIT.usage;
    }
    args = argv;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`gs-compress ${command.name}: ${error.message}`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    console.error(`gs-compress ${command.name}: ${message}`);
    if (process.env.GS_DEBUG) console.error(error);
    return EXIT.failure;
  }
}
