// Installs a viewer bench:view compares against into a git-ignored folder under .bench-cache/ (benchmark
// only, never a dependency of the product), pinned, once: npm install --prefix, serialised with other npm
// runs on a shared machine through flock(1) when it exists.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';

/** Installs `packages` (name@version) into `<root>/<dir>` unless each is already there. */
export function installBenchPackages(root: string, dir: string, packages: string[]): void {
  const prefix = `${root}/${dir}`;
  const name = (spec: string) => spec.slice(0, spec.lastIndexOf('@'));
  if (packages.every((p) => existsSync(`${prefix}/node_modules/${name(p)}/package.json`))) return;
  mkdirSync(prefix, { recursive: true });
  console.error(`installing ${packages.join(' ')} into ${dir}/ (benchmark only)`);
  const npmArgs = [
    'install',
    '--prefix',
    prefix,
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
  ];
  const hasFlock = (() => {
    try {
      execFileSync('flock', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  if (hasFlock)
    execFileSync('flock', ['/tmp/npm.lock', 'npm', ...npmArgs, ...packages], { stdio: 'inherit' });
  else execFileSync('npm', [...npmArgs, ...packages], { stdio: 'inherit' });
}
