// `readScene(path)`: loads any supported Gaussian scene file into the shared GaussianScene. The format is
// found from the file's first bytes where it has a magic number, else from its extension:
//   "ply"        INRIA float PLY, or PlayCanvas compressed PLY (told apart by the header's elements)
//   "NGSP"/gzip  Niantic SPZ (v2/v3 gzip, v4 raw header + zstd)
//   "PK\3\4"     PlayCanvas SOG bundle (.sog); a SOG meta.json with its textures beside it also works
//   "\x89GSZ"    our own .gsz (decoded by shared/format on several threads, GszFormatError -> SceneReadError)
//   "glTF"       binary glTF with KHR_gaussian_splatting (.glb); a .gltf JSON file by its extension
//   .splat       antimatter15 splat (no magic)
//   lod-meta.json  PlayCanvas streamed SOG, read at its finest level; a folder holding lod-meta.json or
//                a SOG meta.json is read as that file
// Every bad input ends in a one-line SceneReadError naming the file; only regular files are opened (a FIFO
// would block, a directory or device is not a scene), and every scene read is checked against the value
// limits of scene-limits.ts.
import { stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { GszFormatError } from '../../shared/format/gsz-decoder.ts';
import { GSZ_MAGIC } from '../../shared/format/gsz-layout.ts';
import type { GaussianScene } from '../../shared/scene/gaussian-scene.ts';
import { openOrThrow, readWholeFile } from './file-read.ts';
import { decodeGszParallel } from './gsz-parallel-decode.ts';
import { decodeGltf } from './read-gltf.ts';
import { readPly } from './read-ply.ts';
import { decodeSogBundle, readSogFolder } from './read-sog.ts';
import { readSogLod } from './read-sog-lod.ts';
import { decodeSplat } from './read-splat.ts';
import { decodeSpz } from './read-spz.ts';
import { checkSceneValues } from './scene-limits.ts';
import { SceneReadError } from './scene-read-error.ts';

export type SceneFormat = 'ply' | 'spz' | 'sog' | 'sog-folder' | 'sog-lod' | 'splat' | 'gsz' | 'gltf';

export const SUPPORTED_FORMATS =
  '.ply (INRIA float or PlayCanvas compressed), .spz, .sog (or SOG meta.json), SOG lod-meta.json, .splat, ' +
  '.glb / .gltf (KHR_gaussian_splatting), .gsz';

/** Throws unless `path` is a non-empty regular file; returns its size. */
export async function checkRegularFile(path: string): Promise<number> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw new SceneReadError(
      path,
      `cannot open (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`,
    );
  }
  if (info.isDirectory()) throw new SceneReadError(path, 'is a directory, not a scene file');
  if (!info.isFile()) {
    const kind = info.isFIFO() ? 'a FIFO' : info.isSocket() ? 'a socket' : 'a device';
    throw new SceneReadError(path, `is ${kind}, not a regular file`);
  }
  if (info.size === 0) throw new SceneReadError(path, 'is empty (0 bytes)');
  return info.size;
}

export async function detectSceneFormat(path: string): Promise<SceneFormat> {
  await checkRegularFile(path);
  const handle = await openOrThrow(path);
  const head = new Uint8Array(4);
  let length: number;
  try {
    ({ bytesRead: length } = await handle.read(head, 0, 4, 0));
  } catch (error) {
    throw new SceneReadError(
      path,
      `cannot read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`,
    );
  } finally {
    await handle.close();
  }
  const text = String.fromCharCode(...head.subarray(0, length));
  if (text.startsWith('ply')) return 'ply';
  if (text === 'NGSP' || (head[0] === 0x1f && head[1] === 0x8b)) return 'spz';
  if (text === 'PK\x03\x04') return 'sog';
  if (length === 4 && GSZ_MAGIC.every((b, i) => head[i] === b)) return 'gsz';
  if (text === 'glTF') return 'gltf';
  const extension = extname(path).toLowerCase();
  if (extension === '.splat') return 'splat';
  if (extension === '.gltf') return 'gltf';
  if (basename(path).toLowerCase() === 'lod-meta.json') return 'sog-lod';
  if (basename(path).toLowerCase() === 'meta.json') return 'sog-folder';
  if (extension === '.gsz') throw new SceneReadError(path, 'not a .gsz file (bad magic)');
  throw new SceneReadError(path, `unknown scene format (supported: ${SUPPORTED_FORMATS})`);
}

export async function readScene(input: string): Promise<GaussianScene> {
  const path = await folderManifest(input);
  const scene = await readSceneUnchecked(path);
  checkSceneValues(path, scene);
  return scene;
}

/** A folder stands for the scene manifest inside it: lod-meta.json (streamed SOG) first, then SOG meta.json. */
async function folderManifest(path: string): Promise<string> {
  const isFolder = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isFolder) return path;
  for (const name of ['lod-meta.json', 'meta.json']) {
    const file = join(path, name);
    if (
      await stat(file).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return file;
  }
  throw new SceneReadError(
    path,
    'is a directory, not a scene file (it holds no lod-meta.json or SOG meta.json)',
  );
}

async function readSceneUnchecked(path: string): Promise<GaussianScene> {
  switch (await detectSceneFormat(path)) {
    case 'ply':
      return readPly(path);
    case 'spz':
      return decodeSpz(path, await readWholeFile(path));
    case 'sog':
      return decodeSogBundle(path, await readWholeFile(path));
    case 'sog-folder':
      return readSogFolder(path);
    case 'sog-lod':
      return readSogLod(path);
    case 'splat':
      return decodeSplat(path, await readWholeFile(path));
    case 'gltf':
      return decodeGltf(path, await readWholeFile(path));
    case 'gsz': {
      const bytes = await readWholeFile(path);
      try {
        return await decodeGszParallel(bytes);
      } catch (error) {
        if (error instanceof GszFormatError) throw new SceneReadError(path, error.message);
        throw error;
      }
    }
  }
}
