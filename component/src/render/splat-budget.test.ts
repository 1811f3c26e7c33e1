// The splat budget: the file's count, capped by max-splats or the default memory budget, and never
// beyond the device's buffer limits, with the reason reported.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splatBudget, splatsWithinLimits } from './splat-budget.ts';

const MiB = 1024 * 1024;
/** WebGPU's default limits (what phones' browsers often give). */
const phone = { maxBufferSize: 256 * MiB, maxStorageBufferBindingSize: 128 * MiB };
/** SwiftShader's adapter. */
const desktop = { maxBufferSize: 1024 * MiB, maxStorageBufferBindingSize: 1024 * MiB };

test('everything fits: no reason, all kept', () => {
  const b = splatBudget(6_000_000, 3, desktop);
  assert.equal(b.splatsKept, 6_000_000);
  assert.equal(b.reason, undefined);
  assert.equal(b.bytesPerSplat, 64);
});

test('phone-class limits: the default memory budget keeps the most important prefix', () => {
  const b = splatBudget(6_000_000, 0, phone);
  assert.equal(b.reason, 'memory-budget');
  assert.equal(b.splatsKept, Math.floor((64 * MiB) / 28));
  assert.match(b.message, /of 6000000 Gaussians fit the default GPU memory budget/);
});

test('max-splats replaces the memory budget but never exceeds the device limits', () => {
  const b = splatBudget(6_000_000, 0, phone, 1e8);
  assert.equal(b.reason, 'device-limit');
  // The 24-byte records are the largest per-splat array at degree 0: 128 MiB / 24.
  assert.equal(b.splatsKept, Math.floor((128 * MiB) / 24));
  assert.match(b.message, /maxStorageBufferBindingSize 128 MiB/);
  // SH degree 3: the 36-byte SH rest is the largest.
  assert.equal(splatsWithinLimits(phone, 3), Math.floor((128 * MiB) / 36));
  const small = splatBudget(6_000_000, 0, phone, 1000);
  assert.deepEqual([small.splatsKept, small.reason], [1000, 'max-splats']);
});

test('limits too small for one Gaussian keep none (the element reports a limit error)', () => {
  const b = splatBudget(10, 3, { maxBufferSize: 16, maxStorageBufferBindingSize: 16 });
  assert.deepEqual([b.splatsKept, b.reason], [0, 'device-limit']);
});
