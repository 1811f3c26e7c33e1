// Registers TypeScript (tsx) and the `.wgsl` text loader for Node: `node --import ./scripts/register.mjs x.ts`.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
// Registered last, so it runs first: `.wgsl` never reaches tsx.
register('./wgsl-hooks.mjs', import.meta.url);
