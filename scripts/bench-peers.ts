// Peer files for the benchmarks (bench:format, bench:decode), each written by the peer's own tool:
// @playcanvas/splat-transform, a devDependency (it writes SPZ through Niantic's code, SOG, compressed.ply),
// run as a child process and cached under node_modules/.bench-peers/cache, keyed by the input's size and
// modification time (so a changed input is converted again).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = join(root, 'node_modules', '.bench-peers', 'cache');

/** splat-transform's CLI script, or undefined (with the reason printed) when it is not installed. */
export function splatTransformCli(): string | undefined {
  try {
    // The package's `exports` hides package.json: resolve its entry point, then walk up to the package root.
    let dir = dirname(createRequire(import.meta.url).resolve('@playcanvas/splat-transform'));
    while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
    const cli = join(dir, 'bin', 'cli.mjs');
    if (existsSync(cli)) return cli;
  } catch {
    // not installed: said below
  }
  console.log('skipping the peer formats: @playcanvas/splat-transform is not installed (npm install)');
  return undefined;
}

/** Where the converted copy of `input` is cached (`args`: the options that select the variant). */
export function cachedPath(input: string, name: string, ext: string, args: readonly string[] = []): string {
  mkdirSync(cacheDir, { recursive: true });
  const st = statSync(input);
  return join(cacheDir, `${name}-${st.size}-${Math.floor(st.mtimeMs)}${args.join('')}.${ext}`);
}

/** SPZ/SOG of `input`, made once by splat-transform and cached beside the peers (keyed by size + mtime). */
export function peerFile(
  cli: string,
  input: string,
  name: string,
  ext: string,
  args: readonly string[] = [],
): { path: string; encodeSeconds?: number } | undefined {
  const path = cachedPath(input, name, ext, args);
  if (existsSync(path)) return { path };
  const t = performance.now();
  const limit = Number(process.env.GSZ_BENCH_PEER_TIMEOUT_S ?? 900) * 1000;
  // splat-transform needs a WebGPU adapter for SOG's SH k-means unless told to use the CPU ('-g cpu').
  for (const extra of [[], ['-g', 'cpu']]) {
    try {
      execFileSync(process.execPath, [cli, '-w', '-q', ...extra, ...args, input, path], {
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: limit,
      });
      return { path, encodeSeconds: (performance.now() - t) / 1000 };
    } catch (e) {
      console.log(
        `splat-transform ${extra.join(' ')} -> ${name}.${ext} failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
      );
      if ((e as { signal?: string }).signal === 'SIGTERM') break; // timed out: do not try again
    }
  }
  console.log(`${name}: ${ext} ${args.join(' ')} skipped`);
  return undefined;
}
