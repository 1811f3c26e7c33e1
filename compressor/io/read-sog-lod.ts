// Reads a PlayCanvas streamed SOG (`lod-meta.json`, written by splat-transform's LOD writer) at its finest
// level, LOD 0. The manifest names SOG units (`filenames`, each a folder's meta.json or a .sog bundle beside
// it) and a spatial tree whose nodes map LOD levels to { file, offset, count } ranges of those units; every
// unit holds Gaussians of one level only. We read each unit LOD 0 references, check its Gaussian count
// against what the tree assigns it, and join them in file order. An `environment` unit (a backdrop kept
// apart from the levels) is not part of LOD 0 and is not read.
import { dirname, isAbsolute, join, relative } from 'node:path';
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { concatenateScenes } from './concat-scenes.ts';
import { readWholeFile } from './file-read.ts';
import { decodeSogBundle, readSogFolder } from './read-sog.ts';
import { SceneReadError } from './scene-read-error.ts';

/** The level read: PlayCanvas numbers levels from the finest (0) to the coarsest. */
export const FINEST_LOD = 0;

interface LodRef {
  file: number;
  offset: number;
  count: number;
}
interface LodNode {
  lods?: Record<string, LodRef>;
  children?: LodNode[];
}
interface LodMeta {
  version?: number;
  lodLevels: number;
  counts?: number[];
  filenames: string[];
  tree: LodNode;
}

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

function parseMeta(path: string, bytes: Uint8Array): LodMeta {
  let meta: LodMeta;
  try {
    meta = JSON.parse(new TextDecoder().decode(bytes)) as LodMeta;
  } catch (error) {
    throw new SceneReadError(path, `lod-meta.json is not valid JSON (${(error as Error).message})`);
  }
  if (typeof meta !== 'object' || meta === null)
    throw new SceneReadError(path, 'lod-meta.json is not an object');
  if (meta.version !== undefined && meta.version !== 1)
    throw new SceneReadError(path, `lod-meta.json version ${meta.version} is not supported (1 is)`);
  if (!Number.isInteger(meta.lodLevels) || meta.lodLevels <= 0)
    throw new SceneReadError(path, `lod-meta.json lodLevels ${meta.lodLevels} is not a positive integer`);
  if (!Array.isArray(meta.filenames) || meta.filenames.some((f) => typeof f !== 'string'))
    throw new SceneReadError(path, 'lod-meta.json filenames is not a list of file names');
  if (meta.counts !== undefined && (!Array.isArray(meta.counts) || !meta.counts.every(isCount)))
    throw new SceneReadError(path, 'lod-meta.json counts is not a list of counts');
  if (typeof meta.tree !== 'object' || meta.tree === null)
    throw new SceneReadError(path, 'lod-meta.json has no tree');
  return meta;
}

/** Gaussians of level `lod` the tree assigns to each unit file. */
function unitCounts(path: string, meta: LodMeta, lod: number): Map<number, number> {
  const counts = new Map<number, number>();
  const stack: unknown[] = [meta.tree];
  let nodes = 0;
  while (stack.length > 0) {
    const node = stack.pop() as LodNode;
    if (typeof node !== 'object' || node === null || Array.isArray(node))
      throw new SceneReadError(path, 'lod-meta.json tree has a node that is not an object');
    if (++nodes > 1e7) throw new SceneReadError(path, 'lod-meta.json tree has more than 10^7 nodes');
    for (const [key, ref] of Object.entries(node.lods ?? {})) {
      if (
        !ref ||
        !isCount(ref.file) ||
        ref.file >= meta.filenames.length ||
        !isCount(ref.offset) ||
        !isCount(ref.count)
      )
        throw new SceneReadError(path, `lod-meta.json tree has an invalid LOD ${key} reference`);
      if (Number(key) === lod) counts.set(ref.file, (counts.get(ref.file) ?? 0) + ref.count);
    }
    if (node.children !== undefined) {
      if (!Array.isArray(node.children))
        throw new SceneReadError(path, 'lod-meta.json tree has children that are not a list');
      stack.push(...node.children);
    }
  }
  return counts;
}

/** Reads the finest level of the streamed SOG whose manifest is `path`. */
export async function readSogLod(path: string): Promise<GaussianScene> {
  const meta = parseMeta(path, await readWholeFile(path));
  const counts = unitCounts(path, meta, FINEST_LOD);
  const expected = [...counts.values()].reduce((s, c) => s + c, 0);
  if (meta.counts?.[FINEST_LOD] !== undefined && meta.counts[FINEST_LOD] !== expected) {
    throw new SceneReadError(
      path,
      `lod-meta.json counts LOD ${FINEST_LOD} as ${meta.counts[FINEST_LOD]} Gaussians, its tree as ${expected}`,
    );
  }
  if (counts.size === 0) throw new SceneReadError(path, `lod-meta.json has no LOD ${FINEST_LOD} units`);
  const dir = dirname(path);
  const parts: GaussianScene[] = [];
  for (const file of [...counts.keys()].sort((a, b) => a - b)) {
    const name = meta.filenames[file];
    const unitPath = join(dir, name);
    if (isAbsolute(name) || relative(dir, unitPath).startsWith('..'))
      throw new SceneReadError(path, `lod-meta.json unit ${name} lies outside its folder`);
    const unit = name.toLowerCase().endsWith('.sog')
      ? await decodeSogBundle(unitPath, await readWholeFile(unitPath))
      : await readSogFolder(unitPath);
    if (unit.count !== counts.get(file)) {
      throw new SceneReadError(
        path,
        `SOG unit ${name} holds ${unit.count} Gaussians, lod-meta.json assigns it ${counts.get(file)}`,
      );
    }
    parts.push(unit);
  }
  return concatenateScenes(parts);
}
