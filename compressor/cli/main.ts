// `gs-compress` command dispatch. Each subcommand lives in `commands/<name>.ts` and exports a
// `command: CliCommand`; the default (no subcommand, an input path first) is the full pipeline `compress`.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CliCommand } from './command.ts';
import { CliError, EXIT } from './command.ts';

const commandsDir = fileURLToPath(new URL('./commands/', import.meta.url));

function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function loadCommand(name: string): Promise<CliCommand | undefined> {
  if (!commandNames().includes(name)) return undefined;
  const module = (await import(`./commands/${name}.ts`)) as { command: CliCommand };
  return module.command;
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
