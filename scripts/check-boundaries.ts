// Fails (exit 1) when browser code reaches Node-side code: component/src and shared/ (outside tests) must not
// import Node modules (`node:*` or a bare builtin such as `fs`), and must not import compressor/, scripts/
// or e2e/; shared/ must not import component/ either. The browser tsconfig (component/tsconfig.json) has
// no Node types, so Node globals fail there; this catches what types cannot (an import of Node-side code
// that happens to type-check in the DOM). Usage: node --import ./scripts/register.mjs scripts/check-boundaries.ts [root]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folders of browser code and the top-level folders each may not import from. */
export const RULES = [
  { folder: 'component/src', forbidden: ['compressor', 'scripts', 'e2e', 'demo'] },
  { folder: 'shared', forbidden: ['compressor', 'component', 'scripts', 'e2e', 'demo'] },
];

const SOURCE = /\.(ts|mts|js|mjs)$/;
const TEST = /\.test\.(ts|mts|js|mjs)$/;
// Static imports and re-exports (`import x from '...'`, `import '...'`, `export * from '...'`) and
// dynamic `import('...')` with a literal specifier.
const SPECIFIER =
  /(?:\bimport|\bexport)\s+(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
const builtins = new Set(builtinModules);

/** Import specifiers of one source text (comments removed first, so prose never matches). */
export function importSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return [...code.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2]);
}

/** The violations of one file: `file: imports 'x' (reason)`. `file` is relative to `root`. */
export function checkFile(root: string, file: string, source: string): string[] {
  const rule = RULES.find((r) => file === r.folder || file.startsWith(`${r.folder}/`));
  if (!rule || TEST.test(file)) return [];
  const problems: string[] = [];
  for (const spec of importSpecifiers(source)) {
    const bare = spec.split('/')[0];
    if (spec.startsWith('node:') || builtins.has(bare)) {
      problems.push(`${file}: imports '${spec}' (a Node module in browser code)`);
      continue;
    }
    if (!spec.startsWith('.')) continue;
    const target = relative(root, resolve(root, dirname(file), spec))
      .split(sep)
      .join('/');
    const top = target.split('/')[0];
    if (target.startsWith('..') || rule.forbidden.includes(top))
      problems.push(`${file}: imports '${spec}' (${target}: outside what ${rule.folder}/ may import)`);
  }
  return problems;
}

/** Every violation under `root`. */
export function checkTree(root: string): string[] {
  const problems: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(root, dir))) {
      if (name === 'node_modules' || name === 'dist' || name === 'types') continue;
      const path = `${dir}/${name}`;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (SOURCE.test(name) && !name.endsWith('.d.ts'))
        problems.push(...checkFile(root, path, readFileSync(join(root, path), 'utf8')));
    }
  };
  for (const { folder } of RULES) walk(folder);
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const problems = checkTree(root);
  if (problems.length > 0) {
    console.error(
      `check-boundaries: ${problems.length} import(s) cross a boundary:\n  ${problems.join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log(`check-boundaries: ${RULES.map((r) => `${r.folder}/`).join(' and ')} import no Node-side code`);
}
