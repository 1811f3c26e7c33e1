// Runs the CLI from its TypeScript sources, for development in this repository:
//   node --import ./scripts/register.mjs compressor/cli/run.ts <command> [options]
// The published package runs the compiled copy instead (bin/gs-compress.js -> dist/cli.js).
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
