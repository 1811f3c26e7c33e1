// The per-device cache builds each (device, key) once, keeps devices apart and memoises promises as values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceCache, oncePerDevice, perDevice } from './pipeline-cache.ts';

// The cache only uses a device's identity (as a WeakMap key), so plain objects stand for devices here.
const newDevice = () => ({}) as GPUDevice;

test('perDevice builds once per device and key', () => {
  const builds: string[] = [];
  const get = perDevice((_device, key: string) => {
    builds.push(key);
    return { key };
  });
  const [a, b] = [newDevice(), newDevice()];
  const first = get(a, 'x');
  assert.equal(get(a, 'x'), first);
  assert.notEqual(get(a, 'y'), first);
  assert.notEqual(get(b, 'x'), first);
  assert.deepEqual(builds, ['x', 'y', 'x']);
});

test('oncePerDevice memoises a promise per device', async () => {
  let builds = 0;
  const get = oncePerDevice(async () => ++builds);
  const device = newDevice();
  const p = get(device);
  assert.equal(get(device), p);
  assert.equal(await p, 1);
  assert.equal(await get(newDevice()), 2);
});

test('deviceCache takes the builder at the call', () => {
  const get = deviceCache<number, string>();
  const device = newDevice();
  assert.equal(
    get(device, 1, () => 'one'),
    'one',
  );
  assert.equal(
    get(device, 1, () => 'other'),
    'one',
  );
  assert.equal(
    get(device, 2, () => 'two'),
    'two',
  );
});
