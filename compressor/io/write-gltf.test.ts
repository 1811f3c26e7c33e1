// glTF KHR_gaussian_splatting: our .glb reads back as the scene; a .glb written by PlayCanvas splat-transform
// (the other tool that writes the extension; dev dependency only) reads as the scene it was given, which
// pins the axis convention and SH signs; both tools write the same attributes; .gltf with a separate or
// embedded buffer reads too; bad files and unwritable scenes give one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sigmoid, type GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { GLB_CHUNK_HEADER_BYTES, GLB_HEADER_BYTES } from './gltf-splat-layout.ts';
import { peerWriteGlb } from './peer-formats.ts';
import { decodeGltf } from './read-gltf.ts';
import { readScene } from './read-scene.ts';
import { SceneReadError } from './scene-read-error.ts';
import { randomScene, withTempDir } from './test-helpers.ts';
import { encodeGlb, writeGlb } from './write-gltf.ts';

/** Σ = R diag(exp(2 s)) Rᵀ of Gaussian i (row-major 3x3): what a renderer draws, whatever the quaternion's sign
 *  or local-axis labelling (splat-transform turns quaternions as r q, we conjugate: same Σ, other q). */
function covariance(scene: GaussianScene, i: number): number[] {
  const [w, x, y, z] = scene.rotations.subarray(i * 4, i * 4 + 4);
  const n = Math.hypot(w, x, y, z);
  const [a, b, c, d] = [w / n, x / n, y / n, z / n];
  const r = [
    [1 - 2 * (c * c + d * d), 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), 1 - 2 * (b * b + d * d), 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), 1 - 2 * (b * b + c * c)],
  ];
  const v = [0, 1, 2].map((k) => Math.exp(2 * scene.logScales[i * 3 + k]));
  const out: number[] = [];
  for (let row = 0; row < 3; row++)
    for (let col = 0; col < 3; col++)
      out.push(r[row][0] * v[0] * r[col][0] + r[row][1] * v[1] * r[col][1] + r[row][2] * v[2] * r[col][2]);
  return out;
}

/** `decoded` equals `input` up to float32 rounding of the activated values the format stores. */
function assertSameScene(input: GaussianScene, decoded: GaussianScene): void {
  assert.equal(decoded.count, input.count);
  assert.equal(decoded.shDegree, input.shDegree);
  const near = (a: number, b: number, tol: number, what: string) =>
    assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
  for (let i = 0; i < input.count * 3; i++) {
    near(decoded.positions[i], input.positions[i], 1e-6, `position ${i}`);
    near(decoded.logScales[i], input.logScales[i], 1e-5, `log-scale ${i}`); // log(float32(exp(s)))
    near(decoded.shDC[i], input.shDC[i], 1e-7, `DC ${i}`);
  }
  for (let i = 0; i < input.count; i++) {
    // float32 opacity: 2^-24 relative near 1 (a logit of 15 cannot come back exactly, its opacity does).
    near(sigmoid(decoded.opacityLogits[i]), sigmoid(input.opacityLogits[i]), 2e-7, `opacity ${i}`);
    const [s, t] = [covariance(input, i), covariance(decoded, i)];
    const scale = Math.max(...s.map(Math.abs));
    // float32 quaternion and scale: a few 1e-7 relative, times the largest variance.
    for (let k = 0; k < 9; k++) near(t[k], s[k], 1e-5 * scale, `covariance ${i}[${k}]`);
  }
  for (let i = 0; i < input.shRest.length; i++) near(decoded.shRest[i], input.shRest[i], 1e-7, `SH ${i}`);
}

interface ValidatorMessage {
  code: string;
  pointer?: string;
  message: string;
}
/** The Khronos glTF-Validator (dev dependency; it ships no typings). */
const validator = createRequire(import.meta.url)('gltf-validator') as {
  validateBytes(data: Uint8Array): Promise<{ issues: { messages: ValidatorMessage[] } }>;
};

function glbJson(glb: Uint8Array): { json: Record<string, unknown>; bin: Uint8Array } {
  const view = new DataView(glb.buffer, glb.byteOffset, glb.byteLength);
  const jsonLength = view.getUint32(GLB_HEADER_BYTES, true);
  const jsonStart = GLB_HEADER_BYTES + GLB_CHUNK_HEADER_BYTES;
  const json = JSON.parse(new TextDecoder().decode(glb.subarray(jsonStart, jsonStart + jsonLength)));
  const binStart = jsonStart + jsonLength + GLB_CHUNK_HEADER_BYTES;
  return { json, bin: glb.subarray(binStart, binStart + view.getUint32(jsonStart + jsonLength, true)) };
}

for (const degree of [0, 1, 2, 3] as const) {
  test(`glTF SH degree ${degree}: our .glb and splat-transform's both read back as the scene`, async () => {
    const scene = randomScene(400, degree, 20 + degree);
    assertSameScene(scene, await decodeGltf('ours.glb', encodeGlb('ours.glb', scene)));
    assertSameScene(scene, await decodeGltf('peer.glb', await peerWriteGlb(scene)));
  });
}

