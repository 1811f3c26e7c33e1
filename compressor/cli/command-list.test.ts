// The command list names every file in commands/ (and nothing else), each exporting its command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { COMMANDS } from './command-list.ts';

test('COMMANDS lists exactly the files in commands/', async () => {
  const files = readdirSync(new URL('./commands/', import.meta.url))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
  assert.deepEqual(Object.keys(COMMANDS).sort(), files);
  for (const [name, load] of Object.entries(COMMANDS)) assert.equal((await load()).command.name, name);
});
