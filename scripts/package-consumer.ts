// A fresh consumer project with the two packages installed from their tarballs, as a user gets them:
// `npm pack` of component/ (gs-scene) and compressor/ (gs-compress), then `npm install` of the tarballs in
// an empty temporary folder (registry for their dependencies, nothing linked to this repository).
// Used by scripts/test-package.ts and scripts/bench-package.ts, with the figures both print.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const repoRoot = new URL('..', import.meta.url).pathname;

export interface PackedFile {
  path: string;
  size: number;
}

export interface Consumer {
  /** The consumer project (package.json, node_modules/gs-scene, node_modules/gs-compress). */
  dir: string;
  /** Files of each tarball, by package name. */
  files: Record<string, PackedFile[]>;
}

const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

/** Builds both packages (unless `build` is false: already built), packs and installs them. */
export function installConsumer(options: { build?: boolean; extra?: string[] } = {}): Consumer {
  if (options.build !== false) npm(['run', 'build', '--silent'], repoRoot);
  const dir = mkdtempSync(join(tmpdir(), 'gs-package-'));
  const packed = JSON.parse(
    npm(
      // --ignore-scripts: the packages' prepack (a build, for `npm publish`) already ran above.
      [
        'pack',
        '--ignore-scripts',
        '--json',
        '--workspace',
        'component',
        '--workspace',
        'compressor',
        '--pack-destination',
        dir,
      ],
      repoRoot,
    ),
  ) as { name: string; filename: string; files: PackedFile[] }[];
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'gs-consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  npm(
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      ...packed.map((p) => `./${p.filename}`),
      ...(options.extra ?? []),
    ],
    dir,
  );
  return { dir, files: Object.fromEntries(packed.map((p) => [p.name, p.files])) };
}

interface LockPackage {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  hasInstallScript?: boolean;
}

/** Installed folders of `name` and everything it depends on (from the consumer's package-lock). */
export function dependencyClosure(consumer: Consumer, name: string): string[] {
  const lock = JSON.parse(readFileSync(join(consumer.dir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockPackage>;
  };
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path) || !lock.packages[path]) return;
    seen.add(path);
    const entry = lock.packages[path];
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      // Node's lookup: the nearest node_modules/dep walking up from the package's own folder.
      let base = path;
      for (;;) {
        const candidate = `${base}/node_modules/${dep}`;
        if (lock.packages[candidate]) {
          visit(candidate);
          break;
        }
        const cut = base.lastIndexOf('/node_modules/');
        if (cut < 0) {
          visit(`node_modules/${dep}`);
          break;
        }
        base = base.slice(0, cut);
      }
    }
  };
  visit(`node_modules/${name}`);
  return [...seen];
}

/** Packages in `name`'s dependency closure that declare install scripts. */
export function installScripts(consumer: Consumer, name: string): string[] {
  const lock = JSON.parse(readFileSync(join(consumer.dir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockPackage>;
  };
  return dependencyClosure(consumer, name).filter((path) => lock.packages[path]?.hasInstallScript);
}

/** Bytes of a package folder's files (apparent sizes; nested node_modules are counted as their own packages). */
export function folderBytes(path: string): number {
  let total = 0;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules') continue;
    const child = join(path, name);
    const stats = statSync(child);
    total += stats.isDirectory() ? folderBytes(child) : stats.size;
  }
  return total;
}

export interface PackageFigures {
  /** node_modules/gs-scene alone, and with its dependencies (lit). */
  sceneBytes: number;
  sceneWithDependenciesBytes: number;
  sceneInstallScripts: string[];
  bundleGzipBytes: number;
  compressDependencies: number;
  compressWithDependenciesBytes: number;
}

export function packageFigures(consumer: Consumer): PackageFigures {
  const bundle = readFileSync(join(consumer.dir, 'node_modules/gs-scene/dist/gs-scene.bundle.js'));
  const sum = (paths: string[]) => paths.reduce((s, p) => s + folderBytes(join(consumer.dir, p)), 0);
  const compress = dependencyClosure(consumer, 'gs-compress');
  return {
    sceneBytes: folderBytes(join(consumer.dir, 'node_modules/gs-scene')),
    sceneWithDependenciesBytes: sum(dependencyClosure(consumer, 'gs-scene')),
    sceneInstallScripts: installScripts(consumer, 'gs-scene'),
    bundleGzipBytes: gzipSync(bundle, { level: 9 }).length,
    compressDependencies: compress.length - 1,
    compressWithDependenciesBytes: sum(compress),
  };
}

export const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;
