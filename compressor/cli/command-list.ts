// Every `gs-compress` subcommand by name, each loaded only when used. A static list (not a folder scan) so
// that the compiled CLI (scripts/build-compress.mjs) bundles them; command-list.test.ts checks it
// against commands/.
import type { CliCommand } from './command.ts';

type CommandModule = { command: CliCommand };

export const COMMANDS: Readonly<Record<string, () => Promise<CommandModule>>> = {
  compress: () => import('./commands/compress.ts'),
  convert: () => import('./commands/convert.ts'),
  'demo-scene': () => import('./commands/demo-scene.ts'),
  edit: () => import('./commands/edit.ts'),
  export: () => import('./commands/export.ts'),
  info: () => import('./commands/info.ts'),
  pack: () => import('./commands/pack.ts'),
  render: () => import('./commands/render.ts'),
};
