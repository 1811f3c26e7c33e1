// Node module-loader hooks: `import src from './x.wgsl'` yields the file's text, as the rollup build does
// for the browser, so Node and the browser load the very same WGSL sources.
import { readFile } from 'node:fs/promises';

export async function load(url, context, nextLoad) {
  if (url.endsWith('.wgsl')) {
    const text = await readFile(new URL(url), 'utf8');
    return { format: 'module', shortCircuit: true, source: `export default ${JSON.stringify(text)};` };
  }
  return nextLoad(url, context);
}
