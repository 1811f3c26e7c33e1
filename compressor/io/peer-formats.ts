// Test and bench only: the other formats' own code (dev dependencies) — PlayCanvas splat-transform's readers
// decode files we write and its writers make files ours must read; Niantic's SPZ library (@adobe/spz, the
// reference C++ as wasm) decodes our SPZ. Scenes come back in PLY axes and INRIA conventions.
import { readdir, readFile } from 'node:fs/promises';
import spzPackage from '@adobe/spz';
import { join, relative } from 'node:path';
import {
  bakeTransform,
  Column,
  createChunkDataPool,
  DataTable,
  materializeToDataTable,
  MemoryFileSystem,
  MemoryReadFileSystem,
  readFile as peerReadFile,
  Transform,
  writeGlb,
} from '@playcanvas/splat-transform';
import {
  createScene,
  OPACITY_LOGIT_LIMIT,
  shDegreeFromRestCount,
  type GaussianScene,
  type ShDegree,
} from '../../shared/scene/gaussian-scene.ts';
import { inriaPropertyNames } from './write-ply.ts';

type InputFormat = Parameters<typeof peerReadFile>[0]['inputFormat'];

/** The scene splat-transform reads from `filename` among `files` (name -> bytes), LOD 0 for streamed SOG. */
export async function peerReadScene(
  files: Map<string, Uint8Array>,
  filename: string,
  inputFormat: InputFormat,
): Promise<GaussianScene> {
  const fileSystem = new MemoryReadFileSystem();
  for (const [name, data] of files) fileSystem.set(name, data);
  const pool = createChunkDataPool();
  const [source] = await peerReadFile({ filename, inputFormat, fileSystem, options: { lodSelect: [0] } });
  const table = await materializeToDataTable(bakeTransform(source, Transform.PLY), pool);
  return sceneFromTable(table);
}

/** Every file under `dir`, keyed by its path relative to `dir` (for peerReadScene). */
export async function filesUnder(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(dir, path), new Uint8Array(await readFile(path)));
  }
  return files;
}

function sceneFromTable(table: DataTable): GaussianScene {
  const column = (name: string) => {
    const c = table.getColumnByName(name);
    if (!c) throw new Error(`splat-transform table lacks ${name}`);
    return c.data;
  };
  let rest = 0;
  while (table.getColumnByName(`f_rest_${rest}`)) rest++;
  const k = rest / 3;
  const scene = createScene(table.numRows, shDegreeFromRestCount(k));
  for (let i = 0; i < table.numRows; i++) {
    for (let a = 0; a < 3; a++) {
      scene.positions[i * 3 + a] = column('xyz'[a])[i];
      scene.logScales[i * 3 + a] = column(`scale_${a}`)[i];
      scene.shDC[i * 3 + a] = column(`f_dc_${a}`)[i];
    }
    for (let c = 0; c < 4; c++) scene.rotations[i * 4 + c] = column(`rot_${c}`)[i];
    scene.opacityLogits[i] = column('opacity')[i];
    for (let j = 0; j < k; j++)
      for (let c = 0; c < 3; c++) scene.shRest[(i * k + j) * 3 + c] = column(`f_rest_${c * k + j}`)[i];
  }
  return scene;
}

/** The .glb splat-transform writes for `scene` (given in PLY axes). */
export async function peerWriteGlb(scene: GaussianScene): Promise<Uint8Array> {
  const k = scene.shRest.length / Math.max(1, scene.count) / 3;
  const names = inriaPropertyNames(k).filter((n) => !n.startsWith('n'));
  const values = (name: string): Float32Array => {
    const out = new Float32Array(scene.count);
    for (let i = 0; i < scene.count; i++) {
      if (name.length === 1) out[i] = scene.positions[i * 3 + 'xyz'.indexOf(name)];
      else if (name.startsWith('scale_')) out[i] = scene.logScales[i * 3 + Number(name[6])];
      else if (name.startsWith('rot_')) out[i] = scene.rotations[i * 4 + Number(name[4])];
      else if (name.startsWith('f_dc_')) out[i] = scene.shDC[i * 3 + Number(name[5])];
      else if (name === 'opacity') out[i] = scene.opacityLogits[i];
      else {
        const r = Number(name.slice(7)); // f_rest_r: channel r / k, coefficient r % k
        out[i] = scene.shRest[(i * k + (r % k)) * 3 + Math.floor(r / k)];
      }
    }
    return out;
  };
  const table = new DataTable(
    names.map((n) => new Column(n, values(n))),
    Transform.PLY,
  );
  const fs = new MemoryFileSystem();
  await writeGlb({ filename: 'scene.glb', dataTable: table }, fs);
  const bytes = fs.results.get('scene.glb');
  if (!bytes) throw new Error('splat-transform wrote no scene.glb');
  return bytes;
}

// Under NodeNext the package's CommonJS typings describe its default import as the whole module.
const createSpzModule = spzPackage as unknown as typeof import('@adobe/spz')['default'];
let spzModule: ReturnType<typeof createSpzModule> | undefined;

/** The scene Niantic's reference reader decodes from SPZ `bytes`, converted to RDF (PLY) axes by it. */
export async function peerDecodeSpz(bytes: Uint8Array): Promise<GaussianScene> {
  spzModule ??= createSpzModule();
  const spz = await spzModule;
  const cloud = spz.loadSpzFromBuffer(bytes, { to: spz.CoordinateSystem.RDF });
  const scene = createScene(cloud.numPoints, cloud.shDegree as ShDegree, cloud.antialiased);
  scene.positions.set(cloud.positions);
  scene.logScales.set(cloud.scales);
  scene.shDC.set(cloud.colors);
  scene.shRest.set(cloud.sh);
  for (let i = 0; i < cloud.numPoints; i++) {
    // alpha bytes 0 and 255 decode to ±Infinity logits there; our scenes clamp them.
    scene.opacityLogits[i] = Math.max(-OPACITY_LOGIT_LIMIT, Math.min(OPACITY_LOGIT_LIMIT, cloud.alphas[i]));
    const [x, y, z, w] = cloud.rotations.subarray(i * 4, i * 4 + 4);
    scene.rotations.set([w, x, y, z], i * 4);
  }
  return scene;
}