test('our .glb carries the attributes, accessors and extension object splat-transform writes', async () => {
  const scene = randomScene(100, 3, 7);
  const ours = glbJson(encodeGlb('ours.glb', scene)).json as {
    meshes: { primitives: { attributes: object; extensions: object; mode: number }[] }[];
  };
  const peer = glbJson(await peerWriteGlb(scene)).json as typeof ours;
  const [a, b] = [ours.meshes[0].primitives[0], peer.meshes[0].primitives[0]];
  assert.deepEqual(Object.keys(a.attributes).sort(), Object.keys(b.attributes).sort());
  assert.deepEqual(a.extensions, b.extensions);
  assert.equal(a.mode, 0);
});

test('the Khronos glTF validator finds nothing wrong in our .glb but the extension it predates', async () => {
  for (const degree of [0, 3] as const) {
    const report = await validator.validateBytes(encodeGlb('x.glb', randomScene(200, degree, 4)));
    // It knows no KHR_gaussian_splatting (nor its attribute names), and says so for splat-transform's files too.
    const other = report.issues.messages.filter(
      (m) =>
        m.code !== 'UNSUPPORTED_EXTENSION' &&
        !(
          m.code === 'MESH_PRIMITIVE_INVALID_ATTRIBUTE' &&
          m.pointer?.includes('/attributes/KHR_gaussian_splatting:')
        ),
    );
    assert.deepEqual(other, []);
    assert.ok(report.issues.messages.some((m) => m.code === 'UNSUPPORTED_EXTENSION')); // it did read the file
  }
});

test('a .gltf with its buffer in a .bin file, or as a data URI, reads as the .glb does', async () => {
  const scene = randomScene(64, 2, 9);
  const { json, bin } = glbJson(encodeGlb('x.glb', scene));
  await withTempDir(async (dir) => {
    await writeFile(join(dir, 'scene.bin'), bin);
    const external = { ...json, buffers: [{ byteLength: bin.length, uri: 'scene.bin' }] };
    await writeFile(join(dir, 'scene.gltf'), JSON.stringify(external));
    assertSameScene(scene, await readScene(join(dir, 'scene.gltf')));
    const embedded = {
      ...json,
      buffers: [
        {
          byteLength: bin.length,
          uri: `data:application/octet-stream;base64,${Buffer.from(bin).toString('base64')}`,
        },
      ],
    };
    await writeFile(join(dir, 'embedded.gltf'), JSON.stringify(embedded));
    assertSameScene(scene, await readScene(join(dir, 'embedded.gltf')));
    await writeFile(join(dir, 'scene.glb'), encodeGlb('scene.glb', scene));
    assertSameScene(scene, await readScene(join(dir, 'scene.glb')));
  });
});

test('bad glTF files give one-line errors naming the file', async () => {
  const glb = encodeGlb('x.glb', randomScene(32, 1, 3));
  await assert.rejects(decodeGltf('cut.glb', glb.subarray(0, glb.length - 100)), (e: unknown) => {
    assert.ok(e instanceof SceneReadError);
    assert.match(e.message, /^cut\.glb: GLB declares \d+ bytes, the file has \d+ \(truncated\)$/);
    return true;
  });
  const { json, bin } = glbJson(glb);
  const noScale = structuredClone(json) as {
    meshes: { primitives: { attributes: Record<string, number> }[] }[];
  };
  delete noScale.meshes[0].primitives[0].attributes['KHR_gaussian_splatting:SCALE'];
  const bytes = (doc: unknown) =>
    new TextEncoder().encode(
      JSON.stringify({
        ...(doc as object),
        buffers: [{ byteLength: bin.length, uri: `data:;base64,${Buffer.from(bin).toString('base64')}` }],
      }),
    );
  await assert.rejects(
    decodeGltf('a.gltf', bytes(noScale)),
    /a\.gltf: KHR_gaussian_splatting primitive lacks the KHR_gaussian_splatting:SCALE attribute/,
  );
  const plain = structuredClone(json) as { meshes: { primitives: { extensions?: object }[] }[] };
  delete plain.meshes[0].primitives[0].extensions;
  await assert.rejects(
    decodeGltf('b.gltf', bytes(plain)),
    /b\.gltf: glTF has no KHR_gaussian_splatting primitive/,
  );
});

test('a scene glTF cannot hold is refused before a file exists', async () => {
  await withTempDir(async (dir) => {
    const out = join(dir, 'bad.glb');
    const scene = randomScene(10, 0, 2);
    scene.logScales[4] = 200; // exp(200) overflows float32
    await assert.rejects(writeGlb(out, scene), /bad\.glb: Gaussian 1's scale exp\(200\) overflows float32/);
    scene.logScales[4] = 0;
    scene.positions[0] = Number.POSITIVE_INFINITY;
    await assert.rejects(writeGlb(out, scene), /bad\.glb: Gaussian 0 has a non-finite position \(Infinity\)/);
    assert.equal(existsSync(out), false);
  });
});
