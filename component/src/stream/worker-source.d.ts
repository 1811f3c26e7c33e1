// `import source from './x.ts?worker-source'`: the rollup build (rollup.config.mjs) bundles x.ts into one
// minified IIFE and inlines it as a string.
declare module '*?worker-source' {
  const source: string;
  export default source;
}
