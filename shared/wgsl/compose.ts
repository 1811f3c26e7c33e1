// A tiny WGSL preprocessor shared by Node and the browser: WGSL has no includes, so kernels say
// `#import name` to pull in a helper module once (recursively; WGSL declarations are order-free, so a
// module imported twice or in a cycle is simply emitted once), and `#ifdef NAME` / `#else` / `#endif`
// for the few genuinely parameterised variants. `${NAME}` substitutes a numeric constant.
// The sources are passed in (imported `.wgsl` text), so the same code runs under Node and rollup.

export type WgslModules = Readonly<Record<string, string>>;
export type WgslDefines = Readonly<Record<string, boolean | number>>;

export class WgslComposeError extends Error {
  override name = 'WgslComposeError';
}

/** Expands `#import`, `#ifdef` and `${NAME}` in `source`; `modules` maps import names to WGSL text. */
export function composeWgsl(source: string, modules: WgslModules = {}, defines: WgslDefines = {}): string {
  const included = new Set<string>();
  const out: string[] = [];
  expand(source, '<entry>', modules, defines, included, out);
  return out.join('\n').replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const value = defines[name];
    if (typeof value !== 'number') throw new WgslComposeError(`\${${name}} has no numeric define`);
    return String(value);
  });
}

function expand(
  source: string,
  name: string,
  modules: WgslModules,
  defines: WgslDefines,
  included: Set<string>,
  out: string[],
): void {
  // Each entry of `active` says whether the enclosing #ifdef branch emits lines.
  const active: boolean[] = [];
  const emitting = () => active.every(Boolean);
  for (const line of source.split('\n')) {
    const directive = /^\s*#(\w+)\s*(\S*)\s*$/.exec(line);
    if (!directive) {
      if (emitting()) out.push(line);
      continue;
    }
    const [, keyword, argument] = directive;
    switch (keyword) {
      case 'ifdef':
        active.push(Boolean(defines[argument]));
        break;
      case 'ifndef':
        active.push(!defines[argument]);
        break;
      case 'else':
        if (active.length === 0) throw new WgslComposeError(`${name}: #else without #ifdef`);
        active.push(!active.pop());
        break;
      case 'endif':
        if (active.length === 0) throw new WgslComposeError(`${name}: #endif without #ifdef`);
        active.pop();
        break;
      case 'import': {
        if (!emitting() || included.has(argument)) break;
        const module = modules[argument];
        if (module === undefined) throw new WgslComposeError(`${name}: #import ${argument}: no such module`);
        included.add(argument);
        expand(module, argument, modules, defines, included, out);
        break;
      }
      default:
        throw new WgslComposeError(`${name}: unknown directive #${keyword}`);
    }
  }
  if (active.length !== 0) throw new WgslComposeError(`${name}: #ifdef without #endif`);
}
