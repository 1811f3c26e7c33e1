// The SH table matches the closed forms of the real SH normalisation constants.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SH_C0, SH_C1, SH_C2, SH_C3 } from './sh-constants.ts';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-15 * Math.abs(b), `${a} vs ${b}`);

test('SH constants are the real SH normalisation constants', () => {
  const pi = Math.PI;
  close(SH_C0, 1 / (2 * Math.sqrt(pi)));
  close(SH_C1, Math.sqrt(3 / (4 * pi)));
  const c2 = 0.5 * Math.sqrt(15 / pi);
  const c2Expected = [c2, -c2, 0.25 * Math.sqrt(5 / pi), -c2, 0.25 * Math.sqrt(15 / pi)];
  for (let i = 0; i < 5; i++) close(SH_C2[i], c2Expected[i]);
  const a = 0.25 * Math.sqrt(35 / (2 * pi));
  const b = 0.25 * Math.sqrt(21 / (2 * pi));
  const c3Expected = [
    -a,
    0.5 * Math.sqrt(105 / pi),
    -b,
    0.25 * Math.sqrt(7 / pi),
    -b,
    0.25 * Math.sqrt(105 / pi),
    -a,
  ];
  for (let i = 0; i < 7; i++) close(SH_C3[i], c3Expected[i]);
});
