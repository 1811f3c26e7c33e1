// Playwright global setup: (re)generates the synthetic .gsz fixtures (in a Node child process, which
// has the TypeScript + .wgsl loader the encoder needs) and checks the build exists.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export default function globalSetup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, ['--import', './scripts/register.mjs', 'e2e/make-fixtures.ts'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (!existsSync(`${root}component/dist/gs-scene.bundle.js`)) {
    throw new Error(
      'component/dist/gs-scene.bundle.js is missing: run `npm run build` first (npm run test:e2e does)',
    );
  }
}
