// settle(): resolves and rejects like the promise it waits on, including promises settled by timers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settle } from './gpu-wait.ts';

test('settle passes values and rejections through', async () => {
  assert.equal(await settle(Promise.resolve(7)), 7);
  assert.equal(await settle(new Promise((r) => setTimeout(() => r('late'), 5))), 'late');
  await assert.rejects(
    settle(new Promise((_, reject) => setTimeout(() => reject(new Error('boom')), 2))),
    /boom/,
  );
});
