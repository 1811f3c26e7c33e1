// `.wgsl` files import as their source text: Node through scripts/wgsl-hooks.mjs, the browser through rollup.
declare module '*.wgsl' {
  const source: string;
  export default source;
}
