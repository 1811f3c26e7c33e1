// `cem analyze` (run in component/ by `npm run build:scene`) -> custom-elements.json:
// the element's attributes, properties, methods, events, slots and CSS parts, read from the Lit source
// and its JSDoc (`@fires`, `@slot`, `@csspart`), for IDEs, Storybook and documentation tools.

/** The element dispatches through one helper (`dispatch(type, detail)`), which the analyzer reports as
 *  an event named `type`; the real events are the documented `@fires`. */
function dropHelperEvent() {
  return {
    name: 'drop-helper-event',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules)
        for (const declaration of module.declarations ?? [])
          if (declaration.events) declaration.events = declaration.events.filter((e) => e.name !== 'type');
    },
  };
}

export default {
  globs: ['src/gs-scene.ts'],
  outdir: '.',
  litelement: true,
  plugins: [dropHelperEvent()],
};
