// `npm run bench:package`: the packages' figures as a user installs them (scripts/package-consumer.ts):
// gs-scene's installed size and install scripts, the self-contained bundle gzipped, and the process time
// of `gs-compress --help` (median of 5) beside bare `node -e 0`. `--no-build` uses the current builds.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { installConsumer, kb, packageFigures } from './package-consumer.ts';

const RUNS = 5;
const consumer = installConsumer({ build: !process.argv.includes('--no-build') });

/** Median wall seconds of `node args...` run in the consumer folder. */
function medianSeconds(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: consumer.dir, stdio: 'ignore' });
    times.push((performance.now() - t0) / 1000);
    if (r.status !== 0) throw new Error(`node ${args.join(' ')}: exit ${r.status}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

try {
  const f = packageFigures(consumer);
  const bin = join(consumer.dir, 'node_modules/gs-compress/bin/gs-compress.js');
  const help = medianSeconds([bin, '--help']);
  const bare = medianSeconds(['-e', '0']);
  const rows: [string, string, string][] = [
    ['gs-scene installed size', kb(f.sceneBytes), '<= 1000 kB'],
    ['gs-scene + dependencies (lit)', kb(f.sceneWithDependenciesBytes), ''],
    ['gs-scene install scripts', String(f.sceneInstallScripts.length), '0'],
    ['gs-scene.bundle.js gzipped', kb(f.bundleGzipBytes), '<= 50 kB'],
    [`gs-compress --help (median of ${RUNS})`, `${help.toFixed(3)} s`, '<= 0.5 s'],
    [`node -e 0 (median of ${RUNS})`, `${bare.toFixed(3)} s`, ''],
    ['gs-compress dependencies', String(f.compressDependencies), ''],
    ['gs-compress + dependencies installed', kb(f.compressWithDependenciesBytes), ''],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [name, value, goal] of rows)
    console.log(`${name.padEnd(width)}  ${value.padStart(10)}  ${goal ? `(goal ${goal})` : ''}`);
} finally {
  rmSync(consumer.dir, { recursive: true, force: true });
}
